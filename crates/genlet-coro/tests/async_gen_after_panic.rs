//! An `AsyncGen` whose body panicked is finished: `close` is a no-op, `throw`
//! hands the error back without running code, `is_finished` is true, the
//! stream ends, and `resume` panics with genlet-coro's own message.

use core::pin::pin;
use std::panic::{AssertUnwindSafe, catch_unwind};

use futures_lite::future::{block_on, yield_now};
use futures_lite::{FutureExt, StreamExt};
use genlet_coro::{AsyncGen, Co, CoroutineState};

/// The message of the panic `f` must raise.
fn panic_message<T>(f: impl core::future::Future<Output = T>) -> String {
    let payload = block_on(AssertUnwindSafe(f).catch_unwind())
        .err()
        .expect("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn a_body_that_panicked_after_awaiting_is_finished() {
    let mut g = pin!(AsyncGen::new(|co: Co<u8, (), &str>, ()| async move {
        co.yield_(1).await;
        yield_now().await;
        panic!("body failed");
    }));
    assert_eq!(block_on(g.as_mut().resume(())), CoroutineState::Yielded(1));
    assert_eq!(panic_message(g.as_mut().resume(())), "body failed");

    assert!(g.is_finished());
    block_on(async {
        assert_eq!(g.as_mut().close().await, Ok(None));
        assert_eq!(g.as_mut().throw("late").await, Err("late"));
    });
    assert_eq!(
        panic_message(g.as_mut().resume(())),
        "genlet-coro: generator resumed after it panicked (a panic finishes a generator)"
    );
}

#[test]
fn a_stream_whose_body_panicked_ends() {
    let mut g = pin!(AsyncGen::new(|co: Co<u8>, ()| async move {
        co.yield_(1).await;
        panic!("body failed");
    }));
    assert_eq!(block_on(g.next()), Some(1));
    let _ = catch_unwind(AssertUnwindSafe(|| block_on(g.next())));
    assert!(g.is_finished());
    assert_eq!(block_on(g.next()), None);
}
