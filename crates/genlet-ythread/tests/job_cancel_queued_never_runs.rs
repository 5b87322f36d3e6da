//! A job waiting in `ThreadPool`'s internal queue whose body goes (its future is
//! dropped) is dropped unrun at once, never runs later, and the pool runs the
//! other queued jobs and gives each its own result. Hundreds of rounds, with
//! a different queue depth and set of dropped bodies each round.

mod common;

use core::future::Future;
use core::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_lite::future::{block_on, poll_once};
use genlet_ythread::{JobError, ThreadPool, drive};

type Body = Pin<Box<dyn Future<Output = Result<usize, JobError>> + Send>>;

/// Counts its drops: a job's closure owns one.
struct Guard(Arc<AtomicUsize>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropped_bodies_queued_jobs_are_dropped_unrun_and_the_rest_run() {
    let pool = ThreadPool::with_limit(1);
    for round in 0..300usize {
        // Hold the pool's only thread until released.
        let (blocker, release) = common::occupy(&pool);

        let depth = 1 + round % 5;
        let ran = Arc::new(AtomicUsize::new(0));
        let dropped: Vec<_> = (0..depth).map(|_| Arc::new(AtomicUsize::new(0))).collect();
        let mut bodies: Vec<Option<Body>> = (0..depth)
            .map(|i| {
                let (ran, guard) = (ran.clone(), Guard(dropped[i].clone()));
                let mut body: Body = Box::pin(drive(
                    move |cpu| async move {
                        cpu.run(move || {
                            let _guard = guard;
                            ran.fetch_add(1, Ordering::SeqCst);
                            i
                        })
                        .await
                    },
                    pool.clone(),
                ));
                // One poll: the job is yielded and queued, the body waits.
                assert!(block_on(poll_once(body.as_mut())).is_none());
                Some(body)
            })
            .collect();
        assert_eq!(pool.queued(), depth);

        // Drop a different subset of the waiting bodies each round.
        let gone: Vec<bool> = (0..depth).map(|i| (round >> i) & 1 == 1).collect();
        for i in 0..depth {
            if gone[i] {
                drop(bodies[i].take());
                assert_eq!(
                    dropped[i].load(Ordering::SeqCst),
                    1,
                    "round {round}: job {i}'s closure outlived its body"
                );
            }
        }
        assert_eq!(ran.load(Ordering::SeqCst), 0);

        release.send(()).unwrap();
        assert_eq!(block_on(blocker), Ok(0));
        for (i, body) in bodies.into_iter().enumerate() {
            if let Some(body) = body {
                assert_eq!(block_on(body), Ok(i), "round {round}: job {i}");
            }
        }
        let kept = gone.iter().filter(|g| !**g).count();
        assert_eq!(ran.load(Ordering::SeqCst), kept, "round {round}");
        for (i, dropped) in dropped.iter().enumerate() {
            assert_eq!(dropped.load(Ordering::SeqCst), 1, "round {round}: job {i}");
        }
    }
}
