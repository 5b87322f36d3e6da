//! A `Gen` body whose yield lost a race (`future::or`, `select`) and which then
//! awaits a foreign future panics pointing to `AsyncGen` on that very resume:
//! the lost yield's value never comes out as if it had been yielded. A body
//! that returns past the yield it was suspended at, which never took the
//! resume value or error sent to it, panics too: neither is lost silently.

use core::cell::Cell;
use core::future::Future;
use core::pin::{Pin, pin};
use core::task::{Context, Poll};
use std::panic::{AssertUnwindSafe, catch_unwind};

use futures_lite::future;
use genlet_coro::{Co, Coroutine, CoroutineState, Gen, Generator};

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

/// Pending for ever, keeping a clone of the waker (as a channel or timer does).
struct Registers;

impl Future for Registers {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        drop(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn a_lost_yield_then_a_waker_clone_panics_on_that_resume() {
    let after = &Cell::new(false);
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        // The yield parks 1, but the ready future wins the race.
        let yield_won = future::or(
            async {
                co.yield_(1).await;
                true
            },
            async { false },
        )
        .await;
        assert!(!yield_won);
        after.set(true);
        Registers.await;
        co.yield_(3).await;
    }));
    let msg = panic_message(|| g.as_mut().resume(()));
    assert!(msg.contains("use `AsyncGen`"), "{msg}");
    assert!(after.get());
    assert!(g.is_finished());
}

#[test]
fn a_lost_yield_then_a_wake_by_ref_panics_on_that_resume() {
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        future::or(async { co.yield_(1).await }, future::ready(())).await;
        future::yield_now().await; // wakes by reference, then is pending once
        co.yield_(3).await;
    }));
    let msg = panic_message(|| g.as_mut().resume(()));
    assert!(msg.contains("use `AsyncGen`"), "{msg}");
    assert!(g.is_finished());
}

#[test]
fn a_yield_after_a_ready_foreign_future_still_yields() {
    // A foreign future that uses the waker and is ready at once does not
    // spoil the yield that follows it.
    let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
        core::future::poll_fn(|cx| {
            cx.waker().wake_by_ref();
            drop(cx.waker().clone());
            Poll::Ready(())
        })
        .await;
        co.yield_(1).await;
        co.yield_(2).await;
    }));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(2));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Complete(()));
}

/// Pending until `open` is set; polls do not touch the waker.
fn gate(open: &Cell<bool>) -> impl Future<Output = u32> + '_ {
    core::future::poll_fn(move |_| {
        if open.get() {
            Poll::Ready(0)
        } else {
            Poll::Pending
        }
    })
}

const NOT_TAKEN: &str = "the yield it was suspended at was dropped";

#[test]
fn a_body_that_returns_past_its_yield_without_the_resume_value_panics() {
    let (open, got) = (&Cell::new(false), &Cell::new(None));
    let mut g = pin!(Gen::new(|co: Co<u8, u32>, _first: u32| async move {
        let yielded = async {
            let v = co.yield_(1).await;
            got.set(Some(v));
            v
        };
        future::or(gate(open), yielded).await
    }));
    // A real suspension: the gate is shut.
    assert_eq!(g.as_mut().resume(0), CoroutineState::Yielded(1));
    // The gate wins the next poll; the yield (and 42) would be dropped.
    open.set(true);
    let msg = panic_message(|| g.as_mut().resume(42));
    assert!(msg.contains(NOT_TAKEN), "{msg}");
    assert_eq!(got.get(), None);
    assert!(g.is_finished());
}

#[test]
fn a_body_that_returns_past_its_yield_without_raising_the_error_panics() {
    let open = &Cell::new(false);
    let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
        let yielded = async {
            co.yield_(1).await;
            1
        };
        future::or(yielded, gate(open)).await
    }));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    open.set(true);
    // The yield lets the error through, but the gate completes the body.
    let msg = panic_message(|| g.as_mut().throw("error"));
    assert!(msg.contains(NOT_TAKEN), "{msg}");
    assert!(g.is_finished());
}
