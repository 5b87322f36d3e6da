//! A dropped `Imap` gives up its wait for a pool slot at once: a slot handed
//! to that wait goes on then and there, so once the members are joined every
//! slot is free (not a moment later, when the hub drops the wait's task).

mod common;

use std::time::Duration;

const ROUNDS: u64 = 300;

#[test]
fn every_slot_is_free_once_the_members_are_joined() {
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let pool = genlet::Pool::new(1);
                let nap = Duration::from_micros(round * 37 % 300);
                let member = pool.spawn(genlet::sleep(nap)).await;
                let mut results = pool.imap(0..1, |i| async move { i });
                // The pool is full: the item's wait for the slot is queued.
                let limit = Duration::from_micros(round * 53 % 300);
                let _ = genlet::timeout(limit, results.next()).await;
                drop(results);
                member.join().await.unwrap();
                pool.join().await.unwrap();
                assert_eq!(pool.free_count(), 1, "round {round}");
            });
        }
    });
}
