//! [`Pool`]: jobs run on the `blocking` crate's threads, a bounded number at
//! once.
//!
//! The pool keeps its own queue and hands `blocking` at most `limit`
//! runners, each of which runs queued jobs until the queue is empty. So
//! however many jobs wait, they occupy at most `limit` of blocking's threads,
//! and blocking never sees more than `limit` tasks from this pool, which is
//! what would make it start more threads.
//!
//! Thread growth: blocking 1.7 keeps idle threads alive unless its pool is
//! over its own limit (500 by default, `BLOCKING_MAX_THREADS`). The threads a
//! `Pool` ever occupies are bounded by `limit` (plus whatever other users of
//! blocking start), so the idle ones that linger are bounded the same way;
//! they are reused by the next burst rather than started again.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::apply::Apply;
use crate::job::Job;

/// Runs jobs on the `blocking` crate's thread pool, at most `limit` at once
/// (default: the number of available cores); the rest wait in order. Clones
/// share the queue and the limit. The post's `multiprocessing.Pool().apply`,
/// with threads instead of processes: Rust has no GIL to escape.
///
/// A job whose body stops waiting (its task cancelled, its greenlet killed
/// or timed out) before a thread takes it never runs: its closure is dropped
/// at once and the queue skips it.
///
/// Under [`drive`](crate::drive), no worker of the executor runs a job: the
/// hub stays responsive while the jobs run.
///
/// # Examples
///
/// ```
/// use genlet_ythread::{Pool, YieldableThread};
///
/// let pool = Pool::with_limit(2);
/// let threads: Vec<_> = (1..=4u64)
///     .map(|n| YieldableThread::spawn(move |cpu| async move { cpu.run(move || (1..=n).sum::<u64>()).await }, pool.clone()))
///     .collect::<Result<_, _>>()?;
/// let sums: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
/// assert_eq!(sums, [1, 3, 6, 10]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Pool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limit: usize,
    queue: Mutex<Queue>,
}

#[derive(Debug, Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// Runners handed to blocking and not finished.
    runners: usize,
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

impl Pool {
    /// A pool running as many jobs at once as there are available cores.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = genlet_ythread::Pool::new();
    /// assert!(pool.limit() >= 1);
    /// ```
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Pool::with_limit(cores)
    }

    /// A pool running at most `limit` jobs at once (at least one).
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = genlet_ythread::Pool::with_limit(3);
    /// assert_eq!(pool.limit(), 3);
    /// assert_eq!(genlet_ythread::Pool::with_limit(0).limit(), 1);
    /// ```
    pub fn with_limit(limit: usize) -> Self {
        Pool {
            inner: Arc::new(Inner {
                limit: limit.max(1),
                queue: Mutex::new(Queue::default()),
            }),
        }
    }

    /// How many jobs may run at once.
    ///
    /// # Examples
    ///
    /// See [`Pool::with_limit`].
    pub fn limit(&self) -> usize {
        self.inner.limit
    }

    /// How many jobs wait for a thread right now (jobs whose bodies have
    /// gone may be counted until the queue skips them). A gauge for
    /// metrics: it may change as soon as it is read.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = genlet_ythread::Pool::new();
    /// assert_eq!(pool.queued(), 0);
    /// ```
    pub fn queued(&self) -> usize {
        self.inner.lock().jobs.len()
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Jobs run outside the lock and catch their own panics.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A runner: runs queued jobs until there are none.
    fn drain(&self) {
        loop {
            let job = {
                let mut queue = self.lock();
                match queue.jobs.pop_front() {
                    Some(job) => job,
                    None => {
                        queue.runners -= 1;
                        return;
                    }
                }
            };
            job.run();
        }
    }
}

impl Apply for Pool {
    fn apply(&self, job: Job) {
        let start_runner = {
            let mut queue = self.inner.lock();
            queue.jobs.push_back(job);
            let start = queue.runners < self.inner.limit;
            if start {
                queue.runners += 1;
            }
            start
        };
        if start_runner {
            let inner = self.inner.clone();
            blocking::unblock(move || inner.drain()).detach();
        }
    }
}
