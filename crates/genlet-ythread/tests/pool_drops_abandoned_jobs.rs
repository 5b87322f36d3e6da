//! An unbounded `ThreadPool` whose threads are all busy does not keep the
//! jobs of bodies that went: the queue drops them once it has doubled, so a
//! stuck pool under a stream of requests that time out keeps its memory
//! flat, and none of those jobs ever runs.

use core::future::Future;
use core::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use futures_lite::future::{block_on, poll_once};
use genlet_ythread::{JobError, ThreadPool, drive};

type Body = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;

#[test]
fn abandoned_jobs_do_not_pile_up_in_a_stuck_pool() {
    let pool = ThreadPool::with_limit(1);
    let (release, released) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    let mut stuck: Body = Box::pin(drive(
        move |cpu| async move {
            cpu.run(move || {
                started_tx.send(()).unwrap();
                let _ = released.recv_timeout(Duration::from_secs(60));
            })
            .await
        },
        pool.clone(),
    ));
    assert!(block_on(poll_once(stuck.as_mut())).is_none());
    started.recv_timeout(Duration::from_secs(30)).unwrap();

    let ran = Arc::new(AtomicUsize::new(0));
    let mut most = 0;
    for _ in 0..10_000 {
        let ran = ran.clone();
        let mut gone: Body = Box::pin(drive(
            move |cpu| async move {
                cpu.run(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
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
    assert_eq!(block_on(stuck), Ok(()));
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
