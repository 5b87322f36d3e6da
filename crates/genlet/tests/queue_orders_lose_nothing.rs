//! Every order of `Queue` (FIFO, LIFO, lowest first) under producers,
//! consumers and cancelled waits across hub workers: every item put is got
//! exactly once, none is lost to a wake-up meant for a get or put that was
//! cancelled; on a one-worker hub and the default one, over many rounds.

mod common;

use std::time::Duration;

/// Makes a queue of one order, bounded to the capacity given or not.
type Make = fn(Option<usize>) -> genlet::Queue<u32>;

fn orders() -> [(&'static str, Make); 3] {
    [
        ("fifo", |c| {
            c.map_or_else(genlet::Queue::unbounded, genlet::Queue::bounded)
        }),
        ("lifo", |c| {
            c.map_or_else(genlet::Queue::lifo_unbounded, genlet::Queue::lifo_bounded)
        }),
        ("priority", |c| {
            c.map_or_else(
                genlet::Queue::priority_unbounded,
                genlet::Queue::priority_bounded,
            )
        }),
    ]
}

#[test]
fn orders_give_what_they_say() {
    let (fifo, lifo, lowest) = (
        genlet::Queue::unbounded(),
        genlet::Queue::lifo_unbounded(),
        genlet::Queue::priority_unbounded(),
    );
    for n in [3, 1, 2] {
        fifo.try_put(n).unwrap();
        lifo.try_put(n).unwrap();
        lowest.try_put(n).unwrap();
    }
    let drain = |q: &genlet::Queue<i32>| std::iter::from_fn(|| q.try_get()).collect::<Vec<_>>();
    assert_eq!(drain(&fifo), [3, 1, 2]);
    assert_eq!(drain(&lifo), [2, 1, 3]);
    assert_eq!(drain(&lowest), [1, 2, 3]);
}

#[test]
fn try_put_peek_and_close() {
    let q = genlet::Queue::bounded(2);
    q.try_put("a").unwrap();
    q.try_put("b").unwrap();
    assert!(q.is_full());
    assert_eq!(q.try_put("c").unwrap_err().into_inner(), "c");
    assert_eq!(q.try_peek(), Some("a"));
    assert_eq!(q.len(), 2);
    q.close();
    assert!(q.try_put("d").unwrap_err().is_closed());
    assert_eq!(q.try_get(), Some("a"));
    assert_eq!(q.try_get(), Some("b"));
    assert!(genlet::run(q.peek()).is_err()); // closed and empty: no wait
}

#[test]
fn a_waiting_peek_sees_the_item_and_takes_no_getters_wake_up() {
    genlet::run(async {
        let q = genlet::Queue::unbounded();
        let peeker = q.clone();
        let peek = genlet::spawn(async move { peeker.peek().await.unwrap() });
        genlet::sleep(Duration::from_millis(5)).await; // it waits
        q.put(7).await.unwrap();
        assert_eq!(peek.join().await.unwrap(), 7);
        assert_eq!(q.try_get(), Some(7)); // left in place
        // A peeker and a getter both waiting: the getter gets the item.
        let (peeker, getter) = (q.clone(), q.clone());
        let peek = genlet::spawn(async move { peeker.peek().await });
        let get = genlet::spawn(async move { getter.get().await.unwrap() });
        genlet::sleep(Duration::from_millis(5)).await;
        q.put(8).await.unwrap();
        let got = genlet::timeout(Duration::from_secs(60), get.join()).await;
        assert_eq!(got.expect("the getter was woken").unwrap(), 8);
        peek.kill().await; // it may have seen 8, or be waiting for the next
    });
}

#[test]
fn nothing_is_lost_under_concurrency_and_cancellation() {
    const ITEMS: u32 = 200;
    common::on_each_hub(|hub| {
        for (name, make) in orders() {
            for capacity in [None, Some(1), Some(4)] {
                hub.block_on(async {
                    for round in 0..20 {
                        let q = make(capacity);
                        let producers: Vec<_> = (0..4)
                            .map(|p| {
                                let q = q.clone();
                                genlet::spawn(async move {
                                    for i in (p..ITEMS).step_by(4) {
                                        // A put cancelled by its timeout adds nothing: retry.
                                        loop {
                                            match genlet::timeout(
                                                Duration::from_micros(50),
                                                q.put(i),
                                            )
                                            .await
                                            {
                                                Ok(put) => break put.unwrap(),
                                                Err(_) => continue,
                                            }
                                        }
                                    }
                                })
                            })
                            .collect();
                        let consumers: Vec<_> = (0..3)
                            .map(|_| {
                                let q = q.clone();
                                genlet::spawn(async move {
                                    let mut got = Vec::new();
                                    loop {
                                        // Gets cancelled by their timeout take nothing.
                                        match genlet::timeout(Duration::from_micros(50), q.get())
                                            .await
                                        {
                                            Ok(Ok(i)) => {
                                                got.push(i);
                                                q.task_done().unwrap();
                                            }
                                            Ok(Err(_closed)) => return got,
                                            Err(_elapsed) => {}
                                        }
                                    }
                                })
                            })
                            .collect();
                        for p in producers {
                            p.join().await.unwrap();
                        }
                        genlet::timeout(Duration::from_secs(60), q.join())
                            .await
                            .unwrap_or_else(|_| {
                                panic!("{name} {capacity:?} round {round}: join hung")
                            });
                        q.close();
                        let mut all: Vec<u32> = Vec::new();
                        for c in consumers {
                            all.extend(c.join().await.unwrap());
                        }
                        all.sort_unstable();
                        assert_eq!(
                            all,
                            (0..ITEMS).collect::<Vec<_>>(),
                            "{name} {capacity:?} round {round}"
                        );
                    }
                });
            }
        }
    });
}
