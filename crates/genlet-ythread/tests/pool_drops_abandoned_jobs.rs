//! An unbounded `ThreadPool` whose threads are all busy does not keep the
//! jobs of bodies that went: the queue drops them once it has doubled, so a
//! stuck pool under a stream of requests that time out keeps its memory
//! flat, and none of those jobs ever runs; an earlier peak of live jobs
//! does not let them pile up later.

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

#[test]
fn abandoned_jobs_do_not_pile_up_after_a_peak_of_live_ones() {
    let pool = ThreadPool::with_limit(1);
    // A peak: 10,000 live jobs queued behind a busy thread, then all run.
    let (stuck, release) = occupy(&pool);
    let live: Vec<Body> = (0..10_000u32)
        .map(|value| {
            let mut body: Body = Box::pin(drive(
                move |cpu| async move { cpu.run(move || value).await },
                pool.clone(),
            ));
            assert!(block_on(poll_once(body.as_mut())).is_none());
            body
        })
        .collect();
    release.send(()).unwrap();
    assert_eq!(block_on(stuck), Ok(0));
    for (value, body) in (0..).zip(live) {
        assert_eq!(block_on(body), Ok(value));
    }
    assert_eq!(pool.queued(), 0);

    // Stuck again, under requests that are all abandoned: the queue sweeps
    // as soon as it would without the peak.
    let (stuck, release) = occupy(&pool);
    let mut most = 0;
    for _ in 0..30_000 {
        let mut gone: Body = Box::pin(drive(
            |cpu| async move { cpu.run(|| 1).await },
            pool.clone(),
        ));
        assert!(block_on(poll_once(gone.as_mut())).is_none());
        drop(gone);
        most = most.max(pool.queued());
    }
    assert!(
        most <= 64,
        "after the peak the queue held up to {most} abandoned jobs"
    );
    release.send(()).unwrap();
    assert_eq!(block_on(stuck), Ok(0));
}
