//! `Hub::block_on` called from inside one of the hub's own tasks panics
//! with a message saying to await instead; before, it could hang for ever
//! (on a one-worker hub, 5 of 5 rounds). Inside another `block_on`'s future
//! it is fine.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use genlet_reactor::{Hub, sleep};

fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[test]
fn block_on_in_a_task_of_the_same_hub_panics() {
    for workers in [0, 1, 2] {
        let hub = Arc::new(Hub::builder().workers(workers).build().unwrap());
        let inner = hub.clone();
        let task = hub.spawn(async move { inner.block_on(sleep(Duration::from_millis(2))) });
        let panicked = catch_unwind(AssertUnwindSafe(|| hub.block_on(task))).unwrap_err();
        let text = message(panicked);
        assert!(
            text.contains("inside one of the hub's own tasks"),
            "{workers}: {text}"
        );
        // The hub still works.
        assert_eq!(hub.block_on(hub.spawn(async { 5 })), 5);
    }
}

#[test]
fn block_on_inside_a_block_on_future_works() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let out = hub.block_on(async {
        hub.block_on(async {
            sleep(Duration::from_millis(1)).await;
            7
        })
    });
    assert_eq!(out, 7);
}
