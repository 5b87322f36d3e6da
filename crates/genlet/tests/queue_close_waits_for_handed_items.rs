//! Closing a queue fails the gets still waiting only once no item handed
//! to another get may come back: a get killed (or timed out) before it took
//! the item handed to it passes the item to a get still waiting, even after
//! `close()`, so a worker loop `while let Ok(job) = queue.get().await`
//! processes every job put before the close, and `join` returns. Streams
//! end the same way: not before an item they may yet be given.

mod common;

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_lite::StreamExt;
use futures_lite::future::poll_once;

const ROUNDS: u64 = 300;

#[test]
fn a_get_killed_after_close_passes_its_item_on() {
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let queue = genlet::Queue::unbounded();
                let processed = Arc::new(AtomicUsize::new(0));
                let worker = || {
                    let (queue, processed) = (queue.clone(), processed.clone());
                    genlet::spawn(async move {
                        while queue.get().await.is_ok() {
                            processed.fetch_add(1, Ordering::SeqCst);
                            queue.task_done().unwrap();
                        }
                    })
                };
                let doomed = worker();
                genlet::sleep(Duration::from_micros(round * 7 % 300)).await;
                let survivor = worker();
                genlet::sleep(Duration::from_micros(200)).await;
                queue.try_put(1u32).unwrap();
                queue.close();
                doomed.kill().await;
                survivor.join().await.unwrap();
                assert_eq!(processed.load(Ordering::SeqCst), 1, "round {round}");
                assert!(queue.is_empty(), "round {round}");
                genlet::timeout(Duration::from_secs(60), queue.join())
                    .await
                    .expect("every job put before the close was done");
            });
        }
    });
}

#[test]
fn a_waiting_get_outlives_the_close_while_an_item_is_handed_out() {
    futures_lite::future::block_on(async {
        let queue = genlet::Queue::unbounded();
        let mut first = Box::pin(queue.get());
        let mut second = pin!(queue.get());
        assert!(poll_once(first.as_mut()).await.is_none());
        assert!(poll_once(second.as_mut()).await.is_none());
        queue.try_put(1u32).unwrap(); // handed to the first get
        queue.close();
        assert!(poll_once(second.as_mut()).await.is_none(), "still waits");
        drop(first); // cancelled before it took its item
        assert_eq!(second.await.unwrap(), 1);
        assert!(queue.get().await.is_err(), "closed and drained");
    });
}

#[test]
fn a_stream_does_not_end_before_a_handed_item_comes_back() {
    futures_lite::future::block_on(async {
        let queue = genlet::Queue::unbounded();
        let mut stream = queue.clone();
        let mut get = Box::pin(queue.get());
        assert!(poll_once(get.as_mut()).await.is_none());
        queue.try_put(7u32).unwrap(); // handed to the get
        queue.close();
        assert!(poll_once(stream.next()).await.is_none(), "still waits");
        drop(get);
        assert_eq!(stream.next().await, Some(7));
        assert_eq!(stream.next().await, None);
    });
}
