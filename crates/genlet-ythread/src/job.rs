//! Jobs: the CPU work a body yields ([`Job`], the policy's side, and the
//! body's side that waits for the result), and their [`Cancel`] flag.
//!
//! A job is one allocation: a cell holding the closure, then its result. The
//! body keeps a typed reference to the cell and waits on it; the apply policy
//! gets the same cell as an untyped [`Job`] and runs it. No `Any`, no
//! downcast: the result goes straight into the cell the body reads.

use core::cell::UnsafeCell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::ptr;
use core::sync::atomic::{AtomicU8, Ordering};
use core::task::{Context, Poll, Waker};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::err::JobError;

/// One piece of CPU work yielded by a body, handed to an
/// [`Apply`](crate::Apply) policy to run.
///
/// A policy must eventually [`run`](Job::run) the job or drop it. Dropping it
/// unrun is not silent: the body's [`Cpu::run`](crate::Cpu::run) returns an error for which
/// [`JobError::is_lost`] is true.
///
/// # Examples
///
/// A policy that counts the jobs it runs:
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
/// }
///
/// let policy = std::sync::Arc::new(Counted::default());
/// let thread = YieldableThread::spawn(
///     |cpu| async move { cpu.run(|| 2).await.unwrap() + cpu.run(|| 3).await.unwrap() },
///     policy.clone(),
/// )?;
/// assert_eq!(thread.join().unwrap(), 5);
/// assert_eq!(policy.0.load(Ordering::Relaxed), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use = "a job must be run or dropped; dropping it makes the body's `run` fail"]
pub struct Job {
    cell: Option<Arc<dyn RunCell>>,
}

impl Job {
    /// Runs the job on the calling thread and stores its result (or its panic)
    /// for the body that yielded it. A job whose body stopped waiting
    /// (cancelled before the job started) does nothing: its closure was
    /// already dropped.
    ///
    /// # Examples
    ///
    /// See [`Job`].
    #[inline]
    pub fn run(mut self) {
        if let Some(cell) = self.cell.take() {
            cell.run();
        }
    }

    /// Refuses the job without running it (load shedding): its closure is
    /// dropped and the body's [`Cpu::run`](crate::Cpu::run) returns an error for which
    /// [`JobError::is_refused`] is true. [`ThreadPool`](crate::ThreadPool) does this when
    /// its queue is full.
    ///
    /// # Examples
    ///
    /// A policy that runs at most one job at a time and refuses the others:
    ///
    /// ```
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use genlet_ythread::{Apply, Job, YieldableThread};
    ///
    /// #[derive(Default)]
    /// struct OneOrRefuse(AtomicBool);
    ///
    /// impl Apply for OneOrRefuse {
    ///     fn apply(&self, job: Job) {
    ///         if self.0.swap(true, Ordering::Acquire) {
    ///             return job.refuse();
    ///         }
    ///         job.run();
    ///         self.0.store(false, Ordering::Release);
    ///     }
    /// }
    ///
    /// let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, OneOrRefuse::default())?;
    /// assert_eq!(thread.join().unwrap(), Ok(1));
    ///
    /// let busy = OneOrRefuse(AtomicBool::new(true));
    /// let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, busy)?;
    /// assert!(thread.join().unwrap().unwrap_err().is_refused());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn refuse(mut self) {
        if let Some(cell) = self.cell.take() {
            cell.fail(JobError::refused());
        }
    }

    /// True once the body that yielded this job stopped waiting for it. Such
    /// a job does nothing when run; a policy may drop it from its queue early.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Apply, Job, YieldableThread};
    ///
    /// struct Check;
    /// impl Apply for Check {
    ///     fn apply(&self, job: Job) {
    ///         assert!(!job.is_cancelled()); // its body waits for it
    ///         job.run();
    ///     }
    /// }
    ///
    /// let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, Check)?;
    /// assert_eq!(thread.join().unwrap(), Ok(1));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.cell
            .as_ref()
            .is_some_and(|cell| cell.cancel().is_cancelled())
    }
}

impl Job {
    /// A job holding `job`, for a body to yield, and the body's side of it:
    /// the future of its result.
    #[inline]
    pub(crate) fn new<F, T>(job: F) -> (Job, Waiting<F, T>)
    where
        F: FnOnce(&Cancel) -> T + Send + 'static,
        T: Send + 'static,
    {
        let cell = Arc::new(Cell::new(job));
        let untyped: Arc<dyn RunCell> = cell.clone();
        let job = Job {
            cell: Some(untyped),
        };
        (job, Waiting { cell, taken: false })
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(cell) = self.cell.take() {
            cell.fail(JobError::lost());
        }
    }
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job").finish_non_exhaustive()
    }
}

/// The untyped side of a cell, seen by policies through [`Job`].
trait RunCell: Send + Sync {
    /// Runs the job if it has not started and its body still waits.
    fn run(&self);
    /// Finishes a job not started with `error` instead of running it.
    fn fail(&self, error: JobError);
    /// The job's cancellation flag: set once its body stopped waiting.
    fn cancel(&self) -> &Cancel;
}

// The cell's state word: the low two bits are the stage, `WAKER` says the
// body left a waker in `Cell::waker`.
/// Yielded, not started: the closure is in the cell.
const PENDING: u8 = 0;
/// Taken by a runner, which owns the closure and then the result slot.
const RUNNING: u8 = 1;
/// The result is in the cell, for the body.
const DONE: u8 = 2;
/// The body stopped waiting (or took the result): nobody reads the cell.
const CLOSED: u8 = 3;
const STAGE: u8 = 0b11;
const WAKER: u8 = 0b100;

/// The cancellation flag of a running job: set once the body that yielded it
/// stopped waiting (its future was dropped: the client closed, the greenlet
/// was killed, a timeout fired), so a long job can stop early.
///
/// A job gets it as the argument of [`Cpu::run_cancellable`](crate::Cpu::run_cancellable); any job (one
/// given to [`Cpu::run`](crate::Cpu::run) too) can also ask [`is_cancelled`](crate::is_cancelled).
/// A job that has not started when its body goes never starts at all; this
/// flag is for the ones already running, which nothing can stop from outside.
///
/// # Examples
///
/// ```
/// use genlet_ythread::{Cancel, Inline, YieldableThread};
///
/// // Sums 1..=n, giving up (with `None`) once nobody waits for the answer.
/// fn sum_until_cancelled(n: u64, cancel: &Cancel) -> Option<u64> {
///     let mut total = 0;
///     for i in 1..=n {
///         if i % 4096 == 0 && cancel.is_cancelled() {
///             return None;
///         }
///         total += i;
///     }
///     Some(total)
/// }
///
/// let thread = YieldableThread::spawn(
///     |cpu| async move { cpu.run_cancellable(|cancel| sum_until_cancelled(100, cancel)).await },
///     Inline,
/// )?;
/// assert_eq!(thread.join().unwrap(), Ok(Some(5050)));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Cancel {
    state: AtomicU8,
}

impl Cancel {
    /// True once the body waiting for this job has gone: its result will be
    /// dropped, so the job may as well stop.
    ///
    /// # Examples
    ///
    /// See [`Cancel`].
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.state.load(Ordering::Relaxed) & STAGE == CLOSED
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

thread_local! {
    /// The flag of the job running on this thread, null when none is.
    static CURRENT: core::cell::Cell<*const Cancel> = const { core::cell::Cell::new(ptr::null()) };
}

/// True when called inside a job (given to [`Cpu::run`](crate::Cpu::run) or
/// [`Cpu::run_cancellable`](crate::Cpu::run_cancellable), under any policy) whose body has stopped
/// waiting for it; false when the body still waits, and outside any job.
///
/// It is the same flag as [`Cancel::is_cancelled`], for code that does not
/// get a [`Cancel`]: a job that calls into a library, say, or one handed to
/// `genlet::spawn_blocking`.
///
/// # Examples
///
/// ```
/// use genlet_reactor::Hub;
/// use genlet_ythread::{drive, ThreadPool};
/// use std::sync::mpsc;
/// use std::time::Duration;
///
/// let hub = Hub::builder().workers(1).build()?;
/// let (started, wait_started) = mpsc::channel();
/// let (stopped, wait_stopped) = mpsc::channel();
/// let task = hub.spawn(drive(
///     move |cpu| async move {
///         cpu.run(move || {
///             started.send(()).unwrap();
///             // A long job polling the flag now and then.
///             while !genlet_ythread::is_cancelled() {
///                 std::thread::sleep(Duration::from_millis(1));
///             }
///             stopped.send("stopped early").unwrap();
///         })
///         .await
///     },
///     ThreadPool::new(),
/// ));
/// wait_started.recv().unwrap();
/// hub.block_on(task.cancel()); // the job's waiting body goes
/// assert_eq!(wait_stopped.recv().unwrap(), "stopped early");
/// assert!(!genlet_ythread::is_cancelled()); // not inside a job
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn is_cancelled() -> bool {
    let current = CURRENT.with(core::cell::Cell::get);
    // SAFETY: `CURRENT` is non-null only while `Cell::run` runs a job on this
    // thread, and then points at that cell's flag; the runner holds the cell
    // (through its `Job`) for that whole time, so the flag is alive.
    !current.is_null() && unsafe { (*current).is_cancelled() }
}

/// Restores the previous `CURRENT` when a job ends, however it ends.
struct Current(*const Cancel);

impl Current {
    fn enter(cancel: &Cancel) -> Self {
        Current(CURRENT.replace(cancel))
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        CURRENT.set(self.0);
    }
}

/// A job's closure, then its result, behind one atomic state word.
///
/// The stage moves `PENDING -> RUNNING -> DONE` (the runner) and to `CLOSED`
/// (the body, when it stops waiting or takes the result). Whoever makes a
/// transition owns the data it guards: the runner that moved `PENDING ->
/// RUNNING` owns `job` and writes `result`; the body that moved `PENDING ->
/// CLOSED` drops `job`; the body reads `result` only after it saw `DONE`. The
/// body's waker sits behind a mutex taken only when the body must wait.
struct Cell<F, T> {
    cancel: Cancel,
    job: UnsafeCell<Option<F>>,
    result: UnsafeCell<Option<Result<T, JobError>>>,
    waker: Mutex<Option<Waker>>,
}

// SAFETY: `job` and `result` are each accessed by one thread at a time, as the
// state word's transitions hand them over (see `Cell`); `F` and `T` are
// `Send`, so handing them between threads is sound. The rest is `Sync`.
unsafe impl<F: Send, T: Send> Sync for Cell<F, T> {}

impl<F, T> Cell<F, T> {
    fn new(job: F) -> Self {
        Cell {
            cancel: Cancel {
                state: AtomicU8::new(PENDING),
            },
            job: UnsafeCell::new(Some(job)),
            result: UnsafeCell::new(None),
            waker: Mutex::new(None),
        }
    }

    fn state(&self) -> &AtomicU8 {
        &self.cancel.state
    }

    fn waker(&self) -> MutexGuard<'_, Option<Waker>> {
        // Nothing panics while holding it but `Waker::clone`; its value is
        // still a valid `Option<Waker>` then.
        self.waker.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `PENDING -> RUNNING`: true when this caller now owns the closure.
    fn start(&self) -> bool {
        let mut state = self.state().load(Ordering::Relaxed);
        while state & STAGE == PENDING {
            match self.state().compare_exchange_weak(
                state,
                (state & WAKER) | RUNNING,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    /// `RUNNING -> DONE` with `result`, waking the body if it waits; the
    /// result is dropped if the body went meanwhile. Only the runner that
    /// started the job calls this.
    fn finish(&self, result: Result<T, JobError>) {
        // SAFETY: the stage is RUNNING (this runner's own `start`), in which
        // only the runner touches `result`: the body reads it after DONE, and
        // a body that closes during RUNNING leaves it alone.
        unsafe { *self.result.get() = Some(result) };
        let mut state = self.state().load(Ordering::Relaxed);
        loop {
            if state & STAGE == CLOSED {
                // SAFETY: the body closed during RUNNING and never reads
                // `result`; this runner still owns it.
                drop(unsafe { (*self.result.get()).take() });
                return;
            }
            match self.state().compare_exchange_weak(
                state,
                (state & WAKER) | DONE,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if state & WAKER != 0
            && let Some(waker) = self.waker().take()
        {
            waker.wake();
        }
    }

    /// Ready with the result once there is one; until then keeps `cx`'s waker.
    fn poll_result(&self, cx: &mut Context<'_>) -> Poll<Result<T, JobError>> {
        if self.state().load(Ordering::Acquire) & STAGE != DONE {
            {
                let mut waker = self.waker();
                if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    *waker = Some(cx.waker().clone());
                }
            }
            // The runner reads WAKER in the same word it publishes DONE in:
            // either it sees the bit and wakes us, or we see DONE here.
            let state = self.state().fetch_or(WAKER, Ordering::AcqRel);
            if state & STAGE != DONE {
                return Poll::Pending;
            }
        }
        self.state().store(CLOSED, Ordering::Relaxed);
        // SAFETY: the stage was DONE: the runner is done with `result`, and
        // the Acquire above made its write visible. Only the body (this
        // caller) moves on from DONE, and it does so once.
        let result = unsafe { (*self.result.get()).take() };
        Poll::Ready(result.unwrap_or_else(|| Err(JobError::lost())))
    }

    /// The body stopped waiting: a job not started yet never starts (its
    /// closure is dropped here); a running one finishes unobserved, its
    /// [`Cancel`] flag set.
    fn close(&self) {
        let state = self.state().swap(CLOSED, Ordering::AcqRel);
        match state & STAGE {
            // SAFETY: moving PENDING -> CLOSED gave this caller the closure:
            // no runner can start it any more.
            PENDING => drop(unsafe { (*self.job.get()).take() }),
            // SAFETY: DONE: the runner is done with `result`, the body owns it.
            DONE => drop(unsafe { (*self.result.get()).take() }),
            _ => {}
        }
    }
}

impl<F, T> RunCell for Cell<F, T>
where
    F: FnOnce(&Cancel) -> T + Send,
    T: Send,
{
    fn run(&self) {
        if !self.start() {
            return;
        }
        // SAFETY: `start` moved PENDING -> RUNNING: this caller owns `job`.
        let Some(job) = (unsafe { (*self.job.get()).take() }) else {
            return;
        };
        let result = {
            let _current = Current::enter(&self.cancel);
            catch_unwind(AssertUnwindSafe(|| job(&self.cancel)))
        };
        self.finish(result.map_err(error_of_panic));
    }

    fn fail(&self, error: JobError) {
        if self.start() {
            // SAFETY: as in `run`: this caller owns `job`, and drops it unrun.
            drop(unsafe { (*self.job.get()).take() });
            self.finish(Err(error));
        }
    }

    fn cancel(&self) -> &Cancel {
        &self.cancel
    }
}

/// The body's side of a yielded job: ready with the job's result. Dropped
/// before that (the body stopped waiting), it closes the cell: a job not
/// started then never starts.
pub(crate) struct Waiting<F, T> {
    cell: Arc<Cell<F, T>>,
    /// Set once the result was taken: nothing left to close.
    taken: bool,
}

impl<F, T> Future for Waiting<F, T> {
    type Output = Result<T, JobError>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let result = self.cell.poll_result(cx);
        if result.is_ready() {
            self.taken = true;
        }
        result
    }
}

impl<F, T> Drop for Waiting<F, T> {
    fn drop(&mut self) {
        if !self.taken {
            self.cell.close();
        }
    }
}

/// Runs `job` right here, for a body that waits on this very call (a
/// policy's [`Apply::run_in_place`](crate::Apply::run_in_place)): it is the
/// current job for [`is_cancelled`] meanwhile, its flag is never set (the
/// body cannot go while it runs), and a panic comes back as a [`JobError`].
#[inline]
pub(crate) fn run_here<F, T>(job: F) -> Result<T, JobError>
where
    F: FnOnce(&Cancel) -> T,
{
    let cancel = Cancel {
        state: AtomicU8::new(RUNNING),
    };
    let _current = Current::enter(&cancel);
    catch_unwind(AssertUnwindSafe(|| job(&cancel))).map_err(error_of_panic)
}

/// The error for a job that panicked with `payload`, which is dropped here.
/// Should the payload's own destructor panic, that second payload is leaked
/// (forgotten, not dropped): the body still gets its error, and the runner
/// is not unwound with the job half finished.
fn error_of_panic(payload: Box<dyn core::any::Any + Send>) -> JobError {
    let error = JobError::panicked(&*payload);
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        core::mem::forget(again);
    }
    error
}

/// The cell's state machine raced across threads with no hub in the way, so
/// that `cargo +nightly miri test -p genlet-ythread --lib` checks its
/// `unsafe` for data races and double drops (the behaviour tests in `tests/`
/// need async-io, which Miri cannot run).
#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread;

    use super::{Cancel, Job};

    fn rounds() -> usize {
        if cfg!(miri) { 60 } else { 3_000 }
    }

    /// Counts its drops.
    struct Counted(Arc<AtomicUsize>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A waker that unparks the thread that made it.
    struct Unpark(thread::Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    /// What the policy's thread does with the job.
    #[derive(Clone, Copy, Debug)]
    enum Runner {
        Run,
        Refuse,
        Drop,
    }

    /// What the body does with its side.
    #[derive(Clone, Copy, Debug)]
    enum Body {
        /// Stops waiting at once.
        Leave,
        /// Polls once, then stops waiting.
        PollThenLeave,
        /// Waits for the result.
        Wait,
    }

    /// One round: the job runs (or is refused, or dropped) on another thread
    /// while the body waits or leaves. Returns whether the job ran and what
    /// the body got; checks that the closure's capture and the result were
    /// each dropped exactly once.
    /// A lingering job, once started, runs until its body has left, so that
    /// it finishes after the body closed the cell.
    fn race(
        runner: Runner,
        body: Body,
        linger: bool,
    ) -> (bool, Option<Result<(), super::JobError>>) {
        let drops = Arc::new(AtomicUsize::new(0));
        let runs = Arc::new(AtomicUsize::new(0));
        let (captured, result_drops, counter) =
            (Counted(drops.clone()), drops.clone(), runs.clone());
        let (job, waiting) = Job::new(move |cancel: &Cancel| {
            let _captured = captured;
            counter.fetch_add(1, Ordering::SeqCst);
            while linger && !cancel.is_cancelled() {
                thread::yield_now();
            }
            Counted(result_drops)
        });
        let start = Arc::new(Barrier::new(2));
        let go = start.clone();
        let policy = thread::spawn(move || {
            go.wait();
            match runner {
                Runner::Run => job.run(),
                Runner::Refuse => job.refuse(),
                Runner::Drop => drop(job),
            }
        });
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut waiting = Box::pin(waiting);
        start.wait();
        let got = match body {
            Body::Leave => None,
            Body::PollThenLeave => match waiting.as_mut().poll(&mut cx) {
                Poll::Ready(result) => Some(result.map(drop)),
                Poll::Pending => None,
            },
            Body::Wait => loop {
                match waiting.as_mut().poll(&mut cx) {
                    Poll::Ready(result) => break Some(result.map(drop)),
                    Poll::Pending => thread::park(),
                }
            },
        };
        drop(waiting);
        policy.join().unwrap();
        let ran = match runs.load(Ordering::SeqCst) {
            0 => false,
            1 => true,
            n => panic!("the job ran {n} times"),
        };
        // The capture once, and the result once if the job ran.
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1 + usize::from(ran),
            "{runner:?}, {body:?}"
        );
        (ran, got)
    }

    #[test]
    fn a_job_raced_by_its_body_runs_at_most_once_and_drops_everything_once() {
        let runners = [Runner::Run, Runner::Refuse, Runner::Drop];
        let bodies = [Body::Leave, Body::PollThenLeave, Body::Wait];
        for round in 0..rounds() {
            let (runner, body) = (runners[round % 3], bodies[round / 3 % 3]);
            let linger = round / 9 % 2 == 1 && !matches!(body, Body::Wait);
            let (ran, got) = race(runner, body, linger);
            match (runner, got) {
                (_, None) => assert!(!matches!(body, Body::Wait)),
                (Runner::Run, Some(result)) => {
                    assert!(ran);
                    assert!(result.is_ok());
                }
                (Runner::Refuse, Some(result)) => {
                    assert!(!ran);
                    assert!(result.unwrap_err().is_refused());
                }
                (Runner::Drop, Some(result)) => {
                    assert!(!ran);
                    assert!(result.unwrap_err().is_lost());
                }
            }
            if matches!(runner, Runner::Refuse | Runner::Drop) {
                assert!(!ran);
            }
        }
    }

    #[test]
    fn a_running_job_sees_its_body_leave() {
        for _round in 0..rounds() / 10 {
            let (job, waiting) = Job::new(|cancel: &Cancel| {
                while !cancel.is_cancelled() {
                    thread::yield_now();
                }
                "stopped"
            });
            let started = Arc::new(Barrier::new(2));
            let seen = started.clone();
            let policy = thread::spawn(move || {
                seen.wait();
                job.run();
            });
            started.wait();
            // Whether or not the job started yet, it never runs for nobody:
            // started, it sees the flag; not started, it never starts.
            drop(waiting);
            policy.join().unwrap();
        }
    }
}
