//! A `Channel` used as a `Stream` takes an item only while it is polled: one
//! whose `next()` was cancelled holds no item and keeps none from a getter,
//! a put that returned `Ok` was taken by someone, and a polled stream still
//! receives what putters offer, then the end. On a one-worker hub and the
//! default one.

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
fn a_put_to_a_stream_alone_completes_only_when_it_is_polled() {
    genlet::run(async {
        let channel = genlet::Channel::new();
        let mut stream = channel.clone();
        assert!(future::poll_once(stream.next()).await.is_none());
        let mut put = pin!(channel.put("item"));
        assert!(
            future::poll_once(put.as_mut()).await.is_none(),
            "nobody took it"
        );
        assert!(
            future::poll_once(put.as_mut()).await.is_none(),
            "still nobody"
        );
        assert_eq!(stream.next().await, Some("item"));
        assert!(put.await.is_ok());
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
