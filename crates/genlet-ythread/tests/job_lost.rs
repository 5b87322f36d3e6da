//! A job its policy drops without running fails the body's `run` with a
//! "lost" error instead of leaving the body waiting forever.

use genlet_ythread::{Apply, Job, YieldableThread};

/// A policy that hands jobs to a thread that has already gone.
struct Closed;

impl Apply for Closed {
    fn apply(&self, job: Job) {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        drop(rx);
        // The send fails and gives the job back, which is then dropped.
        let _ = tx.send(job);
    }
}

#[test]
fn a_dropped_job_is_reported_lost() {
    let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, Closed).unwrap();
    let err = thread.join().unwrap().unwrap_err();
    assert!(err.is_lost());
    assert!(!err.is_panic());
    assert_eq!(
        err.to_string(),
        "job dropped by its apply policy without running"
    );
}
