//! Jobs: the CPU work a body yields, and the handle it yields them with.
//!
//! A job is one allocation: a cell holding the closure, then its result. The
//! body keeps a typed reference to the cell and waits on it; the apply policy
//! gets the same cell as an untyped [`Job`] and runs it. No `Any`, no
//! downcast: the result goes straight into the cell the body reads.

use core::cell::UnsafeCell;
use core::fmt;
use core::future::{Future, poll_fn};
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use core::task::{Context, Poll, Waker};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};

use genlet_coro::Co;

use crate::apply::Apply;
use crate::err::JobError;

/// One piece of CPU work yielded by a body, handed to an
/// [`Apply`](crate::Apply) policy to run.
///
/// A policy must eventually [`run`](Job::run) the job or drop it. Dropping it
/// unrun is not silent: the body's [`Cpu::run`] returns an error for which
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
    /// dropped and the body's [`Cpu::run`] returns an error for which
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
/// A job gets it as the argument of [`Cpu::run_cancellable`]; any job (one
/// given to [`Cpu::run`] too) can also ask [`is_cancelled`](crate::is_cancelled).
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

/// True when called inside a job (given to [`Cpu::run`] or
/// [`Cpu::run_cancellable`], under any policy) whose body has stopped
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
        self.finish(result.map_err(|p| JobError::panicked(&*p)));
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

thread_local! {
    /// The `drive` call whose body this thread is polling, and its policy.
    static DRIVING: core::cell::Cell<Option<(u64, NonNull<dyn Apply>)>> =
        const { core::cell::Cell::new(None) };
}

/// Lets a body's [`Cpu`] reach its policy while [`drive`](crate::drive)
/// polls the body, so a policy that runs jobs in place
/// ([`Apply::run_in_place`]) runs them without a yield or an allocation.
pub(crate) struct Driving(Option<(u64, NonNull<dyn Apply>)>);

impl Driving {
    /// An id for one `drive` call, unique in the process.
    pub(crate) fn new_id() -> u64 {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }

    /// Marks `apply` as the policy of drive `id` until the guard drops (at
    /// the end of one poll of the body, unwinding included).
    pub(crate) fn enter(id: u64, apply: &dyn Apply) -> Self {
        // SAFETY: only the lifetime is erased, the pointer is unchanged. The
        // pointer is dereferenced only in `run_in_place`, while this guard
        // lives (it restores the previous value on drop), and `apply` is
        // borrowed for the guard's whole life.
        let apply: NonNull<dyn Apply> = unsafe {
            core::mem::transmute::<NonNull<dyn Apply + '_>, NonNull<dyn Apply + 'static>>(
                NonNull::from(apply),
            )
        };
        Driving(DRIVING.replace(Some((id, apply))))
    }

    /// Runs `job` through the policy of drive `driver`, if this thread is
    /// polling that drive's body and the policy runs jobs in place. `None`
    /// when the job must be yielded instead (then `job` is still there,
    /// unless the policy took it and gave no result).
    #[inline]
    fn run_in_place<F, T>(driver: u64, job: &mut Option<F>) -> Option<Result<T, JobError>>
    where
        F: FnOnce(&Cancel) -> T,
    {
        let (id, apply) = DRIVING.get()?;
        if id != driver {
            return None;
        }
        let mut result = None;
        let mut run = || {
            if let Some(job) = job.take() {
                // The body waits right here: it cannot go while this runs.
                let cancel = Cancel {
                    state: AtomicU8::new(RUNNING),
                };
                let _current = Current::enter(&cancel);
                result = Some(
                    catch_unwind(AssertUnwindSafe(|| job(&cancel)))
                        .map_err(|p| JobError::panicked(&*p)),
                );
            }
        };
        // SAFETY: `DRIVING` holds `apply` only while a `Driving` guard of
        // this thread lives, which borrows it (see `enter`); this call is
        // synchronous, inside the poll of the body that guard covers.
        let ran = unsafe { apply.as_ref() }.run_in_place(&mut run);
        match result {
            Some(result) => Some(result),
            None if ran => Some(Err(JobError::lost())),
            None => None,
        }
    }
}

impl Drop for Driving {
    fn drop(&mut self) {
        DRIVING.set(self.0);
    }
}

/// Closes the cell if the body stops waiting before it took the result.
struct CloseOnDrop<'a, F, T>(Option<&'a Cell<F, T>>);

impl<F, T> Drop for CloseOnDrop<'_, F, T> {
    fn drop(&mut self) {
        if let Some(cell) = self.0 {
            cell.close();
        }
    }
}

/// The handle a body yields its CPU work with.
///
/// A body receives one when it starts, from
/// [`YieldableThread::spawn`](crate::YieldableThread::spawn) or
/// [`drive`](crate::drive). It is `Copy`; use it only inside that body.
///
/// # Examples
///
/// ```
/// use genlet_ythread::{ThreadPool, YieldableThread};
///
/// fn sumn(n: u64) -> u64 {
///     (1..=n).sum()
/// }
///
/// let thread = YieldableThread::spawn(
///     |cpu| async move { cpu.run(move || sumn(1000)).await },
///     ThreadPool::new(),
/// )?;
/// assert_eq!(thread.join().unwrap(), Ok(500_500));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Cpu {
    co: Co<Job>,
    /// The `drive` call this body runs under (see [`Driving`]).
    driver: u64,
}

impl fmt::Debug for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cpu").finish_non_exhaustive()
    }
}

impl Cpu {
    pub(crate) fn new(co: Co<Job>, driver: u64) -> Self {
        Cpu { co, driver }
    }

    /// Yields `job` to the apply policy and waits for its result: what
    /// Python's `result = yield sumn, (n,)` does in the post.
    ///
    /// # Errors
    ///
    /// A [`JobError`] when the job panicked (naming the panic message) or the
    /// policy dropped it unrun. The policy's threads are unharmed either way.
    ///
    /// # Panics
    ///
    /// When awaited outside the body this handle was given to (in a task it
    /// spawned, say): the yield has no generator to go to.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future (the task running the body was cancelled, or a
    /// timeout fired) before the job started means it never starts: its
    /// closure is dropped, under every policy (one waiting in a
    /// [`ThreadPool`](crate::ThreadPool)'s queue included). A job already running
    /// finishes, and its result is dropped; meanwhile
    /// [`is_cancelled`](crate::is_cancelled) is true inside it, so a long job
    /// can stop early (see also [`run_cancellable`](Cpu::run_cancellable)).
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Inline, YieldableThread};
    ///
    /// let thread = YieldableThread::spawn(
    ///     |cpu| async move {
    ///         let a = cpu.run(|| 6).await?;
    ///         let b = cpu.run(move || a * 7).await?;
    ///         Ok::<_, genlet_ythread::JobError>(b)
    ///     },
    ///     Inline,
    /// )?;
    /// assert_eq!(thread.join().unwrap(), Ok(42));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn run<F, T>(&self, job: F) -> impl Future<Output = Result<T, JobError>> + Send + use<F, T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.run_cancellable(move |_: &Cancel| job())
    }

    /// As [`run`](Cpu::run), for a job that stops early once nobody waits for
    /// its result: it gets the [`Cancel`] flag its body sets by going away
    /// (the task was cancelled, its greenlet killed, a timeout fired).
    ///
    /// # Errors
    ///
    /// As [`run`](Cpu::run).
    ///
    /// # Panics
    ///
    /// As [`run`](Cpu::run).
    ///
    /// # Cancel safety
    ///
    /// As [`run`](Cpu::run); a job already running sees
    /// [`Cancel::is_cancelled`] turn true.
    ///
    /// # Examples
    ///
    /// A search that gives up when its caller has gone; here the caller
    /// times out after 20 ms, and the job stops soon after:
    ///
    /// ```
    /// use std::time::Duration;
    /// use genlet_reactor::{Hub, timeout};
    /// use genlet_ythread::{drive, ThreadPool};
    ///
    /// let hub = Hub::builder().workers(1).build()?;
    /// let (report, stopped) = std::sync::mpsc::channel();
    /// let task = hub.spawn(async move {
    ///     let search = drive(
    ///         move |cpu| async move {
    ///             cpu.run_cancellable(move |cancel| {
    ///                 let mut tries = 0u64;
    ///                 while !cancel.is_cancelled() {
    ///                     tries += 1; // look for something that is not there
    ///                     std::thread::sleep(Duration::from_millis(1));
    ///                 }
    ///                 report.send(tries).unwrap();
    ///             })
    ///             .await
    ///         },
    ///         ThreadPool::new(),
    ///     );
    ///     timeout(Duration::from_millis(20), search).await
    /// });
    /// assert!(hub.block_on(task).is_err()); // timed out
    /// assert!(stopped.recv().unwrap() > 0); // and the job stopped
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn run_cancellable<F, T>(
        &self,
        job: F,
    ) -> impl Future<Output = Result<T, JobError>> + Send + use<F, T>
    where
        F: FnOnce(&Cancel) -> T + Send + 'static,
        T: Send + 'static,
    {
        let (co, driver) = (self.co, self.driver);
        async move {
            let mut job = Some(job);
            if let Some(result) = Driving::run_in_place(driver, &mut job) {
                return result;
            }
            let Some(job) = job else {
                // The policy took the job in place but gave no result.
                return Err(JobError::lost());
            };
            let cell = Arc::new(Cell::new(job));
            let mut close = CloseOnDrop(Some(&cell));
            let untyped: Arc<dyn RunCell> = cell.clone();
            co.yield_(Job {
                cell: Some(untyped),
            })
            .await;
            let result = poll_fn(|cx| cell.poll_result(cx)).await;
            // Taken: nothing left to close.
            close.0 = None;
            result
        }
    }
}
