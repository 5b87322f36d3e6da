//! [`Closing`]: Python's finalisation, a generator closed when dropped.

use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;
use core::pin::Pin;

use crate::Invariant;
use crate::coroutine::{Coroutine, CoroutineState, Generator};
use crate::err::IgnoredClose;

/// A generator that is [closed](Generator::close) when dropped, as Python
/// closes a suspended generator that is garbage-collected (PEP 342): its
/// close handlers (a yield awaited with [`.catch()`](crate::Yield::catch)
/// that sees [`Interrupt::Close`](crate::Interrupt::Close)) run on drop.
///
/// A plain generator, dropped, only runs the destructors of what its body
/// keeps alive at the yield, never more of its code; wrap it in `Closing` to
/// run its close handlers too. Drive it as the generator itself: `Closing`
/// forwards [`resume`](Coroutine::resume), [`throw`](Generator::throw) and
/// [`close`](Generator::close), and derefs to the generator for inspection
/// (`is_finished`, …).
///
/// On drop:
///
/// * a generator that never started, or already finished (returned, was
///   closed, let a throw through, panicked), runs no code;
/// * a suspended one is closed: the close goes to the body's yield (through
///   every [`yield_from`](crate::Co::yield_from) level, innermost first), its
///   handler runs, and whatever it returns is dropped;
/// * if the body **yields again** during that close (Python's "generator
///   ignored GeneratorExit", which Python reports and then discards), the
///   yielded value is dropped, and so is the body, where it stands: its live
///   destructors run, none of its code. Drop never panics on its own account;
/// * if the body **panics** during that close, the panic unwinds out of the
///   drop (the body is then finished). Should the drop itself run during
///   unwinding, that is a panic while panicking, and the process aborts, as
///   for any destructor that panics.
///
/// [`AsyncGen`](crate::AsyncGen) has no such guard: a drop cannot await, and
/// running an async close handler only as far as it goes without waiting
/// would stop it at an arbitrary point. Dropping an `AsyncGen` runs its
/// destructors only; await [`AsyncGen::close`](crate::AsyncGen::close)
/// before dropping it when the handler must run.
///
/// # Examples
///
/// ```
/// use core::cell::RefCell;
/// use core::pin::pin;
/// use genlet_coro::{Closing, Co, Coroutine, CoroutineState, Gen, Interrupt};
///
/// let log = &RefCell::new(Vec::new());
/// {
///     let mut g = pin!(Closing::new(Gen::new(|co: Co<u32>, ()| async move {
///         let mut n = 0;
///         loop {
///             match co.yield_(n).catch().await {
///                 Ok(()) => n += 1,
///                 Err(Interrupt::Close) => {
///                     log.borrow_mut().push(format!("closed at {n}"));
///                     return;
///                 }
///                 Err(Interrupt::Throw(never)) => match never {},
///             }
///         }
///     })));
///     assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(0));
///     assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
/// } // dropped while suspended: closed
/// assert_eq!(log.take(), ["closed at 1"]);
/// ```
pub struct Closing<G, R = ()>
where
    G: Generator<R>,
{
    generator: G,
    _resume: Invariant<R>,
}

impl<G: Generator<R>, R> Closing<G, R> {
    /// Wraps `generator`, to be closed when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_coro::{Closing, Co, Coroutine, CoroutineState, Gen};
    ///
    /// let mut g = Box::pin(Closing::new(Gen::new(|co: Co<&str>, ()| async move {
    ///     co.yield_("boxed works too").await;
    /// })));
    /// assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded("boxed works too"));
    /// ```
    #[inline]
    pub const fn new(generator: G) -> Self {
        Closing {
            generator,
            _resume: PhantomData,
        }
    }

    #[inline]
    fn generator(self: Pin<&mut Self>) -> Pin<&mut G> {
        // SAFETY: `generator` is structurally pinned: no method moves it or
        // hands out `&mut G` (`Deref` gives `&G` only), and `drop` pins it in
        // place, where it stays until its own drop.
        unsafe { self.map_unchecked_mut(|c| &mut c.generator) }
    }
}

impl<G: Generator<R>, R> Drop for Closing<G, R> {
    fn drop(&mut self) {
        // SAFETY: the generator is structurally pinned (see `generator`), and
        // dropped right after this, in place: it is never moved again.
        let generator = unsafe { Pin::new_unchecked(&mut self.generator) };
        // A return value, or the value yielded by a body that ignored the
        // close, is dropped here; the body itself with the field right after.
        let _ = generator.close();
    }
}

impl<G: Generator<R>, R> Deref for Closing<G, R> {
    type Target = G;

    #[inline]
    fn deref(&self) -> &G {
        &self.generator
    }
}

impl<G: Generator<R>, R> Coroutine<R> for Closing<G, R> {
    type Yield = G::Yield;
    type Return = G::Return;

    #[inline]
    fn resume(self: Pin<&mut Self>, arg: R) -> CoroutineState<G::Yield, G::Return> {
        self.generator().resume(arg)
    }
}

impl<G: Generator<R>, R> Generator<R> for Closing<G, R> {
    type Error = G::Error;

    #[inline]
    fn throw(
        self: Pin<&mut Self>,
        error: G::Error,
    ) -> Result<CoroutineState<G::Yield, G::Return>, G::Error> {
        self.generator().throw(error)
    }

    #[inline]
    fn close(self: Pin<&mut Self>) -> Result<Option<G::Return>, IgnoredClose<G::Yield>> {
        self.generator().close()
    }
}

impl<G: Generator<R> + fmt::Debug, R> fmt::Debug for Closing<G, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Closing").field(&self.generator).finish()
    }
}
