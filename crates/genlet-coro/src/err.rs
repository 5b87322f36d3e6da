//! Error types: [`Interrupt`], what a caller sends into a yield instead of a
//! value, and [`IgnoredClose`], a close the body did not obey.

use core::fmt;

/// What a caller sent into a suspended yield instead of a value: seen by a body
/// that awaits a yield with [`.catch()`](crate::Yield::catch).
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, CoroutineState, Generator, Gen, Interrupt};
///
/// let mut g = pin!(Gen::new(|co: Co<i32, (), &str>, ()| async move {
///     let mut errors = 0;
///     loop {
///         match co.yield_(errors).catch().await {
///             Ok(()) => {}
///             Err(Interrupt::Throw(_)) => errors += 1,
///             Err(Interrupt::Close) => return errors,
///         }
///     }
/// }));
/// g.as_mut().resume(());
/// assert_eq!(g.as_mut().throw("bad"), Ok(CoroutineState::Yielded(1)));
/// assert_eq!(g.as_mut().close(), Ok(Some(1)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Interrupt<E> {
    /// An error thrown in with [`throw`](crate::Generator::throw).
    Throw(E),
    /// A request to finish, made by [`close`](crate::Generator::close)
    /// (Python's `GeneratorExit`).
    Close,
}

impl<E: fmt::Display> fmt::Display for Interrupt<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Interrupt::Throw(e) => write!(f, "error thrown into generator: {e}"),
            Interrupt::Close => f.write_str("generator asked to close"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> core::error::Error for Interrupt<E> {}

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
