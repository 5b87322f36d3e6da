//! Sleeps polled, re-polled and dropped on one thread while their tick fires
//! on another: every sleep ends at or after its deadline, every timeout
//! reports the side that really finished, and nothing is left waiting.
//!
//! A sleep whose tick fired reads that from one atomic, without the table's
//! lock; one whose tick has not fired locks the table to keep its waker or
//! free its slot. The two meet when the driver fires a tick in the instant a
//! sleep of it is polled or dropped, which these rounds aim at: deadlines a
//! millisecond or two away, on a one-worker hub and on the default one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_lite::future;
use genlet_reactor::{Hub, sleep, timeout};

const ROUNDS: usize = 200;
const TASKS: usize = 64;

/// A deadline a few hundred microseconds to 2 ms away, varied by `i`.
fn near(i: usize) -> Duration {
    Duration::from_micros(200 + (i as u64 * 379) % 1800)
}

fn race(hub: &Hub) {
    for round in 0..ROUNDS {
        let early = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..TASKS)
            .map(|i| {
                let early = early.clone();
                hub.spawn(async move {
                    let nap = near(round + i);
                    let start = Instant::now();
                    match i % 3 {
                        // Awaited to the end: never early.
                        0 => {
                            sleep(nap).await;
                            if start.elapsed() < nap {
                                early.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        // A sleep raced by a timeout a tick away: whichever
                        // side the timeout reports, its deadline has passed.
                        1 => {
                            let limit = near(round + i + 1);
                            let out = timeout(limit, sleep(nap)).await;
                            let passed = start.elapsed();
                            let ok = match out {
                                Ok(()) => passed >= nap,
                                Err(_) => passed >= limit,
                            };
                            if !ok {
                                early.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        // Polled once, then dropped around its tick.
                        _ => {
                            let mut nap = Box::pin(sleep(nap));
                            let _ = future::poll_once(nap.as_mut()).await;
                            std::thread::sleep(near(i) / 2);
                            let _ = future::poll_once(nap.as_mut()).await;
                            drop(nap);
                        }
                    }
                })
            })
            .collect();
        let all = hub.block_on(timeout(Duration::from_secs(60), async {
            for task in tasks {
                task.await;
            }
        }));
        assert!(all.is_ok(), "round {round}: a sleeper never woke");
        assert_eq!(
            early.load(Ordering::Relaxed),
            0,
            "round {round}: a sleep ended early"
        );
    }
}

#[test]
fn sleeps_race_their_tick_on_a_one_worker_hub() {
    race(&Hub::builder().workers(1).build().unwrap());
}

#[test]
fn sleeps_race_their_tick_on_the_default_hub() {
    race(&Hub::new().unwrap());
}
