//! Dropping a `Group` cancels the members still running and their
//! destructors run; `fail_fast` cancels siblings when one panics.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct CountOnDrop(Arc<AtomicUsize>);

impl Drop for CountOnDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_a_group_cancels_its_members_and_runs_their_destructors() {
    let dropped = Arc::new(AtomicUsize::new(0));
    genlet::run(async {
        let started = Arc::new(AtomicUsize::new(0));
        {
            let group = genlet::Group::new();
            for _ in 0..5 {
                let (d, s) = (dropped.clone(), started.clone());
                group.spawn(async move {
                    let _guard = CountOnDrop(d);
                    s.fetch_add(1, Ordering::SeqCst);
                    genlet::sleep(Duration::from_secs(3600)).await;
                });
            }
            while started.load(Ordering::SeqCst) < 5 {
                genlet::sleep(Duration::from_millis(1)).await;
            }
        } // the group goes out of scope here
        // Cancellation is prompt but not synchronous: wait, bounded.
        let deadline = Instant::now() + Duration::from_secs(30);
        while dropped.load(Ordering::SeqCst) < 5 && Instant::now() < deadline {
            genlet::sleep(Duration::from_millis(1)).await;
        }
    });
    assert_eq!(dropped.load(Ordering::SeqCst), 5);
}

#[test]
fn fail_fast_cancels_siblings_and_join_returns_the_first_panic() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let d = dropped.clone();
    let err = genlet::run(async move {
        let group = genlet::Group::fail_fast();
        for _ in 0..3 {
            let d = d.clone();
            group.spawn(async move {
                let _guard = CountOnDrop(d);
                genlet::sleep(Duration::from_secs(3600)).await;
            });
        }
        group.spawn_with(genlet::task().name("broken"), async {
            panic!("bad config")
        });
        let err = group.join().await.unwrap_err();
        assert!(group.is_empty());
        err
    });
    assert_eq!(err.name(), "broken");
    assert_eq!(err.panic_message(), Some("bad config"));
    assert_eq!(dropped.load(Ordering::SeqCst), 3);
}

#[test]
fn a_plain_group_lets_siblings_finish_and_returns_the_first_panic() {
    genlet::run(async {
        let group = genlet::Group::new();
        let sibling = group.spawn(async {
            genlet::sleep(Duration::from_millis(20)).await;
            "finished"
        });
        group.spawn(async { panic!("first") });
        assert_eq!(
            group.join().await.unwrap_err().panic_message(),
            Some("first")
        );
        assert_eq!(sibling.join().await.unwrap(), "finished");
    });
}
