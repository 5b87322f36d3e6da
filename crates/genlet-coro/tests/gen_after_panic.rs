//! A `Gen` whose body panicked is finished, as a Python generator that raised:
//! `close` is a no-op, `throw` hands the error back without running code,
//! `is_finished` is true, and `resume` panics with genlet-coro's own message.

use core::cell::Cell;
use core::pin::pin;
use std::panic::{AssertUnwindSafe, catch_unwind};

use genlet_coro::{Co, Coroutine, CoroutineState, Gen, Generator, Interrupt};

/// The message of the panic `f` must raise.
fn panic_message<T>(f: impl FnOnce() -> T) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f))
        .err()
        .expect("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

const AFTER_PANIC: &str =
    "genlet-coro: generator resumed after it panicked (a panic finishes a generator)";

#[test]
fn a_body_that_panicked_mid_way_is_finished() {
    let ran_after = &Cell::new(0);
    let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
        loop {
            match co.yield_(1).catch().await {
                Ok(()) => panic!("body failed"),
                // Would run if close or throw reached the body again.
                Err(_) => ran_after.set(ran_after.get() + 1),
            }
        }
    }));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    assert_eq!(panic_message(|| g.as_mut().resume(())), "body failed");

    assert!(g.is_started());
    assert!(g.is_finished());
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(g.as_mut().throw("late"), Err("late"));
    assert_eq!(ran_after.get(), 0);
    assert!(g.is_finished());
    assert_eq!(panic_message(|| g.as_mut().resume(())), AFTER_PANIC);
    // Still the same answer after the resume that panicked.
    assert_eq!(g.as_mut().close(), Ok(None));
    assert!(format!("{g:?}").contains("finished: true"));
}

#[test]
fn a_body_that_panicked_on_its_first_resume_is_finished() {
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        if true {
            panic!("at once");
        }
        co.yield_(1).await;
    }));
    assert_eq!(panic_message(|| g.as_mut().resume(())), "at once");
    assert!(g.is_finished());
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(panic_message(|| g.as_mut().resume(())), AFTER_PANIC);
}

#[test]
fn a_closure_that_panicked_before_making_its_body_is_finished() {
    let mut g = pin!(Gen::new(|co: Co<u8, u8>, first: u8| {
        assert!(first > 0, "closure refused {first}");
        async move {
            co.yield_(first).await;
        }
    }));
    assert_eq!(panic_message(|| g.as_mut().resume(0)), "closure refused 0");
    assert!(g.is_finished());
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(panic_message(|| g.as_mut().resume(1)), AFTER_PANIC);
}

#[test]
fn a_body_that_panicked_handling_a_throw_or_close_is_finished() {
    let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
        loop {
            match co.yield_(1).catch().await {
                Err(Interrupt::Throw(e)) => panic!("cannot handle {e}"),
                Err(Interrupt::Close) => panic!("cannot close"),
                Ok(()) => {}
            }
        }
    }));
    g.as_mut().resume(());
    assert_eq!(panic_message(|| g.as_mut().throw("x")), "cannot handle x");
    assert!(g.is_finished());
    assert_eq!(g.as_mut().throw("y"), Err("y"));
    assert_eq!(g.as_mut().close(), Ok(None));

    let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
        let _ = co.yield_(1).catch().await;
        panic!("cannot close");
    }));
    g.as_mut().resume(());
    assert_eq!(panic_message(|| g.as_mut().close()), "cannot close");
    assert!(g.is_finished());
    assert_eq!(g.as_mut().close(), Ok(None));
}

#[test]
fn a_delegator_whose_sub_generator_panicked_is_finished() {
    let sub = Gen::new(|co: Co<u8>, ()| async move {
        co.yield_(1).await;
        panic!("sub failed");
    });
    let mut outer = pin!(Gen::new(move |co: Co<u8>, ()| async move {
        co.yield_from(sub, ()).await;
        co.yield_(2).await;
    }));
    assert_eq!(outer.as_mut().resume(()), CoroutineState::Yielded(1));
    assert_eq!(panic_message(|| outer.as_mut().resume(())), "sub failed");
    assert!(outer.is_finished());
    assert_eq!(outer.as_mut().close(), Ok(None));
    assert_eq!(panic_message(|| outer.as_mut().resume(())), AFTER_PANIC);
}

#[test]
fn the_live_destructors_of_a_panicked_body_ran_once() {
    struct Finally<'a>(&'a Cell<u32>);
    impl Drop for Finally<'_> {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let dropped = &Cell::new(0);
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        let _guard = Finally(dropped);
        co.yield_(1).await;
        panic!("body failed");
    }));
    g.as_mut().resume(());
    let _ = catch_unwind(AssertUnwindSafe(|| g.as_mut().resume(())));
    assert_eq!(dropped.get(), 1);
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(dropped.get(), 1);
}

/// Panics when dropped.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("destructor panicked");
    }
}

#[test]
fn a_destructor_that_panicked_finishing_the_body_finishes_it_as_panicked() {
    // Finished by a close, and by a throw: the destructor's panic unwinds
    // through that call, and the generator then says it panicked.
    for throw in [false, true] {
        let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
            let _bomb = PanicsOnDrop;
            co.yield_(1).await;
        }));
        assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
        let msg = if throw {
            panic_message(|| g.as_mut().throw("stop"))
        } else {
            panic_message(|| g.as_mut().close())
        };
        assert_eq!(msg, "destructor panicked");
        assert!(g.is_finished());
        assert_eq!(g.as_mut().close(), Ok(None));
        assert_eq!(g.as_mut().throw("again"), Err("again"));
        assert_eq!(panic_message(|| g.as_mut().resume(())), AFTER_PANIC);
    }
}
