//! A `Pool` member's slot frees only after its result is stored and its
//! links and `iwait` notifications ran: `join` then `free_count() == size`
//! always holds, and `imap_unordered` on a pool of one yields strictly in
//! completion order.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const ROUNDS: usize = 300;
const ITEMS: usize = 32;

#[test]
fn after_join_every_slot_is_free() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let pool = genlet::Pool::new(2);
                for _ in 0..4 {
                    pool.spawn(genlet::yield_now()).await;
                }
                pool.join().await.unwrap();
                assert_eq!(pool.free_count(), 2, "round {round}");
                assert!(pool.is_empty(), "round {round}");
            }
        });
    });
}

#[test]
fn imap_unordered_on_a_pool_of_one_yields_in_completion_order() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let pool = genlet::Pool::new(1);
                let finished = Arc::new(AtomicUsize::new(0));
                let f = finished.clone();
                let mut done = pool.imap_unordered(0..ITEMS, move |item| {
                    let f = f.clone();
                    async move {
                        // The order in which the members finish.
                        (item, f.fetch_add(1, Ordering::SeqCst))
                    }
                });
                let mut position = 0;
                while let Some((_, result)) = done.next().await {
                    let (_, finished_at) = result.unwrap();
                    assert_eq!(finished_at, position, "round {round}");
                    position += 1;
                }
                assert_eq!(position, ITEMS);
            }
        });
    });
}
