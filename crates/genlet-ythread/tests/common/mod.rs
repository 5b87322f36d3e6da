//! Shared by the behaviour tests: a policy of the kind a user writes, and a
//! way to keep a pool's thread busy.

#![allow(dead_code, unreachable_pub)]

use core::future::Future;
use core::pin::Pin;
use std::sync::mpsc;
use std::time::Duration;

use futures_lite::future::{block_on, poll_once};
use genlet_ythread::{Apply, Job, JobError, ThreadPool, drive};

/// A body driven by hand (polled once, then awaited or dropped).
pub type Body = Pin<Box<dyn Future<Output = Result<u32, JobError>> + Send>>;

/// Occupies one of `pool`'s threads until the sender is dropped or sent to
/// (30 s at most); the blocker's body, ready with 0 after.
pub fn occupy(pool: &ThreadPool) -> (Body, mpsc::Sender<()>) {
    let (started_tx, started) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let mut blocker: Body = Box::pin(drive(
        move |cpu| async move {
            cpu.run(move || {
                started_tx.send(()).unwrap();
                let _ = released.recv_timeout(Duration::from_secs(30));
                0
            })
            .await
        },
        pool.clone(),
    ));
    assert!(block_on(poll_once(blocker.as_mut())).is_none());
    started.recv_timeout(Duration::from_secs(30)).unwrap();
    (blocker, release)
}

/// A policy that defers every job to a thread of its own: the job waits in a
/// channel, as in any queueing policy a user might write.
#[derive(Clone)]
pub struct Deferred(mpsc::Sender<Job>);

impl Deferred {
    pub fn new() -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::spawn(move || {
            for job in rx {
                job.run();
            }
        });
        Deferred(tx)
    }
}

impl Apply for Deferred {
    fn apply(&self, job: Job) {
        self.0.send(job).unwrap();
    }
}
