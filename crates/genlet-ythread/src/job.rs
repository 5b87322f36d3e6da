//! Jobs: the CPU work a body yields, and the handle it yields them with.
//!
//! A job is one allocation: a cell holding the closure, then its result. The
//! body keeps a typed reference to the cell and waits on it; the apply policy
//! gets the same cell as an untyped [`Job`] and runs it. No `Any`, no
//! downcast: the result goes straight into the cell the body reads.

use core::fmt;
use core::future::{Future, poll_fn};
use core::task::{Context, Poll, Waker};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};

use genlet_coro::Co;

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
    /// (cancelled before the job started) does nothing.
    ///
    /// # Examples
    ///
    /// See [`Job`].
    pub fn run(mut self) {
        if let Some(cell) = self.cell.take() {
            cell.run();
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(cell) = self.cell.take() {
            cell.abandon();
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
    fn run(&self);
    fn abandon(&self);
}

enum State<F, T> {
    /// Yielded, not started; the body's waker once it waits.
    Pending(F, Option<Waker>),
    Running(Option<Waker>),
    Done(Result<T, JobError>),
    /// The result went to the body, or nobody waits for it any more.
    Closed,
}

/// A job's closure, then its result. Each step (start, finish, take) is one
/// uncontended lock; the body waits through its waker, kept in the state.
struct Cell<F, T> {
    state: Mutex<State<F, T>>,
}

impl<F, T> Cell<F, T> {
    fn lock(&self) -> MutexGuard<'_, State<F, T>> {
        // Jobs run outside the lock and their panics are caught: a poisoned
        // lock only means some other panic unwound through a guard.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores the result and wakes the body, unless it stopped waiting.
    fn finish(&self, result: Result<T, JobError>) {
        let waker = {
            let mut state = self.lock();
            let waker = match &mut *state {
                State::Closed => return,
                State::Pending(_, waker) | State::Running(waker) => waker.take(),
                State::Done(_) => None,
            };
            *state = State::Done(result);
            waker
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Ready with the result once there is one; until then keeps `cx`'s waker.
    fn poll_result(&self, cx: &mut Context<'_>) -> Poll<Result<T, JobError>> {
        let mut state = self.lock();
        let waker = match &mut *state {
            State::Done(_) => match core::mem::replace(&mut *state, State::Closed) {
                State::Done(result) => return Poll::Ready(result),
                _ => unreachable!("matched Done above"),
            },
            State::Pending(_, waker) | State::Running(waker) => waker,
            // Only the body closes the cell, and it does not poll after.
            State::Closed => return Poll::Ready(Err(JobError::lost())),
        };
        if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }

    /// The body stopped waiting: a job not started yet never starts (its
    /// closure is dropped here); a running one finishes unobserved.
    fn close(&self) {
        let old = core::mem::replace(&mut *self.lock(), State::Closed);
        drop(old);
    }
}

impl<F, T> RunCell for Cell<F, T>
where
    F: FnOnce() -> T + Send,
    T: Send,
{
    fn run(&self) {
        let job = {
            let mut state = self.lock();
            match core::mem::replace(&mut *state, State::Closed) {
                State::Pending(job, waker) => {
                    *state = State::Running(waker);
                    job
                }
                other => {
                    *state = other;
                    return;
                }
            }
        };
        let result = catch_unwind(AssertUnwindSafe(job)).map_err(|p| JobError::panicked(&*p));
        self.finish(result);
    }

    fn abandon(&self) {
        let pending = matches!(*self.lock(), State::Pending(..));
        if pending {
            self.finish(Err(JobError::lost()));
        }
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
/// use genlet_ythread::{Pool, YieldableThread};
///
/// fn sumn(n: u64) -> u64 {
///     (1..=n).sum()
/// }
///
/// let thread = YieldableThread::spawn(
///     |cpu| async move { cpu.run(move || sumn(1000)).await },
///     Pool::new(),
/// )?;
/// assert_eq!(thread.join().unwrap(), Ok(500_500));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Cpu {
    co: Co<Job>,
}

impl fmt::Debug for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cpu").finish_non_exhaustive()
    }
}

impl Cpu {
    pub(crate) fn new(co: Co<Job>) -> Self {
        Cpu { co }
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
    /// closure is dropped. A job already running finishes, and its result is
    /// dropped.
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
        let co = self.co;
        async move {
            let cell = Arc::new(Cell {
                state: Mutex::new(State::Pending(job, None)),
            });
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
