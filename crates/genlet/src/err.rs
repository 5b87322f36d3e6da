//! The facade's error types: [`TaskError`] (why a greenlet gave no value),
//! [`GetError`], and the errors of the synchronisation primitives.

use core::fmt;
use std::any::Any;
use std::sync::{Arc, Mutex};

pub use genlet_reactor::Elapsed;

/// Why a greenlet gave no value: it panicked, or it was killed (by
/// [`Greenlet::kill`](crate::Greenlet::kill), by a [`Group`](crate::Group)
/// that was dropped, or by its hub shutting down). Like tokio's `JoinError`.
///
/// # Examples
///
/// ```
/// let err = genlet::run(async {
///     genlet::task().name("parser").spawn(async { panic!("bad byte") }).join().await
/// })
/// .unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(err.name(), "parser");
/// assert_eq!(err.to_string(), "greenlet 'parser' panicked: bad byte");
/// ```
pub struct TaskError {
    name: Arc<str>,
    kind: Kind,
}

enum Kind {
    Panic {
        /// The payload's text when it is a `&str` or a `String`.
        message: Option<String>,
        /// In a mutex only to make the error `Sync` (so that it converts
        /// into `io::Error`, `anyhow::Error` and the like); never locked
        /// but to take it out.
        payload: Mutex<Box<dyn Any + Send + 'static>>,
    },
    Cancelled {
        /// The reason given to `kill_with`, if any.
        reason: Option<Arc<str>>,
    },
}

impl TaskError {
    pub(crate) fn panic(name: Arc<str>, payload: Box<dyn Any + Send + 'static>) -> Self {
        let message = payload_text(&*payload);
        TaskError {
            name,
            kind: Kind::Panic {
                message,
                payload: Mutex::new(payload),
            },
        }
    }

    /// A copy for a second owner (a group keeps its first error while the
    /// member's own handle keeps the original); a panic's payload becomes
    /// its message.
    pub(crate) fn duplicate(&self) -> Self {
        match &self.kind {
            Kind::Panic { message, .. } => TaskError {
                name: self.name.clone(),
                kind: Kind::Panic {
                    message: message.clone(),
                    payload: Mutex::new(match message {
                        Some(text) => Box::new(text.clone()),
                        None => Box::new(NON_STRING),
                    }),
                },
            },
            Kind::Cancelled { reason } => TaskError::killed(self.name.clone(), reason.clone()),
        }
    }

    pub(crate) fn killed(name: Arc<str>, reason: Option<Arc<str>>) -> Self {
        TaskError {
            name,
            kind: Kind::Cancelled { reason },
        }
    }

    /// The reason the greenlet was killed with, when it was killed by
    /// [`Greenlet::kill_with`](crate::Greenlet::kill_with) (or
    /// [`Current::abort_with`](crate::Current::abort_with)).
    ///
    /// # Examples
    ///
    /// See [`Greenlet::kill_with`](crate::Greenlet::kill_with).
    pub fn kill_reason(&self) -> Option<&str> {
        match &self.kind {
            Kind::Cancelled { reason } => reason.as_deref(),
            Kind::Panic { .. } => None,
        }
    }

    /// True when the greenlet panicked.
    ///
    /// # Examples
    ///
    /// See [`TaskError`].
    pub fn is_panic(&self) -> bool {
        matches!(self.kind, Kind::Panic { .. })
    }

    /// True when the greenlet was killed or cancelled before it finished.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let err = genlet::run(async {
    ///     let g = genlet::spawn(genlet::sleep(Duration::from_secs(60)));
    ///     g.kill().await;
    ///     g.join().await
    /// })
    /// .unwrap_err();
    /// assert!(err.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.kind, Kind::Cancelled { .. })
    }

    /// The greenlet's name.
    ///
    /// # Examples
    ///
    /// See [`TaskError`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The panic's message, when it panicked with a string (as `panic!` and
    /// `expect` do); `None` for a kill, and for a panic whose payload is some
    /// other type (`std::panic::panic_any(42)`: get it with
    /// [`into_panic`](TaskError::into_panic)).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = genlet::run(async { genlet::spawn(async { panic!("boom") }).join().await }).unwrap_err();
    /// assert_eq!(err.panic_message(), Some("boom"));
    ///
    /// let err = genlet::run(async { genlet::spawn(async { std::panic::panic_any(42) }).join().await })
    ///     .unwrap_err();
    /// assert!(err.is_panic());
    /// assert_eq!(err.panic_message(), None);
    /// assert_eq!(err.into_panic().ok().unwrap().downcast_ref::<i32>(), Some(&42));
    /// ```
    pub fn panic_message(&self) -> Option<&str> {
        match &self.kind {
            Kind::Panic { message, .. } => message.as_deref(),
            Kind::Cancelled { .. } => None,
        }
    }

    /// The panic's payload, to resume unwinding with
    /// [`std::panic::resume_unwind`].
    ///
    /// # Errors
    ///
    /// Gives `self` back when the greenlet did not panic.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = genlet::run(async { genlet::spawn(async { panic!("boom") }).join().await }).unwrap_err();
    /// let payload = err.into_panic().ok().unwrap();
    /// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    /// ```
    pub fn into_panic(self) -> Result<Box<dyn Any + Send + 'static>, TaskError> {
        match self.kind {
            Kind::Panic { payload, .. } => {
                Ok(payload.into_inner().unwrap_or_else(|e| e.into_inner()))
            }
            Kind::Cancelled { .. } => Err(self),
        }
    }
}

/// What a panic whose payload is not a string shows as its message.
const NON_STRING: &str = "<a panic payload that is not a string>";

/// The text of a panic payload, when it is a `&str` or a `String`.
fn payload_text(payload: &(dyn Any + Send)) -> Option<String> {
    if let Some(s) = payload.downcast_ref::<&str>() {
        Some((*s).to_owned())
    } else {
        payload.downcast_ref::<String>().cloned()
    }
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload_text(payload).unwrap_or_else(|| NON_STRING.to_owned())
}

impl fmt::Debug for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TaskError");
        d.field("name", &self.name);
        match &self.kind {
            Kind::Panic { message, .. } => {
                d.field("panic", &message.as_deref().unwrap_or(NON_STRING))
            }
            Kind::Cancelled { reason } => d.field("killed", reason),
        };
        d.finish()
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Panic { message, .. } => {
                let message = message.as_deref().unwrap_or(NON_STRING);
                write!(f, "greenlet '{}' panicked: {message}", self.name)
            }
            Kind::Cancelled { reason: None } => write!(f, "greenlet '{}' was killed", self.name),
            Kind::Cancelled {
                reason: Some(reason),
            } => write!(f, "greenlet '{}' was killed: {reason}", self.name),
        }
    }
}

impl std::error::Error for TaskError {}

/// The error of [`Greenlet::get`](crate::Greenlet::get): the greenlet failed,
/// or was not done in time, in which case its handle comes back.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet::GetError;
///
/// genlet::run(async {
///     let slow = genlet::spawn(async {
///         genlet::sleep(Duration::from_millis(200)).await;
///         7
///     });
///     let slow = match slow.get(Duration::from_millis(1)).await {
///         Err(GetError::Elapsed(handle)) => handle, // not ready: keep waiting
///         other => panic!("{other:?}"),
///     };
///     assert_eq!(slow.get(Duration::from_secs(10)).await.unwrap(), 7);
/// });
/// ```
pub enum GetError<T> {
    /// The greenlet panicked or was killed.
    Failed(TaskError),
    /// Not done in time: the handle, to wait again, kill or drop.
    Elapsed(crate::Greenlet<T>),
}

impl<T> fmt::Debug for GetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            GetError::Elapsed(g) => f.debug_tuple("Elapsed").field(&g.name()).finish(),
        }
    }
}

impl<T> fmt::Display for GetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetError::Failed(e) => e.fmt(f),
            GetError::Elapsed(g) => write!(f, "greenlet '{}' was not done in time", g.name()),
        }
    }
}

impl<T> std::error::Error for GetError<T> {}

/// A [`BoundedSemaphore`](crate::BoundedSemaphore) was released more times
/// than it was acquired.
///
/// # Examples
///
/// ```
/// let sem = genlet::BoundedSemaphore::new(1);
/// assert_eq!(sem.release().unwrap_err().to_string(), "semaphore released beyond its bound of 1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverRelease {
    pub(crate) bound: usize,
}

impl fmt::Display for OverRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "semaphore released beyond its bound of {}", self.bound)
    }
}

impl std::error::Error for OverRelease {}

/// A [`Queue`](crate::Queue) or [`Channel`](crate::Channel) was closed; a
/// `put` gives its item back.
///
/// # Examples
///
/// ```
/// let q = genlet::Queue::unbounded();
/// q.close();
/// assert_eq!(q.put_blocking(5).unwrap_err().into_inner(), Some(5));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Closed<T>(pub(crate) Option<T>);

impl<T> Closed<T> {
    /// The item a `put` could not deliver (`None` for a `get`).
    ///
    /// # Examples
    ///
    /// See [`Closed`].
    pub fn into_inner(self) -> Option<T> {
        self.0
    }
}

impl<T> fmt::Debug for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Closed")
    }
}

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is closed")
    }
}

impl<T> std::error::Error for Closed<T> {}

/// Why [`Queue::try_put`](crate::Queue::try_put) did not add its item,
/// which it hands back.
///
/// # Examples
///
/// ```
/// let q = genlet::Queue::bounded(1);
/// q.try_put(1).unwrap();
/// let full = q.try_put(2).unwrap_err();
/// assert!(full.is_full());
/// assert_eq!(full.into_inner(), 2);
/// q.close();
/// assert!(q.try_put(3).unwrap_err().is_closed());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue holds its capacity.
    Full(T),
    /// The queue is closed.
    Closed(T),
}

impl<T> TryPutError<T> {
    /// The item that was not added.
    ///
    /// # Examples
    ///
    /// See [`TryPutError`].
    pub fn into_inner(self) -> T {
        match self {
            TryPutError::Full(item) | TryPutError::Closed(item) => item,
        }
    }

    /// True for [`Full`](TryPutError::Full).
    ///
    /// # Examples
    ///
    /// See [`TryPutError`].
    pub fn is_full(&self) -> bool {
        matches!(self, TryPutError::Full(_))
    }

    /// True for [`Closed`](TryPutError::Closed).
    ///
    /// # Examples
    ///
    /// See [`TryPutError`].
    pub fn is_closed(&self) -> bool {
        matches!(self, TryPutError::Closed(_))
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPutError::Full(_) => "Full(..)",
            TryPutError::Closed(_) => "Closed(..)",
        })
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPutError::Full(_) => "the queue is full",
            TryPutError::Closed(_) => "the queue is closed",
        })
    }
}

impl<T> std::error::Error for TryPutError<T> {}

/// [`Queue::task_done`](crate::Queue::task_done) was called more times than
/// items were put.
///
/// # Examples
///
/// ```
/// let q = genlet::Queue::<u8>::unbounded();
/// assert_eq!(q.task_done().unwrap_err().to_string(), "task_done called more times than items were put");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraTaskDone;

impl fmt::Display for ExtraTaskDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done called more times than items were put")
    }
}

impl std::error::Error for ExtraTaskDone {}
