//! A burst of spawns larger than a run queue's ring buffer (1,024 tasks a
//! level) spills into its overflow and back: every task runs exactly once,
//! and the tasks that wake themselves meanwhile (`yield_now`, queued again
//! while the overflow holds tasks) run to the end too. Two spawners: the
//! `block_on` thread, all at once, and a task, a few at a time between
//! yields, so that it queues tasks while the overflow is being drained. On a
//! hub whose `block_on` thread is its only one, tasks start in exactly the
//! order they were spawned (a task queued while the overflow holds older
//! ones waits behind them); on a one-worker hub and on the default one,
//! where threads race to start them, each runs once.

use std::sync::{Arc, Mutex};

use genlet_reactor::{Hub, yield_now};

const PER_SPAWNER: usize = 6_000;

/// `(spawner, i)` pairs, in the order something happened to them.
type Log = Arc<Mutex<Vec<(usize, usize)>>>;

/// Logs `(spawner, i)` in `spawned`, then spawns the task `i` of `spawner`:
/// it logs itself in `started` and, one in three, yields twice before it
/// returns `i`.
fn spawn_logged(
    hub: &Hub,
    spawner: usize,
    i: usize,
    spawned: &Log,
    started: &Log,
) -> genlet_reactor::Task<usize> {
    let started = started.clone();
    // Under the log's lock, so that the log's order is the queue's.
    let mut spawned = spawned.lock().unwrap();
    spawned.push((spawner, i));
    hub.spawn(async move {
        started.lock().unwrap().push((spawner, i));
        if i.is_multiple_of(3) {
            yield_now().await;
            yield_now().await;
        }
        i
    })
}

fn burst_rounds(hub: Hub, rounds: usize, one_thread: bool) {
    let hub = Arc::new(hub);
    for round in 0..rounds {
        let spawned: Log = Arc::new(Mutex::new(Vec::with_capacity(2 * PER_SPAWNER)));
        let started: Log = Arc::new(Mutex::new(Vec::with_capacity(2 * PER_SPAWNER)));
        let trickle = {
            let (hub2, spawned, started) = (hub.clone(), spawned.clone(), started.clone());
            hub.spawn(async move {
                let mut tasks = Vec::with_capacity(PER_SPAWNER);
                for i in 0..PER_SPAWNER {
                    tasks.push(spawn_logged(&hub2, 1, i, &spawned, &started));
                    if i % 16 == 15 {
                        yield_now().await;
                    }
                }
                let mut sum = 0;
                for task in tasks {
                    sum += task.await;
                }
                sum
            })
        };
        let burst: Vec<_> = (0..PER_SPAWNER)
            .map(|i| spawn_logged(&hub, 0, i, &spawned, &started))
            .collect();
        let sum: usize = hub.block_on(async {
            let mut sum = 0;
            for task in burst {
                sum += task.await;
            }
            sum + trickle.await
        });
        assert_eq!(
            sum,
            2 * (PER_SPAWNER * (PER_SPAWNER - 1) / 2),
            "round {round}: a task's result went missing"
        );
        let spawned = spawned.lock().unwrap().clone();
        let mut started = started.lock().unwrap().clone();
        if one_thread {
            assert!(spawned == started, "round {round}: started out of order");
        } else {
            let mut spawned = spawned;
            spawned.sort_unstable();
            started.sort_unstable();
            assert!(
                spawned == started,
                "round {round}: a task ran twice or never"
            );
        }
    }
}

#[test]
fn a_hub_of_one_thread_starts_every_task_of_a_burst_in_order() {
    burst_rounds(Hub::builder().workers(0).build().unwrap(), 100, true);
}

#[test]
fn a_one_worker_hub_runs_every_task_of_a_burst() {
    burst_rounds(Hub::builder().workers(1).build().unwrap(), 100, false);
}

#[test]
fn the_default_hub_runs_every_task_of_a_burst() {
    burst_rounds(Hub::new().unwrap(), 100, false);
}
