//! [`ThreadPool`]: jobs run on the `blocking` crate's threads, a bounded number at
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
//! `ThreadPool` ever occupies are bounded by `limit` (plus whatever other users of
//! blocking start), so the idle ones that linger are bounded the same way;
//! they are reused by the next burst rather than started again.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::apply::Apply;
use crate::job::Job;

/// Runs jobs on the `blocking` crate's thread pool, at most `limit` at once
/// (default: the number of available cores); the rest wait in order, in a
/// queue that may be bounded. Clones share the queue and the limit. The
/// post's `multiprocessing.ThreadPool().apply`, with threads instead of processes:
/// Rust has no GIL to escape.
///
/// Two sizes for two kinds of work:
///
/// * [`ThreadPool::new`]: CPU work, one job per core; more would only make the
///   jobs fight over the cores.
/// * [`ThreadPool::blocking_io`]: blocking calls (a database driver, a file read,
///   DNS) that mostly wait; [`ThreadPool::BLOCKING_IO_LIMIT`] of them at once, so
///   a few dozen slow calls wait side by side instead of in line.
///
/// [`ThreadPool::builder`] sets the limit and bounds the queue: a full pool
/// refuses new jobs with [`JobError::is_refused`](crate::JobError::is_refused)
/// instead of letting the queue grow (load shedding).
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
/// use genlet_ythread::{ThreadPool, YieldableThread};
///
/// let pool = ThreadPool::with_limit(2);
/// let threads: Vec<_> = (1..=4u64)
///     .map(|n| YieldableThread::spawn(move |cpu| async move { cpu.run(move || (1..=n).sum::<u64>()).await }, pool.clone()))
///     .collect::<Result<_, _>>()?;
/// let sums: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
/// assert_eq!(sums, [1, 3, 6, 10]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ThreadPool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limit: usize,
    /// Most jobs waiting for a thread; `usize::MAX` when unbounded.
    max_queued: usize,
    queue: Mutex<Queue>,
}

#[derive(Debug)]
struct Queue {
    jobs: VecDeque<Job>,
    /// Runners handed to blocking and not finished.
    runners: usize,
    /// Runners started that have not taken their first job yet: as many of
    /// the queued jobs are about to run, not waiting for a thread.
    starting: usize,
    /// When `jobs` grows to this length, the jobs whose bodies have gone are
    /// dropped from it (then it is set to twice what is left): a pool whose
    /// threads are all busy or stuck does not keep every abandoned request.
    sweep_at: usize,
}

/// The queue length of the first sweep.
const FIRST_SWEEP: usize = 64;

impl Default for Queue {
    fn default() -> Self {
        Queue {
            jobs: VecDeque::new(),
            runners: 0,
            starting: 0,
            sweep_at: FIRST_SWEEP,
        }
    }
}

impl Queue {
    /// Jobs waiting for a thread: those queued beyond the ones starting
    /// runners will take.
    fn waiting(&self) -> usize {
        self.jobs.len().saturating_sub(self.starting)
    }

    /// Takes the next job for a runner (`first`: its first look); `None`
    /// when there is none, the runner then being done. A queue that has
    /// shrunk well below the length of its last sweep sweeps again sooner,
    /// so that one peak does not let abandoned jobs pile up to twice its
    /// size later.
    fn pop(&mut self, first: bool) -> Option<Job> {
        if first {
            self.starting -= 1;
        }
        let job = self.jobs.pop_front();
        if self.jobs.len() < self.sweep_at / 4 && self.sweep_at > FIRST_SWEEP {
            self.sweep_at = (2 * self.jobs.len()).max(FIRST_SWEEP);
            if self.jobs.capacity() > 4 * self.sweep_at {
                self.jobs.shrink_to(self.sweep_at);
            }
        }
        if job.is_none() {
            self.runners -= 1;
        }
        job
    }

    /// Drops the jobs whose bodies have gone. Amortised O(1) per push: a
    /// sweep happens only once the queue doubled since the last one.
    fn sweep(&mut self) {
        self.jobs.retain(|job| !job.is_cancelled());
        self.sweep_at = (2 * self.jobs.len()).max(FIRST_SWEEP);
        if self.jobs.capacity() > 4 * self.sweep_at {
            self.jobs.shrink_to(self.sweep_at);
        }
    }
}

impl Default for ThreadPool {
    fn default() -> Self {
        ThreadPool::new()
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

impl ThreadPool {
    /// How many blocking calls a [`ThreadPool::blocking_io`] pool runs at once.
    ///
    /// Blocking I/O mostly waits, so its threads cost memory, not cores: the
    /// limit is there to stop a flood of calls from starting threads without
    /// end, not to match the cores. gevent's threadpool runs 10, tokio's
    /// `spawn_blocking` up to 512, `blocking` up to 500; 64 keeps well ahead
    /// of gevent (ten 100 ms calls take 100 ms, not 500 ms on two cores)
    /// while a stuck backend can hold at most 64 threads (their stacks are
    /// reserved, not touched, so about 64 x 2 MiB of address space).
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::ThreadPool;
    ///
    /// assert_eq!(ThreadPool::blocking_io().limit(), ThreadPool::BLOCKING_IO_LIMIT);
    /// ```
    pub const BLOCKING_IO_LIMIT: usize = 64;

    /// The CPU pool: as many jobs at once as there are available cores, the
    /// queue unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = genlet_ythread::ThreadPool::new();
    /// assert!(pool.limit() >= 1);
    /// assert_eq!(pool.max_queued(), None);
    /// ```
    pub fn new() -> Self {
        ThreadPool::builder().build()
    }

    /// A pool for blocking I/O: [`ThreadPool::BLOCKING_IO_LIMIT`] calls at once,
    /// the queue unbounded. Use it for calls that wait (a database query, a
    /// file, a lookup), and [`ThreadPool::new`] for work that computes.
    ///
    /// # Examples
    ///
    /// Ten calls that each block for 50 ms run side by side:
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use genlet_ythread::{ThreadPool, YieldableThread};
    ///
    /// let pool = ThreadPool::blocking_io();
    /// let start = Instant::now();
    /// let calls: Vec<_> = (0..10)
    ///     .map(|_| {
    ///         YieldableThread::spawn(
    ///             |cpu| async move { cpu.run(|| std::thread::sleep(Duration::from_millis(50))).await },
    ///             pool.clone(),
    ///         )
    ///     })
    ///     .collect::<Result<_, _>>()?;
    /// for call in calls {
    ///     call.join().unwrap().unwrap();
    /// }
    /// println!("10 x 50 ms in {:?}", start.elapsed());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn blocking_io() -> Self {
        ThreadPool::builder()
            .limit(ThreadPool::BLOCKING_IO_LIMIT)
            .build()
    }

    /// A pool running at most `limit` jobs at once (at least one), the queue
    /// unbounded.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = genlet_ythread::ThreadPool::with_limit(3);
    /// assert_eq!(pool.limit(), 3);
    /// assert_eq!(genlet_ythread::ThreadPool::with_limit(0).limit(), 1);
    /// ```
    pub fn with_limit(limit: usize) -> Self {
        ThreadPool::builder().limit(limit).build()
    }

    /// A [`ThreadPoolBuilder`] to set the limit and bound the queue; it starts
    /// from [`ThreadPool::new`]'s settings.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn builder() -> ThreadPoolBuilder {
        ThreadPoolBuilder {
            limit: cores(),
            max_queued: None,
        }
    }

    /// How many jobs may run at once.
    ///
    /// # Examples
    ///
    /// See [`ThreadPool::with_limit`].
    pub fn limit(&self) -> usize {
        self.inner.limit
    }

    /// How many jobs may wait for a thread before the pool refuses more;
    /// `None` when the queue is unbounded.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder::queue`].
    pub fn max_queued(&self) -> Option<usize> {
        (self.inner.max_queued != usize::MAX).then_some(self.inner.max_queued)
    }

    /// How many jobs wait for a thread right now (jobs whose bodies have
    /// gone may be counted until the queue skips them, or drops them once
    /// it has doubled since it last did). A gauge for metrics: it may
    /// change as soon as it is read.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = genlet_ythread::ThreadPool::new();
    /// assert_eq!(pool.queued(), 0);
    /// ```
    pub fn queued(&self) -> usize {
        self.inner.lock().waiting()
    }
}

/// Builds a [`ThreadPool`]: how many jobs run at once, and how many may wait.
/// Made by [`ThreadPool::builder`].
///
/// # Examples
///
/// A pool of two threads with room for eight waiting jobs; the next ones are
/// refused:
///
/// ```
/// use genlet_ythread::ThreadPool;
///
/// let pool = ThreadPool::builder().limit(2).queue(8).build();
/// assert_eq!(pool.limit(), 2);
/// assert_eq!(pool.max_queued(), Some(8));
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build`"]
pub struct ThreadPoolBuilder {
    limit: usize,
    max_queued: Option<usize>,
}

impl ThreadPoolBuilder {
    /// Runs at most `limit` jobs at once (at least one). The default is the
    /// number of available cores.
    ///
    /// # Examples
    ///
    /// ```
    /// let pool = genlet_ythread::ThreadPool::builder().limit(16).build();
    /// assert_eq!(pool.limit(), 16);
    /// ```
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// Lets at most `max` jobs wait for a thread (beyond the `limit`
    /// running); the pool refuses the next one, whose body's
    /// [`Cpu::run`](crate::Cpu::run) fails at once with
    /// [`JobError::is_refused`](crate::JobError::is_refused). Every job the
    /// pool accepts runs and its result reaches its body (unless the body
    /// goes first). `queue(0)` refuses whenever every thread is busy. The
    /// default is an unbounded queue.
    ///
    /// # Examples
    ///
    /// One thread, no waiting room: a second job while the first runs is
    /// refused.
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use genlet_ythread::{ThreadPool, YieldableThread};
    ///
    /// let pool = ThreadPool::builder().limit(1).queue(0).build();
    /// let (started, wait_started) = mpsc::channel();
    /// let (release, wait_release) = mpsc::channel::<()>();
    /// let busy = YieldableThread::spawn(
    ///     move |cpu| async move {
    ///         cpu.run(move || {
    ///             started.send(()).unwrap();
    ///             wait_release.recv().unwrap();
    ///         })
    ///         .await
    ///     },
    ///     pool.clone(),
    /// )?;
    /// wait_started.recv().unwrap();
    ///
    /// let refused = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, pool.clone())?;
    /// assert!(refused.join().unwrap().unwrap_err().is_refused());
    ///
    /// release.send(()).unwrap();
    /// busy.join().unwrap().unwrap();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn queue(mut self, max: usize) -> Self {
        self.max_queued = Some(max);
        self
    }

    /// The pool.
    ///
    /// # Examples
    ///
    /// See [`ThreadPoolBuilder`].
    pub fn build(self) -> ThreadPool {
        ThreadPool {
            inner: Arc::new(Inner {
                limit: self.limit,
                max_queued: self.max_queued.unwrap_or(usize::MAX),
                queue: Mutex::new(Queue::default()),
            }),
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Jobs run outside the lock and catch their own panics.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A runner: runs queued jobs until there are none.
    fn drain(&self) {
        let mut first = true;
        loop {
            let Some(job) = self.lock().pop(core::mem::take(&mut first)) else {
                return;
            };
            // A job catches its own panic; this catches one from dropping an
            // unobserved result, so the runner, and its count, live on.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.run()));
        }
    }
}

impl Apply for ThreadPool {
    fn apply(&self, job: Job) {
        let start_runner = {
            let mut queue = self.inner.lock();
            let start = queue.runners < self.inner.limit;
            if !start
                && (queue.jobs.len() >= queue.sweep_at || queue.waiting() >= self.inner.max_queued)
            {
                // Full, or grown: first forget the jobs nobody waits for.
                queue.sweep();
                if queue.waiting() >= self.inner.max_queued {
                    drop(queue);
                    return job.refuse();
                }
            }
            queue.jobs.push_back(job);
            if start {
                queue.runners += 1;
                queue.starting += 1;
            }
            start
        };
        if start_runner {
            let inner = self.inner.clone();
            blocking::unblock(move || inner.drain()).detach();
        }
    }
}
