//! The error of a job that gave no value.

use core::fmt;
use std::any::Any;

/// Why a job yielded with [`Cpu::run`](crate::Cpu::run) gave no value: it
/// panicked, the apply policy refused it (a full [`ThreadPool`](crate::ThreadPool)
/// queue), or the policy dropped it without running it.
///
/// # Examples
///
/// ```
/// use genlet_ythread::{Inline, YieldableThread};
///
/// let thread = YieldableThread::spawn(
///     |cpu| async move { cpu.run(|| -> u32 { panic!("bad input") }).await },
///     Inline,
/// )?;
/// let err = thread.join().unwrap().unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(err.panic_message(), Some("bad input"));
/// assert_eq!(err.to_string(), "job panicked: bad input");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct JobError {
    kind: Kind,
}

#[derive(Clone, PartialEq, Eq)]
enum Kind {
    Panicked(String),
    Refused,
    Lost,
}

impl JobError {
    pub(crate) fn panicked(payload: &(dyn Any + Send)) -> Self {
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "<a panic payload that is not a string>".to_owned()
        };
        JobError {
            kind: Kind::Panicked(message),
        }
    }

    pub(crate) const fn lost() -> Self {
        JobError { kind: Kind::Lost }
    }

    pub(crate) const fn refused() -> Self {
        JobError {
            kind: Kind::Refused,
        }
    }

    /// True when the job panicked.
    ///
    /// # Examples
    ///
    /// See [`JobError`].
    pub fn is_panic(&self) -> bool {
        matches!(self.kind, Kind::Panicked(_))
    }

    /// True when the apply policy dropped the job without running it (a user
    /// policy that shut down, say). The built-in policies never do.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Apply, Job, YieldableThread};
    ///
    /// /// A policy that refuses every job.
    /// struct Refuse;
    /// impl Apply for Refuse {
    ///     fn apply(&self, job: Job) {
    ///         drop(job);
    ///     }
    /// }
    ///
    /// let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, Refuse)?;
    /// assert!(thread.join().unwrap().unwrap_err().is_lost());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_lost(&self) -> bool {
        matches!(self.kind, Kind::Lost)
    }

    /// True when the apply policy refused the job without running it, to
    /// shed load: a [`ThreadPool`](crate::ThreadPool) whose queue was full, or a policy
    /// calling [`Job::refuse`](crate::Job::refuse). The job never ran; the
    /// caller may answer "busy" or try again later.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Apply, Job, YieldableThread};
    ///
    /// struct Busy;
    /// impl Apply for Busy {
    ///     fn apply(&self, job: Job) {
    ///         job.refuse();
    ///     }
    /// }
    ///
    /// let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| 1).await }, Busy)?;
    /// let err = thread.join().unwrap().unwrap_err();
    /// assert!(err.is_refused() && !err.is_lost() && !err.is_panic());
    /// assert_eq!(err.to_string(), "job refused by its apply policy: overloaded");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_refused(&self) -> bool {
        matches!(self.kind, Kind::Refused)
    }

    /// The panic's message, when the job panicked with a string (as `panic!`
    /// and `expect` do).
    ///
    /// # Examples
    ///
    /// See [`JobError`].
    pub fn panic_message(&self) -> Option<&str> {
        match &self.kind {
            Kind::Panicked(message) => Some(message),
            Kind::Refused | Kind::Lost => None,
        }
    }
}

impl fmt::Debug for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Panicked(message) => f.debug_tuple("JobError::Panicked").field(message).finish(),
            Kind::Refused => f.write_str("JobError::Refused"),
            Kind::Lost => f.write_str("JobError::Lost"),
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Panicked(message) => write!(f, "job panicked: {message}"),
            Kind::Refused => f.write_str("job refused by its apply policy: overloaded"),
            Kind::Lost => f.write_str("job dropped by its apply policy without running"),
        }
    }
}

impl std::error::Error for JobError {}
