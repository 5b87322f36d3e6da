//! [`Gen`]: a generator built from an `async` body, driven synchronously.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;

use crate::Invariant;
use crate::body::{Body, Outcome};
use crate::co::Co;
use crate::coroutine::{Coroutine, CoroutineState, Generator};
use crate::err::{IgnoredClose, Interrupt};
use crate::slot::Transfer;

/// A generator whose body is an `async` block: the stable-Rust equivalent of a
/// nightly `#[coroutine]` closure, with Python's `throw` and `close`.
///
/// `Gen::new(|co, first| async move { … })` makes one. Nothing runs until the
/// first [`resume`](Coroutine::resume): its argument becomes `first`, and the
/// body runs to its first `co.yield_(v).await`. Each later resume value becomes
/// the value of the suspended yield. What the body returns comes out as
/// [`CoroutineState::Complete`].
///
/// A `Gen` must be pinned to be resumed: on the stack with [`core::pin::pin!`]
/// (no allocation at all) or in a box with `Box::pin` (one allocation). Resuming
/// never allocates. It is `Send` exactly when its closure and the state its body
/// keeps across yields (which includes the yielded value's type) are `Send`,
/// and a `Send` generator costs nothing extra.
///
/// The body may only await yields of its own handle. To await other futures
/// (timers, sockets) use [`AsyncGen`](crate::AsyncGen).
///
/// # Panics
///
/// Resuming panics after the generator completed, and when the body awaits a
/// future that is not pending on its own yield (it needs
/// [`AsyncGen`](crate::AsyncGen)); the body is dropped first. That includes a
/// body whose yield lost a race (inside `future::or` or `select!`) and which
/// went on to await a foreign future: the resume panics, instead of reporting
/// the value of the yield that lost as if it had been yielded. (Detected when
/// the foreign future clones or wakes the waker, as any future that can ever
/// become ready does; a future that is pending without touching the waker,
/// like `future::pending()`, cannot be told apart from the yield.) A resume,
/// `throw` or `close` also panics when the body returns past the yield it was
/// suspended at without taking the value or error sent (the yield lost a race
/// to a future that became ready): neither is dropped silently.
///
/// A panic in the body (or in the closure) unwinds through the `resume`,
/// `throw` or `close` that ran it, and finishes the generator, as an exception
/// finishes a Python generator: the body's live destructors have run,
/// [`is_finished`](Gen::is_finished) is true, `close` is a no-op returning
/// `Ok(None)`, `throw(e)` hands `e` back without running code, and `resume`
/// panics with "generator resumed after it panicked".
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
///
/// // Resumed with numbers, yields the running total; returns it on 0.
/// let mut total = pin!(Gen::new(|co: Co<u64, u64>, mut x: u64| async move {
///     let mut sum = 0;
///     while x != 0 {
///         sum += x;
///         x = co.yield_(sum).await;
///     }
///     sum
/// }));
/// assert_eq!(total.as_mut().resume(3), CoroutineState::Yielded(3));
/// assert_eq!(total.as_mut().resume(4), CoroutineState::Yielded(7));
/// assert_eq!(total.as_mut().resume(0), CoroutineState::Complete(7));
/// assert!(total.is_finished());
/// ```
#[must_use = "coroutines are lazy and do nothing unless resumed"]
pub struct Gen<F, Fut, Y, R = (), E = core::convert::Infallible> {
    body: Body<F, Fut>,
    _types: Invariant<(Y, R, E)>,
}

impl<F, Fut, Y, R, E> Gen<F, Fut, Y, R, E>
where
    F: FnOnce(Co<Y, R, E>, R) -> Fut,
    Fut: Future,
{
    /// Makes a generator from `body`, which receives the yield handle and the
    /// first resume value and returns the future of its body. Runs no code.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Gen, Iter};
    ///
    /// let squares = pin!(Gen::new(|co: Co<u32>, ()| async move {
    ///     for i in 1..=4 {
    ///         co.yield_(i * i).await;
    ///     }
    /// }));
    /// assert_eq!(Iter::new(squares).collect::<Vec<_>>(), [1, 4, 9, 16]);
    /// ```
    #[inline]
    pub const fn new(body: F) -> Self {
        Gen {
            body: Body::new(body),
            _types: PhantomData,
        }
    }
}

impl<F, Fut: Future, Y, R, E> Gen<F, Fut, Y, R, E> {
    /// True once the body returned, was finished by `throw` or `close`, or
    /// panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, Gen};
    ///
    /// let mut g = pin!(Gen::new(|_co: Co<()>, ()| async {}));
    /// assert!(!g.is_finished());
    /// g.as_mut().resume(());
    /// assert!(g.is_finished());
    /// ```
    #[inline]
    pub fn is_finished(&self) -> bool {
        self.body.is_finished()
    }

    /// True once the first resume, throw or close reached the generator.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, Gen};
    ///
    /// let mut g = pin!(Gen::new(|co: Co<()>, ()| async move { co.yield_(()).await }));
    /// assert!(!g.is_started());
    /// g.as_mut().resume(());
    /// assert!(g.is_started());
    /// ```
    #[inline]
    pub fn is_started(&self) -> bool {
        self.body.is_started()
    }

    #[inline]
    fn body(self: Pin<&mut Self>) -> Pin<&mut Body<F, Fut>> {
        // SAFETY: `body` is structurally pinned; `Gen` has no other fields
        // and no `Drop` or `Unpin` impl of its own that could move it.
        unsafe { self.map_unchecked_mut(|g| &mut g.body) }
    }

    /// One synchronous step.
    //
    // Forced inline, as are `resume`, `Body::drive` and `slot::poll_with`, so
    // that each place that resumes a generator gets the whole step, the
    // body's poll included: in `benches/resume.rs` the slot then lives in
    // registers and the claim's vtable and owner checks fold away. The cost:
    // where the body's poll ends up with several call sites that the
    // optimiser will not all inline (the same generator type resumed from
    // several functions, or also closed), the poll stays out of line with
    // the slot in memory, a dearer resume than with `#[inline]` here (by
    // instruction counts: 97 against 57 with two resuming functions, 105
    // against 60 with `close` also used; `#[inline]` is the other choice,
    // commit f3b1905, but there the stack-pinned create and resume of
    // `benches/resume.rs` measured about twice as slow).
    #[inline(always)]
    fn step(self: Pin<&mut Self>, input: Transfer<Y, R, E>) -> Outcome<Y, Fut::Output, E>
    where
        F: FnOnce(Co<Y, R, E>, R) -> Fut,
    {
        let mut transfer = input;
        let mut body = self.body();
        match body.as_mut().drive(&mut transfer, None) {
            Some(outcome) => outcome,
            None => awaited_foreign_future(body),
        }
    }
}

#[cold]
#[inline(never)]
fn awaited_foreign_future<F, Fut: Future>(body: Pin<&mut Body<F, Fut>>) -> ! {
    // Finish the body so it cannot be resumed half-way.
    body.abandon();
    panic!(
        "genlet-coro: a `Gen` body awaited a future that is not one of its own yields \
         and that is not ready; use `AsyncGen` for bodies that await timers, sockets \
         or other futures"
    )
}

impl<F, Fut, Y, R, E> Coroutine<R> for Gen<F, Fut, Y, R, E>
where
    F: FnOnce(Co<Y, R, E>, R) -> Fut,
    Fut: Future,
{
    type Yield = Y;
    type Return = Fut::Output;

    // Forced inline: see `step`.
    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: R) -> CoroutineState<Y, Fut::Output> {
        match self.step(Transfer::Send(arg)) {
            Outcome::Yielded(value) => CoroutineState::Yielded(value),
            Outcome::Complete(value) => CoroutineState::Complete(value),
            // A resume value is never an interrupt.
            Outcome::Unhandled(_) => unreachable!(),
        }
    }
}

impl<F, Fut, Y, R, E> Generator<R> for Gen<F, Fut, Y, R, E>
where
    F: FnOnce(Co<Y, R, E>, R) -> Fut,
    Fut: Future,
{
    type Error = E;

    fn throw(self: Pin<&mut Self>, error: E) -> Result<CoroutineState<Y, Fut::Output>, E> {
        match self.step(Transfer::Throw(error)) {
            Outcome::Yielded(value) => Ok(CoroutineState::Yielded(value)),
            Outcome::Complete(value) => Ok(CoroutineState::Complete(value)),
            Outcome::Unhandled(Interrupt::Throw(error)) => Err(error),
            // A yield hands back the interrupt it received.
            Outcome::Unhandled(Interrupt::Close) => unreachable!(),
        }
    }

    fn close(self: Pin<&mut Self>) -> Result<Option<Fut::Output>, IgnoredClose<Y>> {
        match self.step(Transfer::Close) {
            Outcome::Yielded(value) => Err(IgnoredClose(value)),
            Outcome::Complete(value) => Ok(Some(value)),
            Outcome::Unhandled(_) => Ok(None),
        }
    }
}

impl<F, Fut, Y, R, E> fmt::Debug for Gen<F, Fut, Y, R, E>
where
    Fut: Future,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gen")
            .field("started", &self.body.is_started())
            .field("finished", &self.body.is_finished())
            .finish()
    }
}
