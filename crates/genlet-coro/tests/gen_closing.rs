//! `Closing`: Python's finalisation. A suspended generator wrapped in it is
//! closed when dropped, so its close handlers run; one that never started or
//! already finished runs no code; a body that yields again during that close
//! is dropped where it stands, without a panic.

use core::cell::{Cell, RefCell};
use core::pin::pin;
use std::panic::{AssertUnwindSafe, catch_unwind};

use genlet_coro::{Closing, Co, Coroutine, CoroutineState, Gen, Generator, Interrupt};

/// Counts its drops.
struct Counted<'a>(&'a Cell<u32>);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn a_suspended_body_runs_its_close_handler_on_drop() {
    let log = &RefCell::new(Vec::new());
    let mut g = Box::pin(Closing::new(Gen::new(|co: Co<u8>, ()| async move {
        if let Err(Interrupt::Close) = co.yield_(1).catch().await {
            log.borrow_mut().push("handler ran");
        }
        log.borrow_mut().push("body returned");
    })));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    assert!(log.borrow().is_empty());
    drop(g);
    assert_eq!(*log.borrow(), ["handler ran", "body returned"]);
}

#[test]
fn a_plain_yield_is_finished_as_by_a_plain_drop() {
    let dropped = &Cell::new(0);
    let ran_after = &Cell::new(false);
    {
        let mut g = pin!(Closing::new(Gen::new(|co: Co<u8>, ()| async move {
            let _guard = Counted(dropped);
            co.yield_(1).await;
            ran_after.set(true);
        })));
        g.as_mut().resume(());
    }
    assert_eq!(dropped.get(), 1);
    assert!(!ran_after.get());
}

#[test]
fn a_never_started_or_finished_generator_runs_no_code_on_drop() {
    let ran = &Cell::new(0);
    {
        let _g = Closing::new(Gen::new(|co: Co<u8>, ()| async move {
            ran.set(ran.get() + 1);
            let _ = co.yield_(1).catch().await;
            ran.set(ran.get() + 1);
        }));
    }
    assert_eq!(ran.get(), 0);
    {
        let mut g = pin!(Closing::new(Gen::new(|co: Co<u8>, ()| async move {
            let _ = co.yield_(1).catch().await;
            ran.set(ran.get() + 1);
        })));
        g.as_mut().resume(());
        assert_eq!(g.as_mut().resume(()), CoroutineState::Complete(()));
        assert!(g.is_finished());
    }
    assert_eq!(ran.get(), 1);
}

#[test]
fn a_body_that_yields_again_while_closed_on_drop_is_dropped_where_it_stands() {
    let values = &Cell::new(0);
    let locals = &Cell::new(0);
    let ran_after = &Cell::new(false);
    {
        let mut g = pin!(Closing::new(Gen::new(|co: Co<Counted<'_>>, ()| {
            async move {
                let _local = Counted(locals);
                let _ = co.yield_(Counted(values)).catch().await; // ignores the close
                co.yield_(Counted(values)).await; // ...and yields again
                ran_after.set(true);
            }
        })));
        let CoroutineState::Yielded(first) = g.as_mut().resume(()) else {
            panic!("expected a yield");
        };
        drop(first);
        assert_eq!(values.get(), 1);
    } // no panic here
    assert_eq!(
        values.get(),
        2,
        "the value yielded during the close is dropped"
    );
    assert_eq!(locals.get(), 1, "the body's live destructors ran");
    assert!(
        !ran_after.get(),
        "none of its code ran after the second yield"
    );
}

#[test]
fn the_close_reaches_a_sub_generator_first() {
    let log = &RefCell::new(Vec::new());
    let sub = Gen::new(move |co: Co<u8>, ()| async move {
        if let Err(Interrupt::Close) = co.yield_(1).catch().await {
            log.borrow_mut().push("sub");
        }
    });
    {
        let mut g = pin!(Closing::new(Gen::new(move |co: Co<u8>, ()| async move {
            if let Err(Interrupt::Close) = co.yield_from(sub, ()).catch().await {
                log.borrow_mut().push("outer");
            }
        })));
        g.as_mut().resume(());
    }
    assert_eq!(*log.borrow(), ["sub", "outer"]);
}

#[test]
fn a_panicked_body_runs_no_code_on_drop() {
    let ran = &Cell::new(0);
    {
        let mut g = pin!(Closing::new(Gen::new(|co: Co<u8>, ()| async move {
            loop {
                match co.yield_(1).catch().await {
                    Ok(()) => panic!("body failed"),
                    Err(_) => ran.set(ran.get() + 1),
                }
            }
        })));
        g.as_mut().resume(());
        assert!(catch_unwind(AssertUnwindSafe(|| g.as_mut().resume(()))).is_err());
    }
    assert_eq!(ran.get(), 0);
}

#[test]
fn forwards_resume_throw_and_an_explicit_close() {
    let mut g = pin!(Closing::new(Gen::new(
        |co: Co<u32, u32, &str>, first: u32| async move {
            let mut total = first;
            loop {
                match co.yield_(total).catch().await {
                    Ok(x) => total += x,
                    Err(Interrupt::Throw(e)) => total += e.len() as u32,
                    Err(Interrupt::Close) => return total,
                }
            }
        }
    )));
    assert_eq!(g.as_mut().resume(1), CoroutineState::Yielded(1));
    assert_eq!(g.as_mut().resume(2), CoroutineState::Yielded(3));
    assert_eq!(g.as_mut().throw("abc"), Ok(CoroutineState::Yielded(6)));
    assert_eq!(g.as_mut().close(), Ok(Some(6)));
    assert!(g.is_finished());
    assert!(format!("{g:?}").starts_with("Closing(Gen"));
}
