//! A rendezvous `Channel`: an item whose put timed out or was cancelled is
//! never delivered, and a get that timed out takes nothing. So a sender that
//! retries after a timeout delivers its item exactly once.

mod common;

use std::time::Duration;

use genlet::Channel;

#[test]
fn a_timed_out_put_is_never_delivered() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let channel = Channel::new();
            let put = genlet::timeout(Duration::from_millis(5), channel.put("stale")).await;
            assert!(put.is_err(), "nobody was getting");
            let getter = channel.clone();
            let g = genlet::spawn(async move { getter.get().await.unwrap() });
            let put = genlet::timeout(Duration::from_secs(20), channel.put("fresh")).await;
            assert_eq!(put, Ok(Ok(())), "the getter took the stale item");
            assert_eq!(g.await.unwrap(), "fresh");
        });
    });
}

#[test]
fn a_timed_out_get_takes_nothing() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let channel = Channel::new();
            let got = genlet::timeout(Duration::from_millis(5), channel.get()).await;
            assert!(got.is_err(), "nobody was putting");
            let putter = channel.clone();
            let p = genlet::spawn(async move { putter.put(1).await });
            assert_eq!(channel.get().await.unwrap(), 1);
            p.await.unwrap().unwrap();
        });
    });
}

/// A putter that retries on timeout, against a getter that is often away
/// (so many puts time out) and gives up on its own gets: every item arrives
/// exactly once, in order.
#[test]
fn retrying_putters_deliver_each_item_once() {
    const ROUNDS: u64 = 100;
    const ITEMS: u64 = 4;
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let channel = Channel::new();
                let putter = channel.clone();
                let sender = genlet::spawn(async move {
                    for item in 0..ITEMS {
                        // Retry until a put reports that a getter took it.
                        while genlet::timeout(Duration::from_micros(300), putter.put(item))
                            .await
                            .is_err()
                        {}
                    }
                });
                let receive = async {
                    let mut received = Vec::new();
                    while received.len() < ITEMS as usize {
                        if let Ok(item) =
                            genlet::timeout(Duration::from_micros(700), channel.get()).await
                        {
                            received.push(item.unwrap());
                            // Away for a while: the next puts time out.
                            genlet::sleep(Duration::from_millis(2)).await;
                        }
                    }
                    received
                };
                let received = genlet::timeout(Duration::from_secs(20), receive).await;
                assert_eq!(
                    received,
                    Ok((0..ITEMS).collect::<Vec<_>>()),
                    "round {round}"
                );
                sender.kill().await;
                let extra = genlet::timeout(Duration::from_millis(3), channel.get()).await;
                assert!(extra.is_err(), "round {round}: an item came twice");
            }
        });
    });
}

#[test]
fn items_cross_os_threads_in_order() {
    let channel = Channel::new();
    let getter = channel.clone();
    let t = std::thread::spawn(move || {
        (0..100)
            .map(|_| getter.get_blocking().unwrap())
            .collect::<Vec<_>>()
    });
    for i in 0..100 {
        channel.put_blocking(i).unwrap();
    }
    assert_eq!(t.join().unwrap(), (0..100).collect::<Vec<_>>());
}
