//! Time limits: [`timeout`] for one future, [`with_timeout`] with a fallback
//! value, and [`Timeout`], one deadline over several steps.
//!
//! A timeout is a typed `Err(Elapsed)`, never a panic or an error of the
//! future's own kind, so a catch-all on the future's errors cannot swallow
//! it (gevent's `Timeout` slips past `except Exception`, #838).
//!
//! Inside a hub, deadlines have the hub timer's 1 ms resolution, rounded up
//! (see `genlet_reactor::Sleep`): two deadlines less than a millisecond
//! apart may fire in the same turn, so of two nested timeouts that close
//! together the inner one can be the one that reports `Elapsed`.

use core::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::err::Elapsed;

pub use genlet_reactor::timeout;

/// Runs `future` for at most `duration`; its output, or `fallback` when time
/// ran out (gevent's `with_timeout(seconds, fn, timeout_value=…)`). The
/// future is dropped (its destructors run) before this returns.
///
/// # Cancel safety
///
/// As cancel-safe as `future`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let answer = genlet::run(genlet::with_timeout(
///     Duration::from_millis(5),
///     async {
///         genlet::sleep(Duration::from_secs(60)).await;
///         "fresh"
///     },
///     "cached",
/// ));
/// assert_eq!(answer, "cached");
/// ```
pub async fn with_timeout<T>(
    duration: Duration,
    future: impl Future<Output = T>,
    fallback: T,
) -> T {
    timeout(duration, future).await.unwrap_or(fallback)
}

/// One deadline shared by several steps, like a trio cancel scope or
/// gevent's `Timeout.start_new`: each [`run`](Timeout::run) gets only the
/// time left, and [`cancel`](Timeout::cancel) lifts the limit, also for the
/// steps running at that moment. Clones share the deadline.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let budget = genlet::Timeout::after(Duration::from_millis(30));
///     assert_eq!(budget.run(async { 1 }).await, Ok(1));
///     let late = budget.run(genlet::sleep(Duration::from_secs(60))).await;
///     assert!(late.is_err());
///     assert!(budget.is_expired());
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Timeout {
    shared: Arc<Deadline>,
}

#[derive(Debug)]
struct Deadline {
    /// `None`: further away than an `Instant` can hold, so never.
    at: Option<Instant>,
    cancelled: AtomicBool,
}

impl Timeout {
    fn with(at: Option<Instant>) -> Self {
        Timeout {
            shared: Arc::new(Deadline {
                at,
                cancelled: AtomicBool::new(false),
            }),
        }
    }

    /// A deadline `duration` from now, started at once. A duration too
    /// long for an `Instant` to hold (`Duration::MAX`) means no limit.
    ///
    /// # Examples
    ///
    /// See [`Timeout`].
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let forever = genlet::Timeout::after(Duration::MAX);
    /// assert!(!forever.is_expired());
    /// assert_eq!(forever.remaining(), Duration::MAX);
    /// ```
    pub fn after(duration: Duration) -> Self {
        Timeout::with(Instant::now().checked_add(duration))
    }

    /// A deadline at `deadline`.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = genlet::Timeout::at(std::time::Instant::now());
    /// assert!(t.is_expired());
    /// ```
    pub fn at(deadline: Instant) -> Self {
        Timeout::with(Some(deadline))
    }

    /// Lifts the limit: no step fails with it from now on, including the
    /// ones running now (gevent's `Timeout.cancel`). A timeout cancelled
    /// before it fires never fires.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let limit = genlet::Timeout::after(Duration::from_millis(5));
    ///     let l = limit.clone();
    ///     let step = genlet::spawn(async move {
    ///         l.run(genlet::sleep(Duration::from_millis(50))).await
    ///     });
    ///     limit.cancel(); // before it fires
    ///     assert!(step.await.unwrap().is_ok());
    ///     assert!(!limit.is_pending());
    /// });
    /// ```
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::SeqCst);
    }

    /// True while the limit holds: not cancelled, not expired (gevent's
    /// `pending`).
    ///
    /// # Examples
    ///
    /// ```
    /// let t = genlet::Timeout::after(std::time::Duration::from_secs(60));
    /// assert!(t.is_pending());
    /// t.cancel();
    /// assert!(!t.is_pending());
    /// ```
    pub fn is_pending(&self) -> bool {
        !self.is_cancelled() && !self.is_expired()
    }

    fn is_cancelled(&self) -> bool {
        self.shared.cancelled.load(Ordering::SeqCst)
    }

    /// The time left (zero once expired, `Duration::MAX` without a limit or
    /// once cancelled).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// assert!(genlet::Timeout::after(Duration::from_secs(60)).remaining() > Duration::from_secs(59));
    /// ```
    pub fn remaining(&self) -> Duration {
        match self.shared.at {
            Some(_) if self.is_cancelled() => Duration::MAX,
            Some(deadline) => deadline.saturating_duration_since(Instant::now()),
            None => Duration::MAX,
        }
    }

    /// True once the deadline passed (and it was not cancelled).
    ///
    /// # Examples
    ///
    /// See [`Timeout`].
    pub fn is_expired(&self) -> bool {
        !self.is_cancelled()
            && self
                .shared
                .at
                .is_some_and(|deadline| Instant::now() >= deadline)
    }

    /// Runs `future` until the deadline (or without a limit once
    /// cancelled).
    ///
    /// # Errors
    ///
    /// [`Elapsed`] when the deadline came first; the future is dropped.
    ///
    /// # Cancel safety
    ///
    /// As cancel-safe as `future`.
    ///
    /// # Examples
    ///
    /// See [`Timeout`].
    pub async fn run<T>(&self, future: impl Future<Output = T>) -> Result<T, Elapsed> {
        let mut future = core::pin::pin!(future);
        if self.shared.at.is_none() || self.is_cancelled() {
            return Ok(future.await);
        }
        match timeout(self.remaining(), future.as_mut()).await {
            Ok(value) => Ok(value),
            // Cancelled while it ran: the limit is gone, the step goes on.
            Err(_) if self.is_cancelled() => Ok(future.await),
            Err(elapsed) => Err(elapsed),
        }
    }
}
