//! A greenlet's destructors have run by the time its result is out: when a
//! join, a link or its group sees it killed (or finished), the future and
//! everything it held are gone. Tried in a loop, on a one-worker hub and on
//! the default hub.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct CountOnDrop(Arc<AtomicUsize>);

impl Drop for CountOnDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn killed_and_finished_greenlets_dropped_their_state_first() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..300 {
                let dropped = Arc::new(AtomicUsize::new(0));
                let guard = CountOnDrop(dropped.clone());
                let sleeper = genlet::spawn(async move {
                    let _guard = guard;
                    genlet::sleep(Duration::from_secs(3600)).await;
                });
                let guard = CountOnDrop(dropped.clone());
                let quick = genlet::spawn(async move {
                    let _guard = guard;
                    1
                });
                assert_eq!(quick.await.unwrap(), 1);
                assert_eq!(dropped.load(Ordering::SeqCst), 1, "round {round}: finished");
                sleeper.abort();
                assert!(sleeper.await.unwrap_err().is_cancelled());
                assert_eq!(dropped.load(Ordering::SeqCst), 2, "round {round}: killed");
            }
        });
    });
}

#[test]
fn a_fail_fast_group_joins_after_its_members_dropped_their_state() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..100 {
                let dropped = Arc::new(AtomicUsize::new(0));
                let group = genlet::Group::fail_fast();
                for _ in 0..3 {
                    let guard = CountOnDrop(dropped.clone());
                    group.spawn(async move {
                        let _guard = guard;
                        genlet::sleep(Duration::from_secs(3600)).await;
                    });
                }
                group.spawn(async { panic!("broken") });
                assert!(group.join().await.is_err());
                assert_eq!(dropped.load(Ordering::SeqCst), 3, "round {round}");
            }
        });
    });
}
