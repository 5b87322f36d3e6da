//! A `Group::kill` or `Pool::kill` that does not run to its end (a timeout
//! dropped it, or it was called from a member it killed) leaves the group
//! taking new members: they run, instead of coming back killed. Over many
//! rounds on a one-worker hub and the default one.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const ROUNDS: usize = 100;

#[test]
fn a_kill_cut_short_by_a_timeout_leaves_the_group_open() {
    // A member in the middle of a long poll on another hub cannot be
    // cancelled at once, so the kill is still waiting when its time is up.
    let other = common::one_worker();
    let elsewhere = other.handle();
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let group = genlet::Group::new();
                let (inside, release) = (
                    Arc::new(AtomicBool::new(false)),
                    Arc::new(AtomicBool::new(false)),
                );
                let (i, r) = (inside.clone(), release.clone());
                group.spawn_with(genlet::task().on(&elsewhere), async move {
                    i.store(true, Ordering::SeqCst);
                    while !r.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    genlet::sleep(Duration::from_secs(3600)).await;
                });
                common::until(|| inside.load(Ordering::SeqCst)).await;
                let cut = genlet::timeout(Duration::from_millis(2), group.kill()).await;
                release.store(true, Ordering::SeqCst);
                assert!(
                    cut.is_err(),
                    "round {round}: the kill should still have been waiting"
                );
                common::until(|| group.is_empty()).await;
                let fresh = group.spawn(async { "fresh" });
                assert_eq!(fresh.join().await.unwrap(), "fresh", "round {round}");
            });
        }
    });
}

#[test]
fn a_pool_killed_by_its_own_member_takes_new_members() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let pool = Arc::new(genlet::Pool::new(4));
                pool.spawn(genlet::sleep(Duration::from_secs(3600))).await;
                let inner = pool.clone();
                let killer = pool.spawn(async move { inner.kill().await }).await;
                assert!(
                    killer.join().await.unwrap_err().is_cancelled(),
                    "round {round}"
                );
                common::until(|| pool.is_empty()).await;
                assert_eq!(pool.free_count(), 4, "round {round}");
                let later = pool.spawn(async { 1 }).await;
                assert_eq!(later.join().await.unwrap(), 1, "round {round}");
            }
        });
    });
}
