//! Error types.

use core::fmt;

/// Returned by [`close`](crate::Generator::close) when the body yields instead
/// of finishing (Python's "generator ignored GeneratorExit").
///
/// Holds the value the body yielded. The generator stays suspended at that
/// yield; closing it again (or dropping it) asks once more.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, Generator, Gen, IgnoredClose};
///
/// let mut g = pin!(Gen::new(|co: Co<&str>, ()| async move {
///     let _ = co.yield_("first").catch().await; // swallows the close...
///     co.yield_("still here").await;            // ...and yields again
/// }));
/// g.as_mut().resume(());
/// let err = g.as_mut().close().unwrap_err();
/// assert_eq!(err, IgnoredClose("still here"));
/// assert_eq!(err.to_string(), "generator ignored close: it yielded instead of finishing");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct IgnoredClose<Y>(pub Y);

impl<Y> IgnoredClose<Y> {
    /// The value the body yielded instead of finishing.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_coro::IgnoredClose;
    ///
    /// assert_eq!(IgnoredClose(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> Y {
        self.0
    }
}

impl<Y> fmt::Display for IgnoredClose<Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("generator ignored close: it yielded instead of finishing")
    }
}

impl<Y: fmt::Debug> core::error::Error for IgnoredClose<Y> {}
