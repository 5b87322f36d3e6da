//! `Pool::imap_unordered` waiting for a slot is woken by any slot coming
//! free, not only by a member leaving: with other greenlets taking and
//! giving back the pool's only slot (`wait_available`), every item is
//! still started and delivered. It waited on members leaving, and hung
//! (a slot free, no member left) a few rounds in a hundred.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[test]
fn imap_waiting_for_a_slot_sees_it_freed_by_wait_available() {
    common::on_each_hub(|hub| {
        for round in 0..10 {
            hub.block_on(async {
                let pool = Arc::new(genlet::Pool::new(1));
                let stop = Arc::new(AtomicBool::new(false));
                let takers: Vec<_> = (0..2)
                    .map(|_| {
                        let (pool, stop) = (pool.clone(), stop.clone());
                        genlet::spawn(async move {
                            while !stop.load(Ordering::Relaxed) {
                                pool.wait_available().await;
                                genlet::yield_now().await;
                            }
                        })
                    })
                    .collect();
                let items = 5_000u32;
                let mut results = pool.imap_unordered(0..items, |i| async move { i });
                let mut seen = vec![false; items as usize];
                // Generous: a wake-up that never comes would take it all.
                while let Some((index, value)) =
                    genlet::timeout(Duration::from_secs(30), results.next())
                        .await
                        .unwrap_or_else(|_| panic!("round {round}: imap hung with a slot free"))
                {
                    assert_eq!(value.unwrap() as usize, index);
                    seen[index] = true;
                }
                assert!(seen.iter().all(|&s| s), "round {round}: an item was lost");
                stop.store(true, Ordering::Relaxed);
                for taker in takers {
                    taker.join().await.unwrap();
                }
            });
        }
    });
}
