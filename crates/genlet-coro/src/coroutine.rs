//! The two traits: [`Coroutine`], shaped like nightly's `core::ops::Coroutine`,
//! and [`Generator`], which adds Python's `throw` and `close`.

use core::pin::Pin;

use crate::err::IgnoredClose;

/// The result of resuming a coroutine: it either yielded a value or returned.
///
/// Same shape and derives as nightly's `core::ops::CoroutineState`.
///
/// # Examples
///
/// ```
/// use genlet_coro::CoroutineState;
///
/// let s: CoroutineState<u8, &str> = CoroutineState::Yielded(1);
/// assert_ne!(s, CoroutineState::Complete("done"));
/// ```
#[derive(Clone, Copy, PartialEq, PartialOrd, Eq, Ord, Debug, Hash)]
pub enum CoroutineState<Y, R> {
    /// The coroutine suspended with a value.
    Yielded(Y),
    /// The coroutine finished with a return value. Resuming it again panics.
    Complete(R),
}

/// A coroutine: a computation that can be suspended and resumed with a value.
///
/// This trait has the shape of nightly's `core::ops::Coroutine`, with the same
/// blanket implementations (`Pin<&mut G>`, `&mut G` for `G: Unpin`, and with the
/// `alloc` feature `Box<G>` for `G: Unpin` and `Pin<Box<G>>`), so code written
/// against one moves to the other unchanged.
///
/// Implemented by [`Gen`](crate::Gen) and by hand-written state machines.
///
/// As on nightly, the trait is `#[must_use]` ("coroutines are lazy and do
/// nothing unless resumed"): an `impl Coroutine` or `Box<dyn Coroutine>` left
/// unused is linted, and so are unused [`Gen`](crate::Gen) and
/// [`AsyncGen`](crate::AsyncGen) values.
///
/// # Examples
///
/// A hand-written coroutine that counts the values it is resumed with:
///
/// ```
/// use core::pin::Pin;
/// use genlet_coro::{Coroutine, CoroutineState};
///
/// struct Sum(u32);
///
/// impl Coroutine<u32> for Sum {
///     type Yield = u32;
///     type Return = ();
///     fn resume(mut self: Pin<&mut Self>, arg: u32) -> CoroutineState<u32, ()> {
///         self.0 += arg;
///         CoroutineState::Yielded(self.0)
///     }
/// }
///
/// let mut sum = Sum(0);
/// assert_eq!(Pin::new(&mut sum).resume(2), CoroutineState::Yielded(2));
/// assert_eq!(Pin::new(&mut sum).resume(3), CoroutineState::Yielded(5));
/// ```
#[must_use = "coroutines are lazy and do nothing unless resumed"]
pub trait Coroutine<R = ()> {
    /// The type of value this coroutine yields.
    type Yield;
    /// The type of value this coroutine returns when it completes.
    type Return;

    /// Resumes the coroutine with `arg`, running it to its next suspension.
    ///
    /// The first call's `arg` starts the coroutine; every later one becomes the
    /// value of the suspended yield.
    ///
    /// # Panics
    ///
    /// Implementations may panic when resumed after they returned
    /// [`CoroutineState::Complete`]; [`Gen`](crate::Gen) does.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
    ///
    /// let mut g = pin!(Gen::new(|co: Co<i32, i32>, first: i32| async move {
    ///     let second = co.yield_(first * 10).await;
    ///     first + second
    /// }));
    /// assert_eq!(g.as_mut().resume(4), CoroutineState::Yielded(40));
    /// assert_eq!(g.as_mut().resume(5), CoroutineState::Complete(9));
    /// ```
    fn resume(self: Pin<&mut Self>, arg: R) -> CoroutineState<Self::Yield, Self::Return>;
}

/// A [`Coroutine`] that also takes Python's `throw` and `close`.
///
/// * [`throw`](Generator::throw) raises an error at the suspended yield. If the
///   body handles it (a yield awaited with [`.catch()`](crate::Yield::catch)) the
///   generator goes on and `throw` returns what it yields or returns next; if
///   not, the body is finished (its live destructors run) and the error comes
///   back as `Err`. On a finished (including panicked) or never-started
///   generator no code runs and the error comes straight back.
/// * [`close`](Generator::close) asks the body to finish. It returns `Ok` when
///   the body finishes (with `Some(value)` when it returned one, as Python 3.13
///   does) and `Err(IgnoredClose)` when it yields instead. Closing a finished
///   (including panicked) generator does nothing and returns `Ok(None)`;
///   closing a never-started one runs no code, returns `Ok(None)` and
///   finishes it, as in Python (its body never runs). [`Closing`](crate::Closing)
///   closes a generator when dropped.
///
/// [`yield_from`](crate::Co::yield_from) delegates to any `Generator` and
/// forwards both. [`FromCoroutine`](crate::FromCoroutine) makes any plain
/// [`Coroutine`] a `Generator`.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, CoroutineState, Generator, Gen, Interrupt};
///
/// let mut g = pin!(Gen::new(|co: Co<&str, (), String>, ()| async move {
///     match co.yield_("working").catch().await {
///         Ok(()) => "finished",
///         Err(Interrupt::Throw(e)) => { assert_eq!(e, "stop"); "recovered" }
///         Err(Interrupt::Close) => "closed",
///     }
/// }));
/// assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded("working"));
/// assert_eq!(g.as_mut().throw("stop".to_string()), Ok(CoroutineState::Complete("recovered")));
/// assert_eq!(g.as_mut().close(), Ok(None)); // already finished
/// ```
pub trait Generator<R = ()>: Coroutine<R> {
    /// The type of error [`throw`](Generator::throw) raises in the body.
    type Error;

    /// Raises `error` at the suspended yield.
    ///
    /// # Errors
    ///
    /// Returns the error back when the body does not handle it, when the
    /// generator never started, and when it already finished. In the first two
    /// cases the generator is finished afterwards.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, Generator, Gen};
    ///
    /// let mut g = pin!(Gen::new(|co: Co<u8, (), &str>, ()| async move {
    ///     co.yield_(1).await; // a plain yield lets a thrown error through
    /// }));
    /// g.as_mut().resume(());
    /// assert_eq!(g.as_mut().throw("boom"), Err("boom"));
    /// assert!(g.is_finished());
    /// ```
    #[allow(clippy::type_complexity)]
    fn throw(
        self: Pin<&mut Self>,
        error: Self::Error,
    ) -> Result<CoroutineState<Self::Yield, Self::Return>, Self::Error>;

    /// Asks the generator to finish.
    ///
    /// # Errors
    ///
    /// [`IgnoredClose`] holding the yielded value when the body yields instead of
    /// finishing; the generator stays suspended at that yield.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, Generator, Gen, Interrupt};
    ///
    /// let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
    ///     match co.yield_(1).catch().await {
    ///         Err(Interrupt::Close) => "cleaned up",
    ///         _ => "ran to the end",
    ///     }
    /// }));
    /// g.as_mut().resume(());
    /// assert_eq!(g.as_mut().close(), Ok(Some("cleaned up")));
    /// assert_eq!(g.as_mut().close(), Ok(None)); // idempotent
    /// ```
    fn close(self: Pin<&mut Self>) -> Result<Option<Self::Return>, IgnoredClose<Self::Yield>>;
}

impl<G: ?Sized + Coroutine<R>, R> Coroutine<R> for Pin<&mut G> {
    type Yield = G::Yield;
    type Return = G::Return;

    #[inline]
    fn resume(mut self: Pin<&mut Self>, arg: R) -> CoroutineState<Self::Yield, Self::Return> {
        G::resume((*self).as_mut(), arg)
    }
}

impl<G: ?Sized + Coroutine<R> + Unpin, R> Coroutine<R> for &mut G {
    type Yield = G::Yield;
    type Return = G::Return;

    #[inline]
    fn resume(mut self: Pin<&mut Self>, arg: R) -> CoroutineState<Self::Yield, Self::Return> {
        G::resume(Pin::new(&mut *self), arg)
    }
}

impl<G: ?Sized + Generator<R>, R> Generator<R> for Pin<&mut G> {
    type Error = G::Error;

    #[inline]
    fn throw(
        mut self: Pin<&mut Self>,
        error: Self::Error,
    ) -> Result<CoroutineState<Self::Yield, Self::Return>, Self::Error> {
        G::throw((*self).as_mut(), error)
    }

    #[inline]
    fn close(mut self: Pin<&mut Self>) -> Result<Option<Self::Return>, IgnoredClose<Self::Yield>> {
        G::close((*self).as_mut())
    }
}

impl<G: ?Sized + Generator<R> + Unpin, R> Generator<R> for &mut G {
    type Error = G::Error;

    #[inline]
    fn throw(
        mut self: Pin<&mut Self>,
        error: Self::Error,
    ) -> Result<CoroutineState<Self::Yield, Self::Return>, Self::Error> {
        G::throw(Pin::new(&mut *self), error)
    }

    #[inline]
    fn close(mut self: Pin<&mut Self>) -> Result<Option<Self::Return>, IgnoredClose<Self::Yield>> {
        G::close(Pin::new(&mut *self))
    }
}

#[cfg(feature = "alloc")]
mod boxed {
    use alloc::boxed::Box;
    use core::pin::Pin;

    use super::{Coroutine, CoroutineState, Generator};
    use crate::err::IgnoredClose;

    impl<G: ?Sized + Coroutine<R> + Unpin, R> Coroutine<R> for Box<G> {
        type Yield = G::Yield;
        type Return = G::Return;

        #[inline]
        fn resume(mut self: Pin<&mut Self>, arg: R) -> CoroutineState<Self::Yield, Self::Return> {
            G::resume(Pin::new(&mut **self), arg)
        }
    }

    impl<G: ?Sized + Coroutine<R>, R> Coroutine<R> for Pin<Box<G>> {
        type Yield = G::Yield;
        type Return = G::Return;

        #[inline]
        fn resume(mut self: Pin<&mut Self>, arg: R) -> CoroutineState<Self::Yield, Self::Return> {
            G::resume((*self).as_mut(), arg)
        }
    }

    impl<G: ?Sized + Generator<R> + Unpin, R> Generator<R> for Box<G> {
        type Error = G::Error;

        #[inline]
        fn throw(
            mut self: Pin<&mut Self>,
            error: Self::Error,
        ) -> Result<CoroutineState<Self::Yield, Self::Return>, Self::Error> {
            G::throw(Pin::new(&mut **self), error)
        }

        #[inline]
        fn close(
            mut self: Pin<&mut Self>,
        ) -> Result<Option<Self::Return>, IgnoredClose<Self::Yield>> {
            G::close(Pin::new(&mut **self))
        }
    }

    impl<G: ?Sized + Generator<R>, R> Generator<R> for Pin<Box<G>> {
        type Error = G::Error;

        #[inline]
        fn throw(
            mut self: Pin<&mut Self>,
            error: Self::Error,
        ) -> Result<CoroutineState<Self::Yield, Self::Return>, Self::Error> {
            G::throw((*self).as_mut(), error)
        }

        #[inline]
        fn close(
            mut self: Pin<&mut Self>,
        ) -> Result<Option<Self::Return>, IgnoredClose<Self::Yield>> {
            G::close((*self).as_mut())
        }
    }
}
