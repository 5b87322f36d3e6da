//! `Pool::imap` and `imap_unordered` are lazy and bounded: an endless
//! source with `Pool::new(2)` and `maxsize(2)` never has more than 2
//! running and 2 started but untaken; `imap` yields in the items' order while
//! they finish in another; result 0 is readable while later items run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[test]
fn an_endless_source_is_read_only_as_far_as_the_bounds_allow() {
    genlet::run(async {
        let pool = genlet::Pool::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let most_running = Arc::new(AtomicUsize::new(0));
        let (r, s, m) = (running.clone(), started.clone(), most_running.clone());
        let mut results = pool
            .imap(0u64.., move |i| {
                let (r, m) = (r.clone(), m.clone());
                s.fetch_add(1, Ordering::SeqCst);
                async move {
                    let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                    m.fetch_max(now, Ordering::SeqCst);
                    genlet::sleep(Duration::from_millis(1)).await;
                    r.fetch_sub(1, Ordering::SeqCst);
                    i
                }
            })
            .maxsize(2);
        for expected in 0..20u64 {
            let (index, value) = results.next().await.unwrap();
            assert_eq!((index as u64, value.unwrap()), (expected, expected));
            // Taken: `expected + 1` items; at most 2 more were ever started.
            assert!(started.load(Ordering::SeqCst) as u64 <= expected + 1 + 2);
            // Give the pool time to run ahead if it would.
            genlet::sleep(Duration::from_millis(3)).await;
            assert!(started.load(Ordering::SeqCst) as u64 <= expected + 1 + 2);
        }
        assert!(most_running.load(Ordering::SeqCst) <= 2);
        drop(results);
        pool.kill().await;
    });
}

#[test]
fn imap_keeps_the_items_order_while_they_finish_in_another() {
    genlet::run(async {
        let pool = genlet::Pool::new(3);
        let finished = Arc::new(std::sync::Mutex::new(Vec::new()));
        let f = finished.clone();
        // The items finish in the order 1, 15, 30 whatever the timing: each
        // waits for the one before it (an Event each), so no sleeps race.
        let (a, b) = (
            Arc::new(genlet::Event::new()),
            Arc::new(genlet::Event::new()),
        );
        let mut results = pool.imap([30u64, 1, 15], move |n| {
            let (f, a, b) = (f.clone(), a.clone(), b.clone());
            async move {
                match n {
                    30 => b.wait().await,
                    15 => a.wait().await,
                    _ => {}
                }
                f.lock().unwrap().push(n);
                match n {
                    1 => a.set(),
                    15 => b.set(),
                    _ => {}
                }
                n
            }
        });
        let mut order = Vec::new();
        while let Some((_, value)) = results.next().await {
            order.push(value.unwrap());
        }
        assert_eq!(order, [30, 1, 15]);
        assert_eq!(*finished.lock().unwrap(), [1, 15, 30]);
    });
}

#[test]
fn the_first_result_is_readable_while_later_items_run() {
    genlet::run(async {
        let pool = genlet::Pool::new(2);
        let gate = Arc::new(genlet::Event::new());
        let g = gate.clone();
        let mut results = pool.imap_unordered(0..2u32, move |i| {
            let g = g.clone();
            async move {
                if i == 1 {
                    g.wait().await; // held until the first was read
                }
                i
            }
        });
        let (index, first) = results.next().await.unwrap();
        assert_eq!((index, first.unwrap()), (0, 0));
        gate.set();
        let (index, second) = results.next().await.unwrap();
        assert_eq!((index, second.unwrap()), (1, 1));
        assert!(results.next().await.is_none());
    });
}

/// An unordered `Imap` whose group was dropped ends: the members are
/// killed, their results come in, and the stream finishes (no hang).
#[test]
fn an_imap_outliving_its_group_ends() {
    genlet::run(async {
        let group = genlet::Group::new();
        let mut results =
            group.imap_unordered(0..3u32, |_| genlet::sleep(Duration::from_secs(3600)));
        // Start them, then drop the group.
        assert!(
            futures_lite::future::poll_once(results.next())
                .await
                .is_none()
        );
        drop(group);
        let mut killed = 0;
        let all = async {
            while let Some((_, r)) = results.next().await {
                assert!(r.unwrap_err().is_cancelled());
                killed += 1;
            }
        };
        genlet::timeout(Duration::from_secs(20), all).await.unwrap();
        assert_eq!(killed, 3);
    });
}
