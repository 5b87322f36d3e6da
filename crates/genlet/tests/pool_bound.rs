//! `Pool::new(3)` never runs more than 3 members at once; `apply` from one
//! of its own members does not deadlock a full pool; `map` keeps the items'
//! order, `imap_unordered` yields them as they finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[test]
fn a_pool_of_three_never_runs_more_than_three() {
    let (most, total) = genlet::run(async {
        let pool = genlet::Pool::new(3);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        for _ in 0..20 {
            let (running, most, done) = (running.clone(), most.clone(), done.clone());
            pool.spawn(async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                genlet::sleep(Duration::from_millis(2)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                done.fetch_add(1, Ordering::SeqCst);
            })
            .await;
            assert!(pool.len() <= 3);
        }
        pool.join().await.unwrap();
        (most.load(Ordering::SeqCst), done.load(Ordering::SeqCst))
    });
    assert_eq!(total, 20);
    assert!((1..=3).contains(&most), "{most} ran at once in a pool of 3");
}

#[test]
fn apply_from_inside_a_full_pool_does_not_deadlock() {
    let out = genlet::run(async {
        let pool = genlet::Pool::new(2);
        let mut members = Vec::new();
        for i in 0..2u32 {
            let handle = pool.handle();
            members.push(
                pool.spawn(async move {
                    // The pool is full (both members run); apply nests.
                    let inner = handle.apply(async move { i * 10 }).await.unwrap();
                    inner + 1
                })
                .await,
            );
        }
        let mut out = Vec::new();
        for m in members {
            out.push(genlet::timeout(Duration::from_secs(30), m.join()).await);
        }
        out
    });
    let values: Vec<u32> = out
        .into_iter()
        .map(|r| r.expect("deadlocked").unwrap())
        .collect();
    assert_eq!(values, [1, 11]);
}

#[test]
fn map_keeps_order_and_imap_unordered_yields_in_completion_order() {
    genlet::run(async {
        let pool = genlet::Pool::new(4);
        let delays = [200u64, 1, 100];
        let ordered = pool
            .map(delays, |ms| async move {
                genlet::sleep(Duration::from_millis(ms)).await;
                ms
            })
            .await
            .unwrap();
        assert_eq!(ordered, delays);
        // The items finish in the order 1, 100, 200 whatever the timing:
        // 100 waits until the first result was read, 200 until the second,
        // so no sleeps race. Results yielded in any other order than the
        // finishing one would leave the reader waiting: it fails after 30 s.
        let gates: Arc<[genlet::Event; 2]> = Arc::default();
        let g = gates.clone();
        let mut unordered = pool.imap_unordered(delays, move |ms| {
            let g = g.clone();
            async move {
                match ms {
                    100 => g[0].wait().await,
                    200 => g[1].wait().await,
                    _ => {}
                }
                ms
            }
        });
        let mut seen = Vec::new();
        while let Some((_, r)) = genlet::timeout(Duration::from_secs(30), unordered.next())
            .await
            .expect("the finished items are yielded as they finish")
        {
            seen.push(r.unwrap());
            if let Some(gate) = gates.get(seen.len() - 1) {
                gate.set();
            }
        }
        assert_eq!(seen, [1, 100, 200]);
    });
}
