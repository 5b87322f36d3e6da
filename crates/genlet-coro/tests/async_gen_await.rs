//! An `AsyncGen` body awaits real futures between its yields; they wake the
//! task that awaits the generator.

mod common;

use core::pin::pin;

use common::{Gate, poll_once};
use futures_lite::future::block_on;
use genlet_coro::{AsyncGen, Co, CoroutineState};

#[test]
fn body_waits_on_a_future_woken_from_another_thread() {
    let gate = Gate::default();
    let body_gate = gate.clone();
    let mut g = pin!(AsyncGen::new(
        move |co: Co<&str, u32>, first: u32| async move {
            body_gate.wait().await;
            let second = co.yield_("after the gate").await;
            first + second
        }
    ));
    let opener = std::thread::spawn(move || gate.open());
    block_on(async {
        assert_eq!(
            g.as_mut().resume(1).await,
            CoroutineState::Yielded("after the gate")
        );
        assert_eq!(g.as_mut().resume(2).await, CoroutineState::Complete(3));
    });
    opener.join().unwrap();
}

#[test]
fn resume_is_pending_while_the_body_waits() {
    let gate = Gate::default();
    let body_gate = gate.clone();
    let mut g = pin!(AsyncGen::new(move |co: Co<u32>, ()| async move {
        co.yield_(1).await;
        body_gate.wait().await;
        co.yield_(2).await;
    }));
    assert_eq!(block_on(g.as_mut().resume(())), CoroutineState::Yielded(1));
    {
        let mut step = pin!(g.as_mut().resume(()));
        assert!(poll_once(step.as_mut()).is_pending());
        assert!(poll_once(step.as_mut()).is_pending());
        gate.open();
        assert_eq!(
            poll_once(step.as_mut()),
            core::task::Poll::Ready(CoroutineState::Yielded(2))
        );
    }
    assert_eq!(
        block_on(g.as_mut().resume(())),
        CoroutineState::Complete(())
    );
}

#[test]
fn sync_generators_can_run_inside_an_async_body() {
    use genlet_coro::{Gen, Iter};
    let mut g = pin!(AsyncGen::new(|co: Co<u32>, ()| async move {
        let inner = pin!(Gen::new(|inner: Co<u32>, ()| async move {
            inner.yield_(10).await;
            inner.yield_(20).await;
        }));
        for x in Iter::new(inner) {
            futures_lite::future::yield_now().await;
            co.yield_(x + 1).await;
        }
    }));
    block_on(async {
        assert_eq!(g.as_mut().resume(()).await, CoroutineState::Yielded(11));
        assert_eq!(g.as_mut().resume(()).await, CoroutineState::Yielded(21));
        assert_eq!(g.as_mut().resume(()).await, CoroutineState::Complete(()));
    });
}
