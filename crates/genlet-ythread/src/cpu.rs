//! [`Cpu`]: the handle a body hands its CPU work over with, and [`Driving`],
//! the mark by which it finds its policy while [`drive`](crate::drive)
//! polls it.

use core::fmt;
use core::future::Future;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};

use crate::apply::Apply;
use crate::err::JobError;
use crate::job::{self, Cancel, Job, Waiting};

thread_local! {
    /// The `drive` call whose body this thread is polling, and its policy.
    static DRIVING: core::cell::Cell<Option<(u64, NonNull<dyn Apply>)>> =
        const { core::cell::Cell::new(None) };
}

/// Lets a body's [`Cpu`] reach its policy while [`drive`](crate::drive)
/// polls the body: [`Cpu::run`] hands its job over right there, inside the
/// poll.
pub(crate) struct Driving(Option<(u64, NonNull<dyn Apply>)>);

/// What handing a job over gave: its result at once (the policy ran it in
/// place, or dropped it), or the wait for it.
enum HandedOver<F, T> {
    Done(Result<T, JobError>),
    Wait(Waiting<F, T>),
}

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
        // pointer is dereferenced only in `hand_over`, while this guard
        // lives (it restores the previous value on drop), and `apply` is
        // borrowed for the guard's whole life.
        let apply: NonNull<dyn Apply> = unsafe {
            core::mem::transmute::<NonNull<dyn Apply + '_>, NonNull<dyn Apply + 'static>>(
                NonNull::from(apply),
            )
        };
        Driving(DRIVING.replace(Some((id, apply))))
    }

    /// Hands `job` to the policy of drive `driver`: runs it in place if the
    /// policy does ([`Apply::run_in_place`]), else gives it to
    /// [`Apply::apply`] and returns the wait for its result.
    ///
    /// The mark is cleared while the policy runs, so a job that uses a
    /// `Cpu` itself panics (into a [`JobError`]) instead of re-entering the
    /// policy, which for [`Exclusive`](crate::Exclusive) would deadlock.
    ///
    /// # Panics
    ///
    /// When this thread is not polling the body of drive `driver`.
    fn hand_over<F, T>(driver: u64, job: F) -> HandedOver<F, T>
    where
        F: FnOnce(&Cancel) -> T + Send + 'static,
        T: Send + 'static,
    {
        let apply = match DRIVING.get() {
            Some((id, apply)) if id == driver => apply,
            _ => used_outside_its_body(),
        };
        let _cleared = Driving(DRIVING.replace(None));
        // SAFETY: `DRIVING` held `apply` (until the line above) only while a
        // `Driving` guard of this thread lives, which borrows it (see
        // `enter`); that guard covers the poll of the body this synchronous
        // call is part of, so it outlives `_cleared` and this call.
        let apply = unsafe { apply.as_ref() };
        let mut job = Some(job);
        let mut result = None;
        let ran = apply.run_in_place(&mut || {
            if let Some(job) = job.take() {
                // The body waits right here: it cannot go while this runs.
                result = Some(job::run_here(job));
            }
        });
        if ran {
            return HandedOver::Done(result.unwrap_or_else(|| Err(JobError::lost())));
        }
        let Some(job) = job else {
            // The policy called the job in place, yet said it did not.
            return HandedOver::Done(result.unwrap_or_else(|| Err(JobError::lost())));
        };
        let (job, waiting) = Job::new(job);
        apply.apply(job);
        HandedOver::Wait(waiting)
    }
}

#[cold]
#[inline(never)]
fn used_outside_its_body() -> ! {
    panic!(
        "genlet-ythread: a `Cpu` was used outside the body it was given to (in a task \
         the body spawned, inside a job, or in another drive's body); await `cpu.run` \
         in that body"
    )
}

impl Drop for Driving {
    fn drop(&mut self) {
        DRIVING.set(self.0);
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
    /// The `drive` call this body runs under (see [`Driving`]).
    driver: u64,
}

impl fmt::Debug for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cpu").finish_non_exhaustive()
    }
}

impl Cpu {
    pub(crate) fn new(driver: u64) -> Self {
        Cpu { driver }
    }

    /// Hands `job` to the apply policy and waits for its result: what
    /// Python's `result = yield sumn, (n,)` does in the post. The hand-over
    /// happens when the future is first polled; it is a future like any
    /// other, so several may be awaited at once (`join`) or raced
    /// (`select`, a timeout).
    ///
    /// # Errors
    ///
    /// A [`JobError`] when the job panicked (naming the panic message) or the
    /// policy dropped it unrun. The policy's threads are unharmed either way.
    ///
    /// # Panics
    ///
    /// When awaited outside the body this handle was given to (in a task it
    /// spawned, inside a job, in another `drive`'s body): there is no policy
    /// to hand the job to.
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
        let driver = self.driver;
        async move {
            // Handed over at the first poll, inside the body's. Dropped
            // before it is ready (the body stopped waiting), the wait closes
            // the job: one not started then never starts.
            match Driving::hand_over(driver, job) {
                HandedOver::Done(result) => result,
                HandedOver::Wait(waiting) => waiting.await,
            }
        }
    }
}
