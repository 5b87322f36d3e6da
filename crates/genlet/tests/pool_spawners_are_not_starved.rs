//! A pool's slots go to spawners in the order they began to wait: a greenlet
//! that loops on spawn and join in a full pool cannot keep another spawner,
//! or an `imap` over the pool, waiting for ever (gevent's pools are fair:
//! #1487). The freed slot is handed to the first waiter, which the looping
//! greenlet, woken first by its join, cannot overtake.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The loops' bound: far more turns than fair slots let them take.
const TURNS: usize = 50_000;

/// A greenlet spawning into `pool` and joining, until `done` or the bound.
fn hog(
    pool: &genlet::Pool,
    done: &Arc<AtomicBool>,
    turns: &Arc<AtomicUsize>,
) -> genlet::Greenlet<()> {
    let (handle, done, turns) = (pool.handle(), done.clone(), turns.clone());
    genlet::spawn(async move {
        while !done.load(Ordering::SeqCst) && turns.load(Ordering::SeqCst) < TURNS {
            let member = handle.spawn(genlet::yield_now()).await;
            let _ = member.join().await;
            turns.fetch_add(1, Ordering::SeqCst);
        }
    })
}

#[test]
fn a_spawner_gets_the_slot_a_loop_keeps_taking() {
    common::on_each_hub(|hub| {
        for round in 0..20 {
            hub.block_on(async {
                let pool = genlet::Pool::new(1);
                let (done, turns) = (
                    Arc::new(AtomicBool::new(false)),
                    Arc::new(AtomicUsize::new(0)),
                );
                let looping = hog(&pool, &done, &turns);
                common::until(|| turns.load(Ordering::SeqCst) > 0).await;
                let spawner = {
                    let (handle, done) = (pool.handle(), done.clone());
                    genlet::spawn(async move {
                        let member = handle.spawn(async {}).await;
                        done.store(true, Ordering::SeqCst);
                        member.join().await.unwrap();
                    })
                };
                looping.join().await.unwrap();
                let taken = turns.load(Ordering::SeqCst);
                assert!(
                    taken < TURNS,
                    "round {round}: the spawner starved for {taken} turns"
                );
                spawner.join().await.unwrap();
            });
        }
    });
}

#[test]
fn an_imap_gets_slots_while_loops_keep_spawning() {
    common::on_each_hub(|hub| {
        for round in 0..10 {
            hub.block_on(async {
                let pool = Arc::new(genlet::Pool::new(2));
                let (done, turns) = (
                    Arc::new(AtomicBool::new(false)),
                    Arc::new(AtomicUsize::new(0)),
                );
                let loops: Vec<_> = (0..3).map(|_| hog(&pool, &done, &turns)).collect();
                common::until(|| turns.load(Ordering::SeqCst) > 0).await;
                let reader = {
                    let (pool, done) = (pool.clone(), done.clone());
                    genlet::spawn(async move {
                        let mut results =
                            pool.imap_unordered(0..50, |i| async move { i }).maxsize(4);
                        let mut got = 0;
                        while let Some((_, result)) =
                            futures_lite::StreamExt::next(&mut results).await
                        {
                            result.unwrap();
                            got += 1;
                        }
                        done.store(true, Ordering::SeqCst);
                        got
                    })
                };
                for l in loops {
                    l.join().await.unwrap();
                }
                let taken = turns.load(Ordering::SeqCst);
                assert!(
                    taken < TURNS,
                    "round {round}: the imap starved for {taken} turns"
                );
                assert_eq!(reader.join().await.unwrap(), 50);
            });
        }
    });
}
