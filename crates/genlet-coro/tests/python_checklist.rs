//! The Python generator checklist (PEP 255 / 342 / 380 / 479), line by line,
//! as `shared/reference/coroutines.md` lists it.

use core::cell::Cell;
use core::pin::pin;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use genlet_coro::{
    Closing, Co, Coroutine, CoroutineState, Gen, Generator, IgnoredClose, Interrupt, Iter,
};

/// Counts its drops: stands for a `finally` block.
struct Finally(Rc<Cell<u32>>);

impl Drop for Finally {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

/// Line 1: Creating a generator runs no code; `next(g)` is `send(None)`.
#[test]
fn line_1_creating_runs_no_code() {
    let ran = &Cell::new(false);
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        ran.set(true);
        co.yield_(1).await;
    }));
    assert!(!ran.get());
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    assert!(ran.get());
}

/// Line 2: The first resume value is never lost: the body receives it.
#[test]
fn line_2_first_resume_value_reaches_the_body() {
    let mut g = pin!(Gen::new(|co: Co<i32, i32>, first: i32| async move {
        let second = co.yield_(first).await;
        (first, second)
    }));
    assert_eq!(g.as_mut().resume(7), CoroutineState::Yielded(7));
    assert_eq!(g.as_mut().resume(8), CoroutineState::Complete((7, 8)));
}

/// Line 3: `return v` ends the generator with `v`; every later resume reports it.
#[test]
fn line_3_return_value_then_exhausted() {
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        co.yield_(1).await;
        "value"
    }));
    g.as_mut().resume(());
    assert_eq!(g.as_mut().resume(()), CoroutineState::Complete("value"));
    assert!(g.is_finished());
    let err = catch_unwind(AssertUnwindSafe(|| g.as_mut().resume(()))).unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>().copied(),
        Some("genlet-coro: generator resumed after completion")
    );
    let five = pin!(Gen::new(|_: Co<u8>, ()| async { 5 }));
    let mut it = Iter::new(five);
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None); // exhausted, and stays so
    assert_eq!(it.into_return(), Some(5));
}

/// Line 3, after a raise: a generator whose body raised (here: panicked) is
/// finished: `close()` is a no-op, `throw(e)` re-raises `e` without running
/// code, and resuming reports it (Python: `StopIteration`; here a panic with
/// genlet-coro's own message, as after completion).
#[test]
fn line_3_after_a_panic_the_generator_is_finished() {
    let ran = &Cell::new(0);
    let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
        loop {
            match co.yield_(1).catch().await {
                Ok(()) => panic!("raised"),
                Err(_) => ran.set(ran.get() + 1),
            }
        }
    }));
    g.as_mut().resume(());
    assert!(catch_unwind(AssertUnwindSafe(|| g.as_mut().resume(()))).is_err());
    assert!(g.is_finished());
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(g.as_mut().throw("e"), Err("e"));
    assert_eq!(ran.get(), 0);
    let err = catch_unwind(AssertUnwindSafe(|| g.as_mut().resume(()))).unwrap_err();
    assert_eq!(
        err.downcast_ref::<&str>().copied(),
        Some("genlet-coro: generator resumed after it panicked (a panic finishes a generator)")
    );
}

/// Line 4: Resuming a generator from inside itself is refused ("generator already
/// executing"): `resume` takes `Pin<&mut Self>`, so only shared ownership can
/// even attempt it, and `RefCell` refuses it (the compile-time side is in
/// `tests/ui/self_resume.rs`).
#[test]
fn line_4_resuming_from_inside_is_refused() {
    type Shared =
        Rc<std::cell::RefCell<Option<core::pin::Pin<Box<dyn Coroutine<Yield = u8, Return = ()>>>>>>;
    let shared: Shared = Rc::default();
    let inner = shared.clone();
    let g = Gen::new(move |co: Co<u8>, ()| async move {
        co.yield_(1).await;
        let _ = inner.borrow_mut().as_mut().unwrap().as_mut().resume(());
    });
    *shared.borrow_mut() = Some(Box::pin(g));
    shared.borrow_mut().as_mut().unwrap().as_mut().resume(());
    let err = catch_unwind(AssertUnwindSafe(|| {
        shared.borrow_mut().as_mut().unwrap().as_mut().resume(())
    }))
    .unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or("");
    assert!(msg.contains("already"), "{msg}");
}

/// Line 5: `throw(e)` raises at the yield; handled: `throw` returns what comes
/// next; unhandled: `e` comes back out; finished: re-raised, nothing runs.
#[test]
fn line_5_throw() {
    let finally = Rc::new(Cell::new(0));
    // Unhandled: the body unwinds (its destructors run) and `e` comes out.
    let f = finally.clone();
    let mut g = pin!(Gen::new(move |co: Co<u8, (), &str>, ()| async move {
        let _guard = Finally(f);
        co.yield_(1).await;
        co.yield_(2).await;
    }));
    g.as_mut().resume(());
    assert_eq!(g.as_mut().throw("boom"), Err("boom"));
    assert_eq!(finally.get(), 1);
    assert!(g.is_finished());
    // Finished: re-raised, no code runs.
    assert_eq!(g.as_mut().throw("again"), Err("again"));
    assert_eq!(finally.get(), 1);

    // Handled: the yield observes it and the body goes on.
    let mut g = pin!(Gen::new(|co: Co<String, (), &str>, ()| async move {
        loop {
            match co.yield_("ok".into()).catch().await {
                Ok(()) => {}
                Err(Interrupt::Throw(e)) => {
                    co.yield_(format!("caught {e}")).await;
                }
                Err(Interrupt::Close) => return,
            }
        }
    }));
    g.as_mut().resume(());
    assert_eq!(
        g.as_mut().throw("x"),
        Ok(CoroutineState::Yielded("caught x".into()))
    );
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded("ok".into()));

    // Never started: raised "at the top": the body never runs.
    let ran = &Cell::new(false);
    let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
        ran.set(true);
        co.yield_(1).await;
    }));
    assert_eq!(g.as_mut().throw("early"), Err("early"));
    assert!(!ran.get());
    assert!(g.is_finished());
}

/// Line 6: `close()`: succeeds when the body finishes; `IgnoredClose` when it
/// yields; idempotent; a no-op when finished or never started; returns the
/// body's value when it catches the close and returns (Python 3.13).
#[test]
fn line_6_close() {
    let finally = Rc::new(Cell::new(0));
    let f = finally.clone();
    let mut g = pin!(Gen::new(move |co: Co<u8>, ()| async move {
        let _guard = Finally(f);
        co.yield_(1).await;
    }));
    g.as_mut().resume(());
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(finally.get(), 1);
    assert_eq!(g.as_mut().close(), Ok(None)); // idempotent
    assert_eq!(finally.get(), 1);

    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        match co.yield_(1).catch().await {
            Err(Interrupt::Close) => 42,
            _ => 0,
        }
    }));
    g.as_mut().resume(());
    assert_eq!(g.as_mut().close(), Ok(Some(42)));

    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        loop {
            let _ = co.yield_(1).catch().await; // ignores everything
        }
    }));
    g.as_mut().resume(());
    assert_eq!(g.as_mut().close(), Err(IgnoredClose(1)));
    assert!(!g.is_finished());

    let ran = &Cell::new(false);
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        ran.set(true);
        co.yield_(1).await;
    }));
    assert_eq!(g.as_mut().close(), Ok(None));
    assert!(!ran.get());
}

/// Line 7: An abandoned suspended generator is finalised: dropping it runs the
/// destructors of everything alive at the yield.
#[test]
fn line_7_drop_runs_live_destructors() {
    let finally = Rc::new(Cell::new(0));
    let f = finally.clone();
    {
        let mut g = pin!(Gen::new(move |co: Co<u8>, ()| async move {
            let _a = Finally(f.clone());
            let _b = Finally(f);
            co.yield_(1).await;
        }));
        g.as_mut().resume(());
        assert_eq!(finally.get(), 0);
    }
    assert_eq!(finally.get(), 2);
}

/// Line 7, Python's finalisation (PEP 342): a collected suspended generator is
/// closed, so its `except GeneratorExit` / `finally` code runs. Opt in with
/// `Closing`; a body that ignores that close is dropped where it stands.
#[test]
fn line_7_closing_runs_close_handlers_on_drop() {
    let log = &std::cell::RefCell::new(Vec::new());
    {
        let mut g = pin!(Closing::new(Gen::new(|co: Co<u8>, ()| async move {
            match co.yield_(1).catch().await {
                Err(Interrupt::Close) => log.borrow_mut().push("except GeneratorExit"),
                _ => log.borrow_mut().push("not closed"),
            }
        })));
        g.as_mut().resume(());
    }
    assert_eq!(*log.borrow(), ["except GeneratorExit"]);

    let finally = Rc::new(Cell::new(0));
    let f = finally.clone();
    {
        let mut g = pin!(Closing::new(Gen::new(move |co: Co<u8>, ()| async move {
            let _finally = Finally(f);
            loop {
                let _ = co.yield_(1).catch().await; // ignores GeneratorExit
            }
        })));
        g.as_mut().resume(());
    }
    assert_eq!(finally.get(), 1);
}

/// Line 8: `yield from sub` (PEP 380): values pass through, sends go to `sub`,
/// throws go to `sub.throw`, close closes `sub` first, and the expression is
/// `sub`'s return value.
#[test]
fn line_8_yield_from() {
    let log = Rc::new(std::cell::RefCell::new(Vec::new()));
    let l = log.clone();
    let sub = Gen::new(move |co: Co<String, i32, &str>, first: i32| async move {
        let mut got = vec![first];
        loop {
            match co.yield_(format!("sub saw {got:?}")).catch().await {
                Ok(0) => return got.iter().sum::<i32>(),
                Ok(v) => got.push(v),
                Err(Interrupt::Throw(e)) => got.push(e.len() as i32 * 100),
                Err(Interrupt::Close) => {
                    l.borrow_mut().push("sub closed");
                    return -1;
                }
            }
        }
    });
    let l = log.clone();
    let mut outer = pin!(Gen::new(
        move |co: Co<String, i32, &str>, first: i32| async move {
            let total = co.yield_from(sub, first).catch().await;
            if let Err(Interrupt::Close) = total {
                l.borrow_mut().push("outer closed");
                return -1;
            }
            co.yield_(format!("sub returned {}", total.unwrap())).await;
            0
        }
    ));
    assert_eq!(
        outer.as_mut().resume(1),
        CoroutineState::Yielded("sub saw [1]".into())
    );
    assert_eq!(
        outer.as_mut().resume(2),
        CoroutineState::Yielded("sub saw [1, 2]".into())
    );
    assert_eq!(
        outer.as_mut().throw("abc"),
        Ok(CoroutineState::Yielded("sub saw [1, 2, 300]".into()))
    );
    assert_eq!(
        outer.as_mut().resume(0),
        CoroutineState::Yielded("sub returned 303".into())
    );

    // close: the sub-generator first, then the delegator.
    let l = log.clone();
    let sub = Gen::new(move |co: Co<u8>, ()| async move {
        if let Err(Interrupt::Close) = co.yield_(1).catch().await {
            l.borrow_mut().push("sub closed");
        }
    });
    let l = log.clone();
    let mut outer = pin!(Gen::new(move |co: Co<u8>, ()| async move {
        if let Err(Interrupt::Close) = co.yield_from(sub, ()).catch().await {
            l.borrow_mut().push("outer closed");
        }
    }));
    log.borrow_mut().clear();
    outer.as_mut().resume(());
    assert_eq!(outer.as_mut().close(), Ok(Some(())));
    assert_eq!(*log.borrow(), ["sub closed", "outer closed"]);
}

/// Line 8, any iterable: `yield from range(3)` delegates to a plain iterator;
/// a throw goes through it (an iterator has no `throw`) and it is dropped.
#[test]
fn line_8_yield_from_any_iterable() {
    let g = pin!(Gen::new(|co: Co<u32>, ()| async move {
        co.yield_from_iter(0..3).await;
        co.yield_from_iter(vec![10, 20]).await;
    }));
    assert_eq!(Iter::new(g).collect::<Vec<_>>(), [0, 1, 2, 10, 20]);

    let mut g = pin!(Gen::new(|co: Co<u32, (), &str>, ()| async move {
        match co.yield_from_iter(0..).catch().await {
            Err(Interrupt::Throw(e)) => e.len(),
            _ => 0,
        }
    }));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(0));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    assert_eq!(g.as_mut().throw("four"), Ok(CoroutineState::Complete(4)));
}
