//! Apply policies: who runs the jobs a body yields. [`Inline`] and
//! [`Exclusive`] here, [`ThreadPool`](crate::ThreadPool) in `pool.rs`, and the [`Apply`]
//! trait for the user's own.

use std::sync::{Arc, Mutex};

use crate::job::Job;

/// Runs the jobs that bodies yield: the post's `cpu_apply` argument.
///
/// `apply` is called on the thread that drives the body (the yieldable
/// thread, or the executor's worker for [`drive`](crate::drive)) as soon as
/// the body yields. It may run the job right there, or hand it elsewhere and
/// return at once; the body waits for the result either way. It must
/// eventually run or drop every job: a dropped job fails the body's
/// [`Cpu::run`](crate::Cpu::run) with [`JobError::is_lost`](crate::JobError::is_lost).
///
/// Jobs are closures, so they run in this process: a policy can choose the
/// threads (rayon, a pinned core, a pool per tenant), meter or time the
/// work, or bound it. Shipping work to another process or machine takes jobs
/// that are data, which this trait leaves to a crate built on top.
///
/// # Examples
///
/// A policy that runs each job on a fresh thread:
///
/// ```
/// use genlet_ythread::{Apply, Job, YieldableThread};
///
/// struct ThreadPerJob;
///
/// impl Apply for ThreadPerJob {
///     fn apply(&self, job: Job) {
///         std::thread::spawn(move || job.run());
///     }
/// }
///
/// let thread = YieldableThread::spawn(
///     |cpu| async move { cpu.run(|| std::thread::current().id()).await.unwrap() },
///     ThreadPerJob,
/// )?;
/// let body_thread = thread.thread().id();
/// assert_ne!(thread.join().unwrap(), body_thread);
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait Apply: Send + Sync {
    /// Runs `job`, or hands it to whatever will.
    fn apply(&self, job: Job);

    /// For a policy that runs jobs on the calling thread before returning
    /// (as [`Inline`] and [`Exclusive`] do): runs `job` right here and
    /// returns true, or returns false (the default) to have it handed over
    /// through [`apply`](Apply::apply) instead.
    ///
    /// Under [`drive`](crate::drive) and
    /// [`YieldableThread`](crate::YieldableThread), [`Cpu::run`](crate::Cpu::run)
    /// asks this first, from inside the body: a job run here is never
    /// yielded, so it costs no allocation and no trip through the generator.
    /// `job` stores its own result (or panic) for the body; calling it more
    /// than once does nothing more. Returning true without calling it fails
    /// the body's `run` with [`JobError::is_lost`](crate::JobError::is_lost).
    ///
    /// # Examples
    ///
    /// A policy that runs jobs in place and counts them; with the default it
    /// would count them just as well, through `apply`, only slower:
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use genlet_ythread::{Apply, Job, YieldableThread};
    ///
    /// #[derive(Default)]
    /// struct Counted(AtomicUsize);
    ///
    /// impl Apply for Counted {
    ///     fn apply(&self, job: Job) {
    ///         self.0.fetch_add(1, Ordering::Relaxed);
    ///         job.run();
    ///     }
    ///
    ///     fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
    ///         self.0.fetch_add(1, Ordering::Relaxed);
    ///         job();
    ///         true
    ///     }
    /// }
    ///
    /// let policy = std::sync::Arc::new(Counted::default());
    /// let thread = YieldableThread::spawn(
    ///     |cpu| async move { cpu.run(|| 20).await.unwrap() + cpu.run(|| 22).await.unwrap() },
    ///     policy.clone(),
    /// )?;
    /// assert_eq!(thread.join().unwrap(), 42);
    /// assert_eq!(policy.0.load(Ordering::Relaxed), 2);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        let _ = job;
        false
    }
}

impl<A: Apply + ?Sized> Apply for &A {
    fn apply(&self, job: Job) {
        (**self).apply(job);
    }

    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        (**self).run_in_place(job)
    }
}

impl<A: Apply + ?Sized> Apply for Arc<A> {
    fn apply(&self, job: Job) {
        (**self).apply(job);
    }

    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        (**self).run_in_place(job)
    }
}

impl<A: Apply + ?Sized> Apply for Box<A> {
    fn apply(&self, job: Job) {
        (**self).apply(job);
    }

    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        (**self).run_in_place(job)
    }
}

/// Runs each job on the thread that yielded it, as if it had not been
/// yielded at all: the post's plain `apply`.
///
/// Under [`drive`](crate::drive) that thread is an executor's worker, which
/// runs nothing else meanwhile: the convoy of seed 004.
///
/// # Examples
///
/// ```
/// use genlet_ythread::{Inline, YieldableThread};
///
/// let thread = YieldableThread::spawn(
///     |cpu| async move { cpu.run(|| std::thread::current().id()).await.unwrap() },
///     Inline,
/// )?;
/// let body_thread = thread.thread().id();
/// assert_eq!(thread.join().unwrap(), body_thread);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Inline;

impl Apply for Inline {
    #[inline]
    fn apply(&self, job: Job) {
        job.run();
    }

    #[inline]
    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        job();
        true
    }
}

/// Runs each job on the thread that yielded it, but at most one at a time
/// across every thread sharing this policy (clones share it): the post's
/// `exclusive_apply`, which stops CPU-bound threads fighting over cores.
///
/// Under [`drive`](crate::drive) a job waiting its turn blocks its worker;
/// on a hub use [`ThreadPool`](crate::ThreadPool).
///
/// # Examples
///
/// ```
/// use genlet_ythread::{Exclusive, YieldableThread};
///
/// let exclusive = Exclusive::new();
/// let threads: Vec<_> = (0..4u64)
///     .map(|i| YieldableThread::spawn(move |cpu| async move { cpu.run(move || i * i).await }, exclusive.clone()))
///     .collect::<Result<_, _>>()?;
/// let squares: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
/// assert_eq!(squares, [0, 1, 4, 9]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Exclusive {
    lock: Arc<Mutex<()>>,
}

impl Exclusive {
    /// A new lock: jobs applied through this value and its clones run one at
    /// a time.
    ///
    /// # Examples
    ///
    /// See [`Exclusive`].
    pub fn new() -> Self {
        Exclusive::default()
    }
}

impl Apply for Exclusive {
    fn apply(&self, job: Job) {
        // Jobs catch their own panics, so the lock is never poisoned by one.
        let _turn = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        job.run();
    }

    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        let _turn = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        job();
        true
    }
}
