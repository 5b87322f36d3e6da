//! Shared by the behaviour tests: a policy of the kind a user writes.

#![allow(dead_code, unreachable_pub)]

use std::sync::mpsc;

use genlet_ythread::{Apply, Job};

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
