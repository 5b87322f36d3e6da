//! Time limits: [`timeout`] for one future, [`with_timeout`] with a fallback
//! value, and [`Timeout`], one deadline over several steps.
//!
//! A timeout is a typed `Err(Elapsed)`, never a panic or an error of the
//! future's own kind, so a catch-all on the future's errors cannot swallow
//! it (gevent's `Timeout` slips past `except Exception`, #838).

use core::future::Future;
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

/// One deadline shared by several steps, like a trio cancel scope: each
/// [`run`](Timeout::run) gets only the time left.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout {
    /// `None`: further away than an `Instant` can hold, so never.
    deadline: Option<Instant>,
}

impl Timeout {
    /// A deadline `duration` from now. A duration too long for an
    /// `Instant` to hold (`Duration::MAX`) means no limit.
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
        Timeout {
            deadline: Instant::now().checked_add(duration),
        }
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
        Timeout {
            deadline: Some(deadline),
        }
    }

    /// The time left (zero once expired, `Duration::MAX` without a limit).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// assert!(genlet::Timeout::after(Duration::from_secs(60)).remaining() > Duration::from_secs(59));
    /// ```
    pub fn remaining(&self) -> Duration {
        match self.deadline {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()),
            None => Duration::MAX,
        }
    }

    /// True once the deadline passed.
    ///
    /// # Examples
    ///
    /// See [`Timeout`].
    pub fn is_expired(&self) -> bool {
        self.deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
    }

    /// Runs `future` until the deadline.
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
        match self.deadline {
            Some(_) => timeout(self.remaining(), future).await,
            None => Ok(future.await),
        }
    }
}
