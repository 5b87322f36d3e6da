//! Gets waiting on a `Queue` are served in the order they began to wait,
//! and puts waiting for room are let in in the order they came, on a
//! one-worker hub and on the default one: each waiter is handed what it
//! was woken for, so one woken later (on another worker, polled first)
//! cannot take it. gevent's queue serves its waiters the same way.

mod common;

use std::future::Future;
use std::pin::Pin;

use futures_lite::future::poll_once;

const ROUNDS: usize = 300;
const WAITERS: u32 = 5;

/// Polls `wait` once here, so it takes its place in the line now, then
/// spawns it to finish on whichever worker runs it.
async fn spawn_waiting<T: Send + 'static>(
    wait: impl Future<Output = T> + Send + 'static,
) -> genlet::Greenlet<T> {
    let mut wait: Pin<Box<dyn Future<Output = T> + Send>> = Box::pin(wait);
    assert!(poll_once(&mut wait).await.is_none(), "the wait waits");
    genlet::spawn(wait)
}

#[test]
fn gets_take_the_items_in_the_order_they_waited() {
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let queue = genlet::Queue::unbounded();
                let mut getters = Vec::new();
                for _ in 0..WAITERS {
                    let queue = queue.clone();
                    getters.push(spawn_waiting(async move { queue.get().await.unwrap() }).await);
                }
                for n in 0..WAITERS {
                    queue.try_put(n).unwrap();
                }
                let mut got = Vec::new();
                for getter in getters {
                    got.push(getter.join().await.unwrap());
                }
                assert_eq!(got, (0..WAITERS).collect::<Vec<_>>(), "round {round}");
                assert!(queue.is_empty());
            });
        }
    });
}

#[test]
fn puts_go_in_in_the_order_they_waited() {
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let queue = genlet::Queue::bounded(1);
                queue.try_put(u32::MAX).unwrap();
                let mut putters = Vec::new();
                for n in 0..WAITERS {
                    let queue = queue.clone();
                    putters.push(spawn_waiting(async move { queue.put(n).await.unwrap() }).await);
                }
                assert_eq!(queue.get().await.unwrap(), u32::MAX);
                let mut got = Vec::new();
                for left in (0..WAITERS).rev() {
                    // The room each get frees is promised to the next put
                    // waiting: a put arriving now is told the queue is full.
                    if left > 0 {
                        assert!(queue.try_put(99).unwrap_err().is_full(), "round {round}");
                    }
                    got.push(queue.get().await.unwrap());
                }
                assert_eq!(got, (0..WAITERS).collect::<Vec<_>>(), "round {round}");
                for putter in putters {
                    putter.join().await.unwrap();
                }
                assert!(queue.is_empty());
            });
        }
    });
}
