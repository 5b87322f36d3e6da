//! A `Channel` used as a `Stream` whose `next()` was cancelled keeps nothing
//! from getters: a waiting get is served before it, and an item parked with
//! it goes to the next get; every put that returned `Ok` arrives once, no
//! other; and a polled stream still receives what putters offer, then the
//! end. On a one-worker hub and the default one.

mod common;

use std::pin::pin;
use std::time::Duration;

use futures_lite::{StreamExt, future};

const BOUND: Duration = Duration::from_secs(10);
const ROUNDS: usize = 50;

#[test]
fn a_stream_that_stopped_polling_keeps_nothing_from_a_getter() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let channel = genlet::Channel::new();
                let mut stream = channel.clone();
                assert!(
                    future::poll_once(stream.next()).await.is_none(),
                    "nothing put"
                );
                let mut get = pin!(channel.get());
                assert!(
                    future::poll_once(get.as_mut()).await.is_none(),
                    "nothing put"
                );
                genlet::timeout(BOUND, channel.put(round))
                    .await
                    .unwrap_or_else(|_| panic!("round {round}: the put found no getter"))
                    .unwrap();
                let got = genlet::timeout(BOUND, get)
                    .await
                    .unwrap_or_else(|_| panic!("round {round}: the getter starved"));
                assert_eq!(got.unwrap(), round);
                // Polled again, the stream takes from a waiting putter.
                let c = channel.clone();
                let putter = genlet::spawn(async move { c.put(7).await.is_ok() });
                assert_eq!(stream.next().await, Some(7), "round {round}");
                assert!(putter.join().await.unwrap(), "round {round}: delivered");
                channel.close();
                assert_eq!(stream.next().await, None, "round {round}");
            }
        });
    });
}

#[test]
fn an_item_parked_with_a_stream_goes_to_the_next_get() {
    genlet::run(async {
        let channel = genlet::Channel::new();
        let mut stream = channel.clone();
        assert!(future::poll_once(stream.next()).await.is_none());
        // Only the stream waits: the put hands it the item, and is done.
        genlet::timeout(BOUND, channel.put("parked"))
            .await
            .unwrap()
            .unwrap();
        // A get that comes next takes it from the stream.
        let got = genlet::timeout(BOUND, channel.get())
            .await
            .expect("not starved");
        assert_eq!(got.unwrap(), "parked");
        // The stream, polled again, waits for the next one.
        assert!(future::poll_once(stream.next()).await.is_none());
        channel.put("next").await.unwrap();
        assert_eq!(stream.next().await, Some("next"));
    });
}

#[test]
fn streams_getters_and_putters_racing_lose_and_repeat_nothing() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..200u32 {
                let channel = genlet::Channel::new();
                let putters: Vec<_> = (0..4u32)
                    .map(|p| {
                        let c = channel.clone();
                        genlet::spawn(async move {
                            let mut delivered = Vec::new();
                            for i in 0..5 {
                                let item = p * 100 + i;
                                // Some puts give up: their items must never arrive.
                                let put = genlet::timeout(Duration::from_micros(50), c.put(item));
                                if let Ok(Ok(())) = put.await {
                                    delivered.push(item);
                                }
                            }
                            delivered
                        })
                    })
                    .collect();
                let getter = {
                    let c = channel.clone();
                    genlet::spawn(async move {
                        let mut got = Vec::new();
                        while let Ok(item) = c.get().await {
                            got.push(item);
                        }
                        got
                    })
                };
                let streamer = {
                    let mut stream = channel.clone();
                    genlet::spawn(async move {
                        let mut got = Vec::new();
                        loop {
                            // Cancelled nexts in between: they must keep nothing.
                            match genlet::timeout(Duration::from_micros(30), stream.next()).await {
                                Ok(Some(item)) => got.push(item),
                                Ok(None) => return got,
                                Err(_) => genlet::yield_now().await,
                            }
                        }
                    })
                };
                let mut delivered = Vec::new();
                for p in putters {
                    delivered.extend(p.join().await.unwrap());
                }
                channel.close();
                let mut received = genlet::timeout(BOUND, getter.join())
                    .await
                    .expect("getter ended")
                    .unwrap();
                received.extend(
                    genlet::timeout(BOUND, streamer.join())
                        .await
                        .expect("stream ended")
                        .unwrap(),
                );
                delivered.sort_unstable();
                received.sort_unstable();
                assert_eq!(
                    received, delivered,
                    "round {round}: every Ok put arrived once, no other"
                );
            }
        });
    });
}

#[test]
fn a_putter_waiting_behind_a_parked_item_reaches_the_stream_once_a_get_took_it() {
    genlet::run(async {
        let channel = genlet::Channel::new();
        let mut stream = channel.clone();
        assert!(future::poll_once(stream.next()).await.is_none());
        channel.put("a").await.unwrap(); // parked with the stream
        let c = channel.clone();
        let b = genlet::spawn(async move { c.put("b").await.is_ok() });
        genlet::yield_now().await; // it waits: nobody is there for it
        assert!(!b.is_ready());
        assert_eq!(channel.get().await.unwrap(), "a");
        // The stream waits again: the putter must be told.
        let got = genlet::timeout(BOUND, stream.next()).await;
        assert_eq!(got.expect("the putter was told"), Some("b"));
        assert!(b.join().await.unwrap());
    });
}

#[test]
fn an_item_parked_with_an_idle_stream_reaches_a_waiting_one() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let channel = genlet::Channel::new();
                let mut idle = channel.clone();
                assert!(future::poll_once(idle.next()).await.is_none());
                let mut active = channel.clone();
                let waiting = genlet::spawn(async move { active.next().await });
                genlet::timeout(BOUND, async {
                    // The active stream registered once it is polled: until
                    // then the put would go to it directly, which is fine.
                    genlet::yield_now().await;
                })
                .await
                .unwrap();
                channel.put(round).await.unwrap();
                let got = genlet::timeout(BOUND, waiting.join()).await;
                assert_eq!(
                    got.expect("the waiting stream was told").unwrap(),
                    Some(round)
                );
                drop(idle);
            }
        });
    });
}

/// The next get, bounded: a get that finds nothing fails the test instead
/// of hanging it.
async fn got<T>(channel: &genlet::Channel<T>) -> T {
    genlet::timeout(BOUND, channel.get())
        .await
        .expect("an item was there")
        .unwrap()
}

#[test]
fn parked_and_orphaned_items_come_out_in_put_order() {
    genlet::run(async {
        let channel = genlet::Channel::new();
        let (mut sa, mut sb) = (channel.clone(), channel.clone());
        assert!(future::poll_once(sa.next()).await.is_none());
        assert!(future::poll_once(sb.next()).await.is_none());
        channel.put("x").await.unwrap(); // parked with sa, the older
        channel.put("a").await.unwrap(); // parked with sb
        assert_eq!(got(&channel).await, "x");
        channel.put("b").await.unwrap(); // parked with sa again
        assert_eq!(got(&channel).await, "a", "put before b");
        assert_eq!(got(&channel).await, "b");
        drop((sa, sb));
        // Two gets handed an item each, both cancelled with nobody waiting:
        // the items wait in put order.
        let channel = genlet::Channel::new();
        let mut g1 = Box::pin(channel.get());
        let mut g2 = Box::pin(channel.get());
        assert!(future::poll_once(g1.as_mut()).await.is_none());
        assert!(future::poll_once(g2.as_mut()).await.is_none());
        channel.put(1).await.unwrap();
        channel.put(2).await.unwrap();
        drop(g1);
        drop(g2);
        assert_eq!(got(&channel).await, 1);
        assert_eq!(got(&channel).await, 2);
    });
}
