//! A running job sees its body go: `Cancel::is_cancelled` (the argument of
//! `run_cancellable`) and `genlet_ythread::is_cancelled()` (for a plain
//! `run`) turn true, so a long job stops early. While the body waits both
//! stay false, and outside a job `is_cancelled()` is false. Hundreds of
//! rounds, on the pool and on a deferring policy of the user's.

use std::sync::mpsc;
use std::time::Duration;

use genlet_reactor::Hub;
use genlet_ythread::{Apply, Job, ThreadPool, drive, is_cancelled};

/// Runs each job on a fresh thread.
#[derive(Clone, Copy)]
struct ThreadPerJob;

impl Apply for ThreadPerJob {
    fn apply(&self, job: Job) {
        std::thread::spawn(move || job.run());
    }
}

const WAIT: Duration = Duration::from_secs(30);

fn running_jobs_stop_when_their_body_goes(apply: impl Apply + Clone + 'static) {
    let hub = Hub::builder().workers(1).build().unwrap();
    for round in 0..200u32 {
        let (seen_tx, seen) = mpsc::channel();
        let (stopped_tx, stopped) = mpsc::channel();
        let flag = round % 2 == 0;
        let task = hub.spawn(drive(
            move |cpu| async move {
                if flag {
                    cpu.run_cancellable(move |cancel| {
                        seen_tx
                            .send(cancel.is_cancelled() || is_cancelled())
                            .unwrap();
                        while !cancel.is_cancelled() {
                            std::thread::yield_now();
                        }
                        stopped_tx.send(is_cancelled()).unwrap();
                    })
                    .await
                } else {
                    cpu.run(move || {
                        seen_tx.send(is_cancelled()).unwrap();
                        while !is_cancelled() {
                            std::thread::yield_now();
                        }
                        stopped_tx.send(is_cancelled()).unwrap();
                    })
                    .await
                }
            },
            apply.clone(),
        ));
        assert!(
            !seen.recv_timeout(WAIT).unwrap(),
            "round {round}: cancelled while its body waits"
        );
        assert!(hub.block_on(task.cancel()).is_none());
        assert!(
            stopped.recv_timeout(WAIT).expect("the job did not stop"),
            "round {round}: is_cancelled() disagrees with the Cancel flag"
        );
    }
    assert!(!is_cancelled(), "outside any job");
}

#[test]
fn pool_jobs_stop_when_their_body_goes() {
    running_jobs_stop_when_their_body_goes(ThreadPool::with_limit(2));
}

#[test]
fn user_policy_jobs_stop_when_their_body_goes() {
    running_jobs_stop_when_their_body_goes(ThreadPerJob);
}

#[test]
fn a_finished_job_was_never_cancelled() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let task = hub.spawn(drive(
        |cpu| async move {
            let flag = cpu.run_cancellable(|cancel| cancel.is_cancelled()).await;
            let ambient = cpu.run(is_cancelled).await;
            (flag, ambient)
        },
        ThreadPool::new(),
    ));
    assert_eq!(hub.block_on(task), (Ok(false), Ok(false)));
}
