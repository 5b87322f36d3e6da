//! `Event::set` wakes every waiter that was waiting when it was called, even
//! when `clear` follows at once (gevent's semantics): for tasks on a
//! one-worker hub and on the default hub, and for OS threads. A wait begins
//! when `wait()` is called.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const ROUNDS: usize = 300;
const WAITERS: usize = 4;

#[test]
fn set_then_clear_wakes_waiting_tasks() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let event = Arc::new(genlet::Event::new());
                let waiting = Arc::new(AtomicUsize::new(0));
                let waiters: Vec<_> = (0..WAITERS)
                    .map(|_| {
                        let (event, waiting) = (event.clone(), waiting.clone());
                        genlet::spawn(async move {
                            let wait = event.wait();
                            waiting.fetch_add(1, Ordering::SeqCst);
                            wait.await;
                        })
                    })
                    .collect();
                // Every waiter has begun to wait once it counted itself.
                while waiting.load(Ordering::SeqCst) < WAITERS {
                    genlet::yield_now().await;
                }
                event.set();
                event.clear();
                let joined = genlet::timeout(
                    Duration::from_secs(20),
                    genlet::joinall(waiters, None, true, None),
                )
                .await;
                assert!(joined.is_ok(), "round {round}: a waiter missed the set");
            }
        });
    });
}

#[test]
fn set_then_clear_wakes_waiting_threads() {
    for round in 0..ROUNDS {
        let event = Arc::new(genlet::Event::new());
        let waiting = Arc::new(std::sync::Barrier::new(WAITERS + 1));
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        for _ in 0..WAITERS {
            let (event, waiting, done_tx) = (event.clone(), waiting.clone(), done_tx.clone());
            std::thread::spawn(move || {
                let wait = event.wait(); // begins waiting here
                waiting.wait();
                futures_lite::future::block_on(wait); // what wait_blocking does
                done_tx.send(()).unwrap();
            });
        }
        waiting.wait();
        event.set();
        event.clear();
        for _ in 0..WAITERS {
            assert!(
                done_rx.recv_timeout(Duration::from_secs(20)).is_ok(),
                "round {round}: a thread missed the set"
            );
        }
    }
}
