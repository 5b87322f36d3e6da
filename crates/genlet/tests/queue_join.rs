//! `Queue::join` waits until every item put was marked done; a closed queue
//! refuses puts and drains gets; a rendezvous `Channel` put returns only once
//! the item was taken.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[test]
fn join_waits_for_every_task_done() {
    genlet::run(async {
        let queue = genlet::Queue::unbounded();
        let processed = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let (q, p) = (queue.clone(), processed.clone());
            genlet::spawn(async move {
                while let Ok(ms) = q.get().await {
                    genlet::sleep(Duration::from_millis(ms)).await;
                    p.fetch_add(1, Ordering::SeqCst);
                    q.task_done().unwrap();
                }
            })
            .detach();
        }
        for ms in [5, 1, 3, 2, 4, 1, 1] {
            queue.put(ms).await.unwrap();
        }
        queue.join().await;
        // Every item was processed before join returned.
        assert_eq!(processed.load(Ordering::SeqCst), 7);
        assert!(
            queue.task_done().is_err(),
            "an eighth task_done has no item"
        );
        queue.close();
        assert_eq!(queue.put(9).await.unwrap_err().into_inner(), Some(9));
    });
}

#[test]
fn a_bounded_queue_makes_put_wait_and_works_from_other_threads() {
    let queue = genlet::Queue::bounded(1);
    let q = queue.clone();
    let producer = std::thread::spawn(move || {
        for i in 0..5 {
            q.put_blocking(i).unwrap(); // waits while full
        }
        q.close();
    });
    let got: Vec<i32> = genlet::run(async {
        let mut got = Vec::new();
        while let Ok(i) = queue.get().await {
            got.push(i);
        }
        got
    });
    producer.join().unwrap();
    assert_eq!(got, [0, 1, 2, 3, 4]);
}

#[test]
fn a_channel_put_returns_once_the_item_was_taken() {
    genlet::run(async {
        let channel = genlet::Channel::new();
        let c = channel.clone();
        let putter = genlet::spawn(async move { c.put("item").await });
        // Nobody has taken it: the put is still waiting.
        let early = genlet::timeout(Duration::from_millis(20), async {
            while !putter.is_ready() {
                genlet::sleep(Duration::from_millis(1)).await;
            }
        })
        .await;
        assert!(early.is_err(), "the put completed before any get");
        assert_eq!(channel.get().await.unwrap(), "item");
        assert!(putter.join().await.unwrap().is_ok());
    });
}

/// An extra `task_done` while a put waits, then that put is cancelled: the
/// count never goes below zero, so `join` returns.
#[test]
fn a_cancelled_put_after_an_extra_task_done_leaves_join_working() {
    genlet::run(async {
        let q = genlet::Queue::bounded(1);
        q.put(1).await.unwrap();
        let waiting = genlet::timeout(std::time::Duration::from_millis(5), q.put(2));
        let extra = async { q.task_done() };
        let (timed_out, _) = futures_lite::future::zip(waiting, extra).await;
        assert!(timed_out.is_err());
        assert_eq!(q.get().await.unwrap(), 1);
        let _ = q.task_done();
        genlet::timeout(std::time::Duration::from_secs(20), q.join())
            .await
            .unwrap();
    });
}

#[test]
fn a_put_waiting_for_room_counts_for_no_task_done() {
    genlet::run(async {
        let q = genlet::Queue::bounded(1);
        q.put(1).await.unwrap();
        let mut second = std::pin::pin!(q.put(2));
        assert!(
            futures_lite::future::poll_once(second.as_mut())
                .await
                .is_none(),
            "full"
        );
        assert_eq!(q.get().await.unwrap(), 1);
        q.task_done().unwrap();
        assert!(q.task_done().is_err(), "one item went in, one was done");
        second.await.unwrap();
        assert_eq!(q.get().await.unwrap(), 2);
        q.task_done().unwrap();
        genlet::timeout(Duration::from_secs(20), q.join())
            .await
            .unwrap();
    });
}
