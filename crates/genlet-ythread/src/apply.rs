//! Apply policies: who runs the jobs a body yields. [`Inline`] and
//! [`Exclusive`] here, [`ThreadPool`](crate::ThreadPool) in `pool.rs`, and the [`Apply`]
//! trait for the user's own.

use std::sync::{Arc, Condvar, Mutex};

use crate::job::Job;

/// Runs the jobs that bodies yield: the post's `cpu_apply` argument.
///
/// `apply` is called on the thread that drives the body (the yieldable
/// thread, or the executor's worker for [`drive`](crate::drive)), inside the
/// body's poll, when the body first polls its [`Cpu::run`](crate::Cpu::run).
/// It may run the job right there, or hand it elsewhere and return at once;
/// the body waits for the result either way. A body may have several jobs
/// handed over at once (`join`), and stop waiting for one (a timeout,
/// `select`) like for any future. It must
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
    /// asks this first, from inside the body: a job run here costs no
    /// allocation and no [`Job`].
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
/// across every thread sharing this policy (clones share it), first come
/// first served: the post's `exclusive_apply`, which stops CPU-bound threads
/// fighting over cores.
///
/// # Panics
///
/// A job that asks the same `Exclusive` for another turn while it runs, on
/// its own thread (it drives a body of its own under it, directly or under
/// policies that run jobs in place), would wait for itself: that job panics
/// instead, and its body gets the [`JobError`](crate::JobError).
///
/// A turn asked for on *another* thread on the job's behalf (the job waits
/// for a body whose step a [`ThreadPool`](crate::ThreadPool) thread runs
/// under the same `Exclusive`, or joins a thread that asks for a turn)
/// cannot be told from any other thread's: it waits for the job, which
/// waits for it, a deadlock as with a re-entered mutex. Do not wait, inside
/// an `Exclusive` job, for work that needs the same `Exclusive`.
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
    turns: Arc<Turns>,
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
        let _turn = self.turns.take();
        job.run();
    }

    fn run_in_place(&self, job: &mut dyn FnMut()) -> bool {
        let _turn = self.turns.take();
        job();
        true
    }
}

/// A lock served in the order it was asked for (a ticket lock). With a
/// plain mutex, the thread that just unlocked can take it again before a
/// woken waiter gets to, so a thread running jobs back to back kept the
/// others waiting for seconds.
#[derive(Debug, Default)]
struct Turns {
    state: Mutex<TurnState>,
    next_up: Condvar,
}

#[derive(Debug, Default)]
struct TurnState {
    /// The ticket the next caller gets.
    next: u64,
    /// The ticket whose turn it is.
    serving: u64,
    /// How many callers wait for their turn.
    waiting: usize,
}

/// One turn of [`Turns`]: the next ticket is served when it drops
/// (unwinding included: jobs run in place may panic).
struct Turn<'a>(&'a Turns);

impl Turns {
    fn lock(&self) -> std::sync::MutexGuard<'_, TurnState> {
        // Nothing panics while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for this caller's turn.
    fn take(&self) -> Turn<'_> {
        if HELD.with_borrow(|held| held.contains(&core::ptr::from_ref(self))) {
            asked_for_a_second_turn();
        }
        let mut state = self.lock();
        let ticket = state.next;
        state.next += 1;
        if ticket != state.serving {
            state.waiting += 1;
            while ticket != state.serving {
                state = self.next_up.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            state.waiting -= 1;
        }
        HELD.with_borrow_mut(|held| held.push(self));
        Turn(self)
    }
}

thread_local! {
    /// The [`Turns`] whose turns this thread holds, innermost last (a job
    /// under one may drive a body under another).
    static HELD: core::cell::RefCell<Vec<*const Turns>> = const { core::cell::RefCell::new(Vec::new()) };
}

#[cold]
#[inline(never)]
fn asked_for_a_second_turn() -> ! {
    panic!(
        "genlet-ythread: a job running under `Exclusive` asked the same `Exclusive` for \
         another turn (it drives a body under it); it would wait for itself"
    )
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        // Turns are taken and given back in nested order: this is the last.
        HELD.with_borrow_mut(Vec::pop);
        let mut state = self.0.lock();
        state.serving += 1;
        let anyone = state.waiting > 0;
        drop(state);
        if anyone {
            self.0.next_up.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::Turns;

    /// Waits (a minute at most) until `turns` has `n` callers waiting.
    fn until_waiting(turns: &Turns, n: usize) {
        for _ in 0..60_000 {
            if turns.lock().waiting == n {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        panic!("{n} callers never waited");
    }

    #[test]
    fn turns_are_served_in_the_order_they_were_asked_for() {
        for _round in 0..50 {
            let turns = Arc::new(Turns::default());
            let order = Arc::new(Mutex::new(Vec::new()));
            let held = turns.take();
            let mut threads = Vec::new();
            for id in 0..4 {
                let (asker, order) = (turns.clone(), order.clone());
                threads.push(std::thread::spawn(move || {
                    let _turn = asker.take();
                    order.lock().unwrap().push(id);
                }));
                // The next one asks only once this one waits.
                until_waiting(&turns, id + 1);
            }
            drop(held);
            for thread in threads {
                thread.join().unwrap();
            }
            assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
        }
    }

    #[test]
    fn a_turn_held_by_this_thread_cannot_be_asked_for_again() {
        let turns = Turns::default();
        let _held = turns.take();
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(turns.take())));
        assert!(again.is_err());
    }
}
