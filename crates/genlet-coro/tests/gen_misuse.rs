//! Every misuse of a yield handle or a generator ends in a clear panic naming
//! the misuse: never undefined behaviour, a hang or silent misbehaviour.

use core::future::Future;
use core::pin::{Pin, pin};
use core::task::{Context, Poll};
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use genlet_coro::{Co, Coroutine, CoroutineState, Gen};

/// The message of a panic payload.
fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    message(catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic"))
}

/// Runs `f` with the handle of a `u64` generator that handed it out, while
/// that generator is still alive (suspended at a yield).
fn with_escaped_handle(f: impl FnOnce(Co<u64>)) {
    let escaped: Rc<Cell<Option<Co<u64>>>> = Rc::default();
    let out = escaped.clone();
    let mut owner = pin!(Gen::new(move |co: Co<u64>, ()| async move {
        out.set(Some(co));
        co.yield_(1).await;
    }));
    owner.as_mut().resume(());
    f(escaped.take().unwrap());
}

#[test]
fn handle_used_in_another_generator_panics() {
    with_escaped_handle(|handle| {
        // Another generator, whose slot holds `&str`s, tries to use it.
        let mut other = pin!(Gen::new(move |co: Co<&str>, ()| async move {
            handle.yield_(0xdead_beef).await;
            co.yield_("never").await;
        }));
        let msg = panic_message(|| {
            other.as_mut().resume(());
        });
        assert!(msg.contains("inside a different generator"), "{msg}");
        assert!(msg.contains("yield_from"), "{msg}");
    });
}

#[test]
fn handle_used_after_its_generator_is_dropped_panics() {
    let mut escaped = None;
    with_escaped_handle(|handle| escaped = Some(handle));
    let handle = escaped.unwrap();
    // A new generator of the same types may reuse the same stack memory.
    let mut other = pin!(Gen::new(move |_co: Co<u64>, ()| async move {
        handle.yield_(2).await;
    }));
    let msg = panic_message(|| {
        other.as_mut().resume(());
    });
    assert!(msg.contains("inside a different generator"), "{msg}");
}

#[test]
fn handle_awaited_outside_any_generator_panics() {
    with_escaped_handle(|handle| {
        let msg = panic_message(|| {
            futures_lite::future::block_on(handle.yield_(3));
        });
        assert!(msg.contains("outside its generator"), "{msg}");
    });
}

/// A future that hands the context it is polled with to `f`.
struct WithContext<F>(Option<F>);

impl<F: FnOnce(&mut Context<'_>) + Unpin> Future for WithContext<F> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        (self.0.take().unwrap())(cx);
        Poll::Ready(())
    }
}

/// A body whose step lends its live waker to a scoped thread, which polls a
/// yield with it while the body is still running on this thread; returns the
/// scoped thread's panic message, if it panicked.
fn yield_from_a_scoped_thread(co: Co<u64>) -> impl Future<Output = Option<String>> {
    let mut result = None;
    async move {
        WithContext(Some(|cx: &mut Context<'_>| {
            let waker = cx.waker();
            result = std::thread::scope(|s| {
                s.spawn(|| {
                    let mut cx = Context::from_waker(waker);
                    let mut y = pin!(co.yield_(7));
                    let _ = y.as_mut().poll(&mut cx);
                })
                .join()
            })
            .err()
            .map(message);
        }))
        .await;
        result
    }
}

/// With `std`, a yield polled from another thread while the generator runs
/// panics on that thread, naming the misuse.
#[cfg(feature = "std")]
#[test]
fn handle_awaited_on_another_thread_during_a_step_panics() {
    let mut g = pin!(Gen::new(|co: Co<u64>, ()| async move {
        let msg = yield_from_a_scoped_thread(co)
            .await
            .expect("the other thread must panic");
        assert!(msg.contains("on another thread"), "{msg}");
        co.yield_(1).await;
    }));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
}

/// Without `std` there is no thread identity: the slot is claimed with an
/// atomic flag, so the two threads never touch it at once, and the stray
/// value is caught at the body's next yield.
#[cfg(not(feature = "std"))]
#[test]
fn handle_awaited_on_another_thread_during_a_step_panics() {
    let mut g = pin!(Gen::new(|co: Co<u64>, ()| async move {
        assert_eq!(yield_from_a_scoped_thread(co).await, None);
        co.yield_(1).await;
    }));
    let msg = panic_message(|| {
        g.as_mut().resume(());
    });
    assert!(msg.contains("two yields"), "{msg}");
}

#[test]
fn a_clone_of_the_waker_carries_no_slot() {
    // A waker cloned during a step is a no-op waker, not a live generator
    // waker: polling a yield with it later reports "outside".
    let stolen: Rc<Cell<Option<core::task::Waker>>> = Rc::default();
    let out = stolen.clone();
    let mut g = pin!(Gen::new(move |co: Co<u64>, ()| async move {
        WithContext(Some(move |cx: &mut Context<'_>| {
            out.set(Some(cx.waker().clone()))
        }))
        .await;
        co.yield_(1).await;
        co.yield_(2).await;
    }));
    g.as_mut().resume(());
    let waker = stolen.take().unwrap();
    waker.wake_by_ref(); // harmless
    with_escaped_handle(|co| {
        let msg = panic_message(|| {
            let mut y = pin!(co.yield_(9));
            let _ = y.as_mut().poll(&mut Context::from_waker(&waker));
        });
        assert!(msg.contains("outside its generator"), "{msg}");
    });
}

#[test]
fn awaiting_a_foreign_pending_future_points_to_async_gen() {
    let dropped = Rc::new(Cell::new(false));
    struct Flag(Rc<Cell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let flag = Flag(dropped.clone());
    let mut g = pin!(Gen::new(move |co: Co<u64>, ()| async move {
        let _flag = flag;
        futures_lite::future::pending::<()>().await;
        co.yield_(1).await;
    }));
    let msg = panic_message(|| {
        g.as_mut().resume(());
    });
    assert!(msg.contains("use `AsyncGen`"), "{msg}");
    // The body was dropped before the panic: it cannot be resumed half-way.
    assert!(dropped.get());
    assert!(g.is_finished());
}

#[test]
fn two_yields_in_flight_at_once_panic() {
    let mut g = pin!(Gen::new(|co: Co<u64>, ()| async move {
        futures_lite::future::zip(co.yield_(1), co.yield_(2)).await;
    }));
    let msg = panic_message(|| {
        g.as_mut().resume(());
    });
    assert!(msg.contains("two yields"), "{msg}");
}

#[test]
fn resuming_after_completion_panics() {
    let mut g = pin!(Gen::new(|_: Co<u64>, ()| async {}));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Complete(()));
    let msg = panic_message(|| {
        g.as_mut().resume(());
    });
    assert_eq!(msg, "genlet-coro: generator resumed after completion");
}

#[test]
fn a_panic_in_the_body_unwinds_through_resume() {
    let mut g = pin!(Gen::new(|co: Co<u64>, ()| async move {
        co.yield_(1).await;
        panic!("body failed");
    }));
    g.as_mut().resume(());
    let msg = panic_message(|| {
        g.as_mut().resume(());
    });
    assert_eq!(msg, "body failed");
}
