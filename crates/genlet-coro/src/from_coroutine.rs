//! [`FromCoroutine`]: any [`Coroutine`] as a [`Generator`], for delegation.

use core::fmt;
use core::marker::PhantomData;
use core::pin::Pin;

use crate::Invariant;
use crate::coroutine::{Coroutine, CoroutineState, Generator};
use crate::err::IgnoredClose;

/// Gives a plain [`Coroutine`] (a hand-written state machine, another crate's
/// generator) Python's default `throw` and `close`, so that
/// [`yield_from`](crate::Co::yield_from) can delegate to it.
///
/// Like a Python iterator without `throw`/`close` methods: a thrown error
/// finishes the coroutine (it is dropped in place) and comes straight back; a
/// close finishes it. `E` is whatever error type the delegating generator
/// uses.
///
/// # Examples
///
/// ```
/// use core::pin::{pin, Pin};
/// use genlet_coro::{Co, Coroutine, CoroutineState, FromCoroutine, Gen, Iter};
///
/// /// Yields 3, 2, 1, then returns.
/// struct Countdown(u8);
/// impl Coroutine for Countdown {
///     type Yield = u8;
///     type Return = &'static str;
///     fn resume(mut self: Pin<&mut Self>, (): ()) -> CoroutineState<u8, &'static str> {
///         if self.0 == 0 { return CoroutineState::Complete("liftoff") }
///         self.0 -= 1;
///         CoroutineState::Yielded(self.0 + 1)
///     }
/// }
///
/// let g = pin!(Gen::new(|co: Co<u8>, ()| async move {
///     co.yield_from(FromCoroutine::new(Countdown(3)), ()).await
/// }));
/// let mut it = Iter::new(g);
/// assert_eq!(it.by_ref().collect::<Vec<_>>(), [3, 2, 1]);
/// assert_eq!(it.into_return(), Some("liftoff"));
/// ```
pub struct FromCoroutine<C, E> {
    coroutine: Option<C>,
    _error: Invariant<E>,
}

impl<C, E> FromCoroutine<C, E> {
    /// Wraps `coroutine`.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, FromCoroutine, Gen, Generator};
    ///
    /// let inner = Gen::new(|co: Co<u8>, ()| async move { co.yield_(1).await });
    /// let mut g = pin!(FromCoroutine::<_, &str>::new(inner));
    /// g.as_mut().resume(());
    /// assert_eq!(g.as_mut().throw("stop"), Err("stop"));
    /// ```
    #[inline]
    pub const fn new(coroutine: C) -> Self {
        FromCoroutine {
            coroutine: Some(coroutine),
            _error: PhantomData,
        }
    }

    #[inline]
    fn inner(self: Pin<&mut Self>) -> Pin<&mut Option<C>> {
        // SAFETY: the coroutine is structurally pinned: it is never moved
        // out, only dropped in place by `Pin::set`.
        unsafe { self.map_unchecked_mut(|s| &mut s.coroutine) }
    }
}

impl<C: Coroutine<R>, R, E> Coroutine<R> for FromCoroutine<C, E> {
    type Yield = C::Yield;
    type Return = C::Return;

    #[inline]
    fn resume(self: Pin<&mut Self>, arg: R) -> CoroutineState<C::Yield, C::Return> {
        match self.inner().as_pin_mut() {
            Some(coroutine) => coroutine.resume(arg),
            None => {
                panic!("genlet-coro: coroutine resumed after it was finished by throw or close")
            }
        }
    }
}

impl<C: Coroutine<R>, R, E> Generator<R> for FromCoroutine<C, E> {
    type Error = E;

    fn throw(self: Pin<&mut Self>, error: E) -> Result<CoroutineState<C::Yield, C::Return>, E> {
        self.inner().set(None);
        Err(error)
    }

    fn close(self: Pin<&mut Self>) -> Result<Option<C::Return>, IgnoredClose<C::Yield>> {
        self.inner().set(None);
        Ok(None)
    }
}

impl<C, E> fmt::Debug for FromCoroutine<C, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FromCoroutine")
            .field("finished", &self.coroutine.is_none())
            .finish()
    }
}
