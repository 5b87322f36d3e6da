//! Dropping a `resume` future never corrupts an `AsyncGen`: see the
//! "Cancel safety" section of `AsyncGen::resume`.

mod common;

use core::pin::pin;
use core::task::Poll;

use common::{Gate, poll_once};
use futures_lite::future::block_on;
use genlet_coro::{AsyncGen, Co, CoroutineState};

#[test]
fn dropped_before_the_body_takes_the_argument() {
    // The future is dropped without ever being polled: the generator stays
    // at its yield, and the next resume value goes there.
    let mut g = pin!(AsyncGen::new(|co: Co<u32, u32>, mut x: u32| async move {
        loop {
            x = co.yield_(x).await;
        }
    }));
    block_on(async {
        assert_eq!(g.as_mut().resume(1).await, CoroutineState::Yielded(1));
        drop(g.as_mut().resume(2));
        assert_eq!(g.as_mut().resume(3).await, CoroutineState::Yielded(3));
    });
}

#[test]
fn dropped_mid_step_then_the_step_is_finished_first() {
    let gate = Gate::default();
    let body_gate = gate.clone();
    let mut g = pin!(AsyncGen::new(
        move |co: Co<String, u32>, first: u32| async move {
            let mut seen = vec![first];
            loop {
                let next = co.yield_(format!("{seen:?}")).await;
                seen.push(next);
                if next == 2 {
                    body_gate.wait().await;
                }
            }
        }
    ));
    assert_eq!(
        block_on(g.as_mut().resume(1)),
        CoroutineState::Yielded("[1]".into())
    );
    {
        // The body takes 2, then waits on the gate: the caller gives up.
        let mut step = pin!(g.as_mut().resume(2));
        assert!(poll_once(step.as_mut()).is_pending());
    }
    gate.open();
    // The next resume runs the abandoned step to its yield (its "[1, 2]" was
    // the dropped caller's), then delivers 3.
    assert_eq!(
        block_on(g.as_mut().resume(3)),
        CoroutineState::Yielded("[1, 2, 3]".into())
    );
}

#[test]
fn dropped_mid_step_and_the_body_returns_during_the_catch_up() {
    let gate = Gate::default();
    let body_gate = gate.clone();
    let mut g = pin!(AsyncGen::new(
        move |co: Co<u32, u32>, _first: u32| async move {
            let x = co.yield_(0).await;
            body_gate.wait().await;
            x * 10
        }
    ));
    block_on(g.as_mut().resume(0));
    {
        let mut step = pin!(g.as_mut().resume(4));
        assert!(poll_once(step.as_mut()).is_pending());
    }
    gate.open();
    let mut next = pin!(g.as_mut().resume(5));
    assert_eq!(
        poll_once(next.as_mut()),
        Poll::Ready(CoroutineState::Complete(40))
    );
}
