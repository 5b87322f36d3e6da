//! A policy that runs jobs in place (`Apply::run_in_place` returns true) gets
//! every job there, never through `apply`, with its result, panic and
//! `is_cancelled() == false` reaching the body as through `apply`; one that
//! keeps the default gets them through `apply`; one that claims a job in
//! place without running it fails the body's `run` as lost.

use std::sync::atomic::{AtomicUsize, Ordering};

use genlet_ythread::{Apply, Job, YieldableThread, is_cancelled};

#[derive(Default)]
struct Counting {
    in_place: bool,
    applied: AtomicUsize,
    placed: AtomicUsize,
}

impl Apply for Counting {
    fn apply(&self, job: Job) {
        self.applied.fetch_add(1, Ordering::SeqCst);
        job.run();
    }

    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        if self.in_place {
            self.placed.fetch_add(1, Ordering::SeqCst);
            job();
            job(); // a second call does nothing more
        }
        self.in_place
    }
}

fn three_jobs(
    policy: &std::sync::Arc<Counting>,
) -> (Result<u32, String>, Result<u32, String>, bool) {
    let thread = YieldableThread::spawn(
        |cpu| async move {
            let value = cpu.run(|| 7u32).await.map_err(|e| e.to_string());
            let panicked = cpu
                .run(|| -> u32 { panic!("in place") })
                .await
                .map_err(|e| e.to_string());
            let cancelled = cpu.run(is_cancelled).await.unwrap();
            (value, panicked, cancelled)
        },
        policy.clone(),
    )
    .unwrap();
    thread.join().unwrap()
}

#[test]
fn in_place_jobs_skip_apply_and_behave_the_same() {
    for in_place in [true, false] {
        let policy = std::sync::Arc::new(Counting {
            in_place,
            ..Counting::default()
        });
        let (value, panicked, cancelled) = three_jobs(&policy);
        assert_eq!(value, Ok(7));
        assert_eq!(panicked, Err("job panicked: in place".to_string()));
        assert!(!cancelled);
        let (placed, applied) = (
            policy.placed.load(Ordering::SeqCst),
            policy.applied.load(Ordering::SeqCst),
        );
        if in_place {
            assert_eq!((placed, applied), (3, 0));
        } else {
            assert_eq!((placed, applied), (0, 3));
        }
    }
}

/// Claims every job in place and runs none.
struct Swallow;

impl Apply for Swallow {
    fn apply(&self, job: Job) {
        job.run();
    }

    fn run_in_place(&self, _job: &mut dyn FnMut()) -> bool {
        true
    }
}

#[test]
fn a_job_claimed_in_place_but_not_run_is_lost() {
    let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, Swallow).unwrap();
    assert!(thread.join().unwrap().unwrap_err().is_lost());
}
