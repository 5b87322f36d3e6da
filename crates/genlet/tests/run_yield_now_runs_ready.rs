//! `yield_now()` in the future given to `genlet::run` (or a hub's
//! `block_on`) lets every greenlet that was ready run before it returns: on
//! a hub without worker threads, on a one-worker hub and on the default hub.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const ROUNDS: usize = 300;
const GREENLETS: usize = 8;

fn ready_greenlets_run_before_yield_returns(hub: &genlet::reactor::Hub) {
    hub.block_on(async {
        for round in 0..ROUNDS {
            let ran = Arc::new(AtomicUsize::new(0));
            let greenlets: Vec<_> = (0..GREENLETS)
                .map(|_| {
                    let ran = ran.clone();
                    genlet::spawn(async move {
                        ran.fetch_add(1, Ordering::SeqCst);
                    })
                })
                .collect();
            genlet::yield_now().await;
            assert_eq!(ran.load(Ordering::SeqCst), GREENLETS, "round {round}");
            genlet::joinall(greenlets, None, true, None).await.unwrap();
        }
    });
}

#[test]
fn on_a_hub_without_workers() {
    let hub = genlet::reactor::Hub::builder().workers(0).build().unwrap();
    ready_greenlets_run_before_yield_returns(&hub);
}

#[test]
fn on_a_one_worker_hub_and_the_default_hub() {
    common::on_each_hub(ready_greenlets_run_before_yield_returns);
}

#[test]
fn through_genlet_run() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    genlet::run(async move {
        for _ in 0..GREENLETS {
            let r = r.clone();
            genlet::spawn(async move {
                r.fetch_add(1, Ordering::SeqCst);
            })
            .detach();
        }
        genlet::yield_now().await;
    });
    assert_eq!(ran.load(Ordering::SeqCst), GREENLETS);
}
