//! An unbounded `ThreadPool` whose threads are all busy does not keep the
//! jobs of bodies that went: the queue drops them once it has doubled, so a
//! stuck pool under a stream of requests that time out keeps its memory
//! flat, and none of those jobs ever runs.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Body, occupy};
use futures_lite::future::{block_on, poll_once};
use genlet_ythread::{ThreadPool, drive};

#[test]
fn abandoned_jobs_do_not_pile_up_in_a_stuck_pool() {
    let pool = ThreadPool::with_limit(1);
    let (stuck, release) = occupy(&pool);

    let ran = Arc::new(AtomicUsize::new(0));
    let mut most = 0;
    for _ in 0..10_000 {
        let ran = ran.clone();
        let mut gone: Body = Box::pin(drive(
            move |cpu| async move {
                cpu.run(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
                    1
                })
                .await
            },
            pool.clone(),
        ));
        // Handed over, then abandoned (a timeout fired, the client left).
        assert!(block_on(poll_once(gone.as_mut())).is_none());
        drop(gone);
        most = most.max(pool.queued());
    }
    assert!(most <= 64, "the queue held up to {most} abandoned jobs");
    release.send(()).unwrap();
    assert_eq!(block_on(stuck), Ok(0));
    // A live job still runs; none of the abandoned ones did.
    let ran_live = Arc::new(AtomicUsize::new(0));
    let live = ran_live.clone();
    let result = block_on(drive(
        move |cpu| async move { cpu.run(move || live.fetch_add(1, Ordering::SeqCst)).await },
        pool.clone(),
    ));
    assert_eq!(result, Ok(0));
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}
