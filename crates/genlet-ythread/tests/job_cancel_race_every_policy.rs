//! Cancelling a body at any moment, under every policy: each job either runs
//! once (and then its body, if still there, gets the result) or is dropped
//! unrun; never both, never neither, never twice. When the cancel finds the
//! job unstarted, its closure has already been dropped by the time the
//! cancel returns. Hundreds of rounds per policy, cancel points spread by a
//! varying number of yields.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Deferred;
use genlet_reactor::{Hub, yield_now};
use genlet_ythread::{Apply, Exclusive, Inline, ThreadPool, drive};

struct Guard {
    ran: Arc<AtomicBool>,
    dropped_unrun: Arc<AtomicUsize>,
    gone: Arc<AtomicUsize>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.ran.load(Ordering::SeqCst) {
            self.dropped_unrun.fetch_add(1, Ordering::SeqCst);
        }
        self.gone.fetch_add(1, Ordering::SeqCst);
    }
}

fn cancel_at_every_point(
    name: &str,
    synchronous: bool,
    hub: &Hub,
    apply: impl Apply + Clone + 'static,
) {
    let (mut ran_total, mut dropped_total, mut answered) = (0, 0, 0);
    for round in 0..300u32 {
        let runs = Arc::new(AtomicUsize::new(0));
        let ran = Arc::new(AtomicBool::new(false));
        let dropped_unrun = Arc::new(AtomicUsize::new(0));
        let gone = Arc::new(AtomicUsize::new(0));
        let guard = Guard {
            ran: ran.clone(),
            dropped_unrun: dropped_unrun.clone(),
            gone: gone.clone(),
        };
        let runs_in_job = runs.clone();
        let yields = round % 4;
        let task = hub.spawn(drive(
            move |cpu| async move {
                for _ in 0..yields {
                    yield_now().await;
                }
                cpu.run(move || {
                    let guard = guard;
                    runs_in_job.fetch_add(1, Ordering::SeqCst);
                    guard.ran.store(true, Ordering::SeqCst);
                    round
                })
                .await
            },
            apply.clone(),
        ));
        // Spread the cancel points a little.
        for _ in 0..(round % 7) * 50 {
            std::hint::spin_loop();
        }
        let outcome = hub.block_on(task.cancel());
        let dropped_at_cancel = dropped_unrun.load(Ordering::SeqCst) == 1;
        match outcome {
            Some(result) => {
                assert_eq!(result, Ok(round), "{name} round {round}");
                answered += 1;
            }
            // Inline and Exclusive run a job within the poll that yields it:
            // when the cancel returns, the job has run or been dropped. (It
            // may have run unanswered: a cancel during that poll drops the
            // output.)
            None if synchronous => assert_eq!(
                gone.load(Ordering::SeqCst),
                1,
                "{name} round {round}: the job outlived its cancelled body"
            ),
            None => {}
        }
        // Wait for the job to settle one way or the other.
        let deadline = Instant::now() + Duration::from_secs(30);
        while gone.load(Ordering::SeqCst) == 0 {
            assert!(
                Instant::now() < deadline,
                "{name} round {round}: the job never settled"
            );
            std::thread::sleep(Duration::from_micros(50));
        }
        let runs = runs.load(Ordering::SeqCst);
        let dropped = dropped_unrun.load(Ordering::SeqCst);
        assert_eq!(
            runs + dropped,
            1,
            "{name} round {round}: ran {runs} times, dropped unrun {dropped} times"
        );
        // A job not started when its body went was dropped right then, not
        // later by whoever held it.
        assert!(
            dropped == 0 || dropped_at_cancel,
            "{name} round {round}: dropped unrun only after the cancel returned"
        );
        ran_total += runs;
        dropped_total += dropped;
    }
    eprintln!("{name}: {answered} answered, {ran_total} ran, {dropped_total} dropped unrun");
}

#[test]
fn inline_jobs_run_once_or_never() {
    let hub = Hub::builder().workers(1).build().unwrap();
    cancel_at_every_point("Inline", true, &hub, Inline);
}

#[test]
fn exclusive_jobs_run_once_or_never() {
    let hub = Hub::builder().workers(1).build().unwrap();
    cancel_at_every_point("Exclusive", true, &hub, Exclusive::new());
}

#[test]
fn pool_jobs_run_once_or_never() {
    let hub = Hub::builder().workers(1).build().unwrap();
    cancel_at_every_point("ThreadPool", false, &hub, ThreadPool::with_limit(1));
}

#[test]
fn deferred_jobs_run_once_or_never() {
    let hub = Hub::builder().workers(1).build().unwrap();
    cancel_at_every_point("Deferred", false, &hub, Deferred::new());
}
