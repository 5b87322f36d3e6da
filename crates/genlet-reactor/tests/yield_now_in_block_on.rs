//! `yield_now()` awaited by the future given to `Hub::block_on` returns only
//! after every task that was ready has run: on a hub without workers (where
//! only the `block_on` thread runs tasks) and on one with workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use genlet_reactor::{Hub, Priority, spawn_local, yield_now};

const ROUNDS: usize = 300;
const TASKS: usize = 50;

/// Spawns `TASKS` tasks at every priority (and a few `spawn_local` ones),
/// yields once, and checks that each of them ran.
fn every_ready_task_runs(hub: &Hub) {
    for round in 0..ROUNDS {
        let ran = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..TASKS)
            .map(|i| {
                let ran = ran.clone();
                let priority = [Priority::Low, Priority::Normal, Priority::High][i % 3];
                hub.task().priority(priority).spawn(async move {
                    ran.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        let seen = hub.block_on(async {
            let locals: Vec<_> = (0..5)
                .map(|_| {
                    let ran = ran.clone();
                    spawn_local(async move {
                        ran.fetch_add(1, Ordering::SeqCst);
                    })
                })
                .collect();
            yield_now().await;
            let seen = ran.load(Ordering::SeqCst);
            for t in locals {
                t.await;
            }
            seen
        });
        assert_eq!(seen, TASKS + 5, "round {round}");
        hub.block_on(async {
            for t in tasks {
                t.await;
            }
        });
    }
}

#[test]
fn on_a_hub_without_workers() {
    every_ready_task_runs(&Hub::builder().workers(0).build().unwrap());
}

#[test]
fn on_the_default_hub() {
    every_ready_task_runs(&Hub::new().unwrap());
}

#[test]
fn on_a_hub_with_one_worker() {
    every_ready_task_runs(&Hub::builder().workers(1).build().unwrap());
}

/// Tasks spawned from other OS threads, through a `Handle`, before the
/// `block_on` future heard of them, have all run when its `yield_now` returns.
#[test]
fn tasks_spawned_from_other_threads() {
    for workers in [0, 1] {
        let hub = Hub::builder().workers(workers).build().unwrap();
        for round in 0..ROUNDS {
            let ran = Arc::new(AtomicUsize::new(0));
            let (spawned, heard) = std::sync::mpsc::channel();
            let spawners: Vec<_> = (0..2)
                .map(|_| {
                    let (handle, ran, spawned) = (hub.handle(), ran.clone(), spawned.clone());
                    std::thread::spawn(move || {
                        for _ in 0..TASKS / 2 {
                            let ran = ran.clone();
                            handle
                                .spawn(async move {
                                    ran.fetch_add(1, Ordering::SeqCst);
                                })
                                .detach();
                        }
                        spawned.send(()).unwrap();
                    })
                })
                .collect();
            for _ in &spawners {
                heard.recv().unwrap();
            }
            let seen = hub.block_on(async {
                yield_now().await;
                ran.load(Ordering::SeqCst)
            });
            assert_eq!(seen, TASKS / 2 * 2, "{workers} workers, round {round}");
            for s in spawners {
                s.join().unwrap();
            }
        }
    }
}

/// A task that loops on `yield_now` is always ready: it does not keep the
/// `block_on` future's `yield_now` from returning.
#[test]
fn returns_beside_a_task_that_always_yields() {
    let hub = Hub::builder().workers(0).build().unwrap();
    let stop = Arc::new(AtomicUsize::new(0));
    let s = stop.clone();
    let spinner = hub.task().priority(Priority::High).spawn(async move {
        while s.load(Ordering::SeqCst) == 0 {
            yield_now().await;
        }
    });
    hub.block_on(async {
        for _ in 0..ROUNDS {
            yield_now().await;
        }
        stop.store(1, Ordering::SeqCst);
        spinner.await;
    });
}
