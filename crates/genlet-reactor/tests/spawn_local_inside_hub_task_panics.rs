//! `spawn_local` inside a hub task panics on every thread, the `block_on`
//! thread included: a hub task may run on any of the hub's threads, so it
//! never gets the `block_on`'s local executor (a local task tied to
//! whichever `block_on` happened to run it, and cancelled when that one
//! returned).

use std::panic::{AssertUnwindSafe, catch_unwind};

use genlet_reactor::{Hub, spawn_local};

const ROUNDS: usize = 300;

fn every_round_panics(hub: &Hub) {
    for round in 0..ROUNDS {
        let task = hub.spawn(async {
            catch_unwind(AssertUnwindSafe(|| drop(spawn_local(async {})))).is_err()
        });
        let panicked = hub.block_on(async {
            // Local tasks still work beside it.
            assert_eq!(spawn_local(async { 7 }).await, 7);
            task.await
        });
        assert!(
            panicked,
            "round {round}: spawn_local inside a hub task did not panic"
        );
    }
}

#[test]
fn on_a_hub_without_workers() {
    every_round_panics(&Hub::builder().workers(0).build().unwrap());
}

#[test]
fn on_a_one_worker_hub() {
    every_round_panics(&Hub::builder().workers(1).build().unwrap());
}

#[test]
fn on_the_default_hub() {
    every_round_panics(&Hub::new().unwrap());
}

#[test]
fn a_block_on_of_another_hub_inside_a_hub_task_has_its_own_local_tasks() {
    let hub = Hub::builder().workers(0).build().unwrap();
    let inner = Hub::builder().workers(0).build().unwrap();
    let n = hub.block_on(
        hub.spawn(async move { inner.block_on(async { spawn_local(async { 3 }).await }) }),
    );
    assert_eq!(n, 3);
}
