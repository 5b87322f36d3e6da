//! `yield_from` delegation beyond the checklist: deep chains, plain
//! coroutines through `FromCoroutine`, interrupts the sub-generator does not
//! handle, and a sub-generator that ignores a close.

use core::cell::Cell;
use core::pin::{Pin, pin};
use std::rc::Rc;

use genlet_coro::{
    Co, Coroutine, CoroutineState, FromCoroutine, Gen, Generator, IgnoredClose, Interrupt, Iter,
};

/// A generator that delegates `depth` levels down to one that echoes.
fn chain(
    depth: u32,
) -> Pin<Box<dyn Generator<i64, Yield = i64, Return = i64, Error = &'static str>>> {
    if depth == 0 {
        Box::pin(Gen::new(
            |co: Co<i64, i64, &'static str>, mut x: i64| async move {
                while x >= 0 {
                    x = co.yield_(x).await;
                }
                x
            },
        ))
    } else {
        Box::pin(Gen::new(
            move |co: Co<i64, i64, &'static str>, first: i64| async move {
                co.yield_from(chain(depth - 1), first).await - 1
            },
        ))
    }
}

#[test]
fn deep_delegation_passes_values_and_returns() {
    let mut g = chain(50);
    assert_eq!(g.as_mut().resume(1), CoroutineState::Yielded(1));
    assert_eq!(g.as_mut().resume(2), CoroutineState::Yielded(2));
    assert_eq!(g.as_mut().resume(-1), CoroutineState::Complete(-51));
}

#[test]
fn unhandled_throw_finishes_every_level_and_comes_back() {
    let mut g = chain(10);
    g.as_mut().resume(1);
    assert_eq!(g.as_mut().throw("deep"), Err("deep"));
    assert_eq!(g.as_mut().close(), Ok(None));
}

#[test]
fn plain_coroutine_through_from_coroutine() {
    struct Upto(u8, u8);
    impl Coroutine for Upto {
        type Yield = u8;
        type Return = u8;
        fn resume(mut self: Pin<&mut Self>, (): ()) -> CoroutineState<u8, u8> {
            if self.0 == self.1 {
                return CoroutineState::Complete(self.1);
            }
            self.0 += 1;
            CoroutineState::Yielded(self.0)
        }
    }
    let outer = pin!(Gen::new(|co: Co<u8>, ()| async move {
        let a = co.yield_from(FromCoroutine::new(Upto(0, 2)), ()).await;
        let b = co.yield_from(FromCoroutine::new(Upto(10, 12)), ()).await;
        a + b
    }));
    let mut it = Iter::new(outer);
    assert_eq!(it.by_ref().collect::<Vec<_>>(), [1, 2, 11, 12]);
    assert_eq!(it.into_return(), Some(14));

    // A throw finishes the plain coroutine and reaches the delegator.
    let dropped = Rc::new(Cell::new(false));
    struct Tracked(Rc<Cell<bool>>);
    impl Coroutine for Tracked {
        type Yield = u8;
        type Return = ();
        fn resume(self: Pin<&mut Self>, (): ()) -> CoroutineState<u8, ()> {
            CoroutineState::Yielded(0)
        }
    }
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let t = Tracked(dropped.clone());
    let mut outer = pin!(Gen::new(move |co: Co<u8, (), &str>, ()| async move {
        match co.yield_from(FromCoroutine::new(t), ()).catch().await {
            Err(Interrupt::Throw(e)) => e,
            _ => "not thrown",
        }
    }));
    outer.as_mut().resume(());
    assert!(!dropped.get());
    assert_eq!(outer.as_mut().throw("x"), Ok(CoroutineState::Complete("x")));
    assert!(dropped.get());
}

#[test]
fn sub_generator_ignoring_close_is_reported_by_the_delegator() {
    let sub = Gen::new(|co: Co<&str>, ()| async move {
        let _ = co.yield_("first").catch().await;
        co.yield_("ignored the close").await;
    });
    let mut outer = pin!(Gen::new(move |co: Co<&str>, ()| async move {
        co.yield_from(sub, ()).await;
    }));
    outer.as_mut().resume(());
    assert_eq!(
        outer.as_mut().close(),
        Err(IgnoredClose("ignored the close"))
    );
    // The next close reaches the sub's plain yield, which lets it through.
    assert_eq!(outer.as_mut().close(), Ok(None));
    assert!(outer.is_finished());
}

#[test]
fn sub_generator_handling_a_throw_keeps_delegating() {
    let sub = Gen::new(|co: Co<i32, (), i32>, ()| async move {
        let mut total = 0;
        loop {
            match co.yield_(total).catch().await {
                Err(Interrupt::Throw(e)) => total += e,
                Err(Interrupt::Close) => return total,
                Ok(()) => {}
            }
        }
    });
    let mut outer = pin!(Gen::new(move |co: Co<i32, (), i32>, ()| async move {
        co.yield_from(sub, ()).await
    }));
    outer.as_mut().resume(());
    assert_eq!(outer.as_mut().throw(3), Ok(CoroutineState::Yielded(3)));
    assert_eq!(outer.as_mut().throw(4), Ok(CoroutineState::Yielded(7)));
    // The sub returns on close, which still closes the delegator (PEP 380).
    assert_eq!(outer.as_mut().close(), Ok(None));
}
