//! A step an `AsyncGen`'s stream left pending belongs to the stream: a
//! `resume`, `throw` or `close` that runs it to its end keeps its value for
//! the stream's next item, instead of dropping it as it drops the result of
//! a dropped `resume` future.

use core::pin::pin;
use core::task::Context;

use futures_lite::StreamExt;
use futures_lite::future::{block_on, poll_once, yield_now};
use genlet_coro::{AsyncGen, Co, CoroutineState};

#[test]
fn a_resume_after_a_pending_poll_loses_no_item() {
    let mut g = pin!(AsyncGen::new(|co: Co<u32>, ()| async move {
        for i in 0..3 {
            yield_now().await;
            co.yield_(i).await;
        }
    }));
    let mut cx = Context::from_waker(core::task::Waker::noop());
    // The stream starts the step of item 0, which waits on another future.
    assert!(g.as_mut().poll_next(&mut cx).is_pending());
    // A resume runs that step (item 0, kept for the stream), then its own.
    assert_eq!(block_on(g.as_mut().resume(())), CoroutineState::Yielded(1));
    assert_eq!(block_on(g.as_mut().collect::<Vec<_>>()), [0, 2]);
}

#[test]
fn a_throw_after_a_pending_poll_loses_no_item() {
    let mut g = pin!(AsyncGen::new(|co: Co<u32, (), &str>, ()| async move {
        yield_now().await;
        let caught = co.yield_(0).catch().await;
        assert!(matches!(caught, Err(genlet_coro::Interrupt::Throw("stop"))));
    }));
    block_on(async {
        assert!(poll_once(g.as_mut().next()).await.is_none());
        assert_eq!(
            g.as_mut().throw("stop").await,
            Ok(CoroutineState::Complete(()))
        );
        assert_eq!(g.as_mut().next().await, Some(0), "the stream's item");
        assert_eq!(g.as_mut().next().await, None);
    });
}
