//! An `AsyncGen` resumed with `()` is a `Stream`, fused after its end.

mod common;

use core::pin::pin;

use futures_lite::StreamExt;
use futures_lite::future::{block_on, yield_now};
use genlet_coro::{AsyncGen, Co};

#[test]
fn stream_yields_each_value_then_ends_for_good() {
    let mut s = pin!(AsyncGen::new(|co: Co<u32>, ()| async move {
        for i in 0..4 {
            yield_now().await;
            co.yield_(i * i).await;
        }
    }));
    block_on(async {
        assert_eq!(s.as_mut().take(2).collect::<Vec<_>>().await, [0, 1]);
        assert_eq!(s.as_mut().collect::<Vec<_>>().await, [4, 9]);
        assert_eq!(s.next().await, None);
        assert_eq!(s.next().await, None);
    });
}

#[test]
fn a_pending_poll_continues_the_same_step() {
    let gate = common::Gate::default();
    let body_gate = gate.clone();
    let mut s = pin!(AsyncGen::new(move |co: Co<&str>, ()| async move {
        co.yield_("before").await;
        body_gate.wait().await;
        co.yield_("after").await;
    }));
    block_on(async { assert_eq!(s.next().await, Some("before")) });
    assert!(common::poll_once(pin!(s.next())).is_pending());
    gate.open();
    // The step left pending continues: nothing is skipped.
    block_on(async {
        assert_eq!(s.next().await, Some("after"));
        assert_eq!(s.next().await, None);
    });
}
