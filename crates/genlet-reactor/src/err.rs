//! Error types: [`Elapsed`], what [`timeout`](crate::timeout) gives when the time ran out.

use std::fmt;
use std::time::Duration;

/// The time given to [`timeout`](crate::timeout) ran out before the future
/// finished.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_reactor::{sleep, timeout, Hub};
///
/// let hub = Hub::new().unwrap();
/// let err = hub.block_on(timeout(Duration::from_millis(1), sleep(Duration::from_secs(9)))).unwrap_err();
/// assert_eq!(err.to_string(), "timed out after 1ms");
/// assert_eq!(err.duration(), Duration::from_millis(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed {
    pub(crate) after: Duration,
}

impl Elapsed {
    /// The duration that ran out.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use genlet_reactor::{timeout, Hub};
    ///
    /// let hub = Hub::new().unwrap();
    /// let err = hub.block_on(timeout(Duration::ZERO, futures_lite::future::pending::<()>()));
    /// assert_eq!(err.unwrap_err().duration(), Duration::ZERO);
    /// ```
    pub fn duration(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.after)
    }
}

impl std::error::Error for Elapsed {}
