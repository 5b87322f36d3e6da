//! A `Queue` used as a `Stream` (directly, or as the source of
//! `imap_stream`) that waited and is then not polled again (its `next()`
//! cancelled) takes no wake-up from the queue's getters: a getter waiting
//! beside it gets the next item. On a one-worker hub and the default one.

mod common;

use std::pin::pin;
use std::time::Duration;

use futures_lite::{StreamExt, future};

const BOUND: Duration = Duration::from_secs(10);
const ROUNDS: usize = 50;

/// `waiting` was polled once and is pending; a getter then waits, an item
/// goes in: the getter must have it.
async fn a_getter_beside_gets_the_item(queue: &genlet::Queue<u32>, round: usize) {
    let mut get = pin!(queue.get());
    assert!(future::poll_once(get.as_mut()).await.is_none(), "empty");
    queue.put(round as u32).await.unwrap();
    let got = genlet::timeout(BOUND, get).await.unwrap_or_else(|_| {
        panic!(
            "round {round}: the getter starved, {} item(s) queued",
            queue.len()
        )
    });
    assert_eq!(got.unwrap(), round as u32);
}

#[test]
fn a_stream_that_stopped_polling_takes_no_getters_wakeup() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let queue = genlet::Queue::unbounded();
                let mut stream = queue.clone();
                assert!(future::poll_once(stream.next()).await.is_none(), "empty");
                a_getter_beside_gets_the_item(&queue, round).await;
                // The stream still works when polled again.
                queue.put(7).await.unwrap();
                assert_eq!(stream.next().await, Some(7));
            }
        });
    });
}

#[test]
fn an_imap_stream_over_a_queue_takes_no_getters_wakeup() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let queue = genlet::Queue::unbounded();
                let group = genlet::Group::new();
                let mut imap = group.imap_stream(queue.clone(), |x: u32| async move { x });
                assert!(future::poll_once(imap.next()).await.is_none(), "empty");
                a_getter_beside_gets_the_item(&queue, round).await;
                queue.put(9).await.unwrap();
                queue.close();
                let rest: Vec<u32> = imap.map(|(_, r)| r.unwrap()).collect().await;
                assert_eq!(rest, [9], "round {round}");
            }
        });
    });
}
