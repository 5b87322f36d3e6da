//! Dropping a body that waits for a job not yet started cancels the job: its
//! closure is dropped and never runs. The pool goes on serving.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use genlet_reactor::Hub;
use genlet_ythread::{ThreadPool, drive};

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_queued_job_is_dropped_unrun_when_its_body_is_cancelled() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let pool = ThreadPool::with_limit(1);

    // Occupy the pool's only slot until told to stop.
    let (started_tx, started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let blocker = hub.spawn(drive(
        move |cpu| async move {
            cpu.run(move || {
                started_tx.send(()).unwrap();
                released.recv_timeout(Duration::from_secs(30)).unwrap();
            })
            .await
        },
        pool.clone(),
    ));
    started.recv_timeout(Duration::from_secs(30)).unwrap();

    // A second job queues behind it; then its task is cancelled.
    let ran = Arc::new(AtomicBool::new(false));
    let dropped = Arc::new(AtomicBool::new(false));
    let (r, d) = (ran.clone(), dropped.clone());
    let (queued_tx, queued) = mpsc::channel();
    let waiting = hub.spawn(drive(
        move |cpu| async move {
            let guard = SetOnDrop(d);
            queued_tx.send(()).unwrap();
            cpu.run(move || {
                let _guard = guard;
                r.store(true, Ordering::SeqCst);
            })
            .await
        },
        pool.clone(),
    ));
    queued.recv_timeout(Duration::from_secs(30)).unwrap();
    hub.block_on(waiting.cancel());
    assert!(
        dropped.load(Ordering::SeqCst),
        "the queued job's closure was not dropped"
    );

    release.send(()).unwrap();
    hub.block_on(blocker).unwrap();
    // The pool ran its queue past the cancelled job and still serves.
    let after = hub.block_on(hub.spawn(drive(|cpu| async move { cpu.run(|| 3).await }, pool)));
    assert_eq!(after, Ok(3));
    assert!(!ran.load(Ordering::SeqCst), "the cancelled job ran");
}
