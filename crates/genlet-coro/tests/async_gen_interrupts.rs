//! `throw` and `close` on an `AsyncGen`: the body may await while it handles
//! them.

use core::pin::pin;

use futures_lite::future::{block_on, yield_now};
use genlet_coro::{AsyncGen, Co, CoroutineState, IgnoredClose, Interrupt};

#[test]
fn throw_handled_after_awaiting() {
    let mut g = pin!(AsyncGen::new(|co: Co<String, (), &str>, ()| async move {
        loop {
            match co.yield_("ready".into()).catch().await {
                Err(Interrupt::Throw(e)) => {
                    yield_now().await;
                    co.yield_(format!("handled {e}")).await;
                }
                Err(Interrupt::Close) => return "closed",
                Ok(()) => {}
            }
        }
    }));
    block_on(async {
        g.as_mut().resume(()).await;
        assert_eq!(
            g.as_mut().throw("e1").await,
            Ok(CoroutineState::Yielded("handled e1".into()))
        );
        // Back to the catching yield, where the close is handled.
        assert_eq!(
            g.as_mut().resume(()).await,
            CoroutineState::Yielded("ready".into())
        );
        assert_eq!(g.as_mut().close().await, Ok(Some("closed")));
        assert_eq!(g.as_mut().close().await, Ok(None));
        assert_eq!(g.as_mut().throw("late").await, Err("late"));
    });
}

#[test]
fn unhandled_interrupts_finish_the_body() {
    let mut g = pin!(AsyncGen::new(|co: Co<u8, (), u32>, ()| async move {
        co.yield_(1).await;
    }));
    block_on(async {
        assert_eq!(g.as_mut().throw(1).await, Err(1)); // never started
        assert!(g.is_finished());
    });
    let mut g = pin!(AsyncGen::new(|co: Co<u8, (), u32>, ()| async move {
        co.yield_(1).await;
    }));
    block_on(async {
        g.as_mut().resume(()).await;
        assert_eq!(g.as_mut().throw(2).await, Err(2));
        assert!(g.is_finished());
    });
}

#[test]
fn ignored_close_is_reported() {
    let mut g = pin!(AsyncGen::new(|co: Co<u8>, ()| async move {
        let _ = co.yield_(1).catch().await;
        yield_now().await;
        co.yield_(2).await;
    }));
    block_on(async {
        g.as_mut().resume(()).await;
        assert_eq!(g.as_mut().close().await, Err(IgnoredClose(2)));
        assert_eq!(g.as_mut().close().await, Ok(None));
    });
}
