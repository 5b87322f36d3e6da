//! The yield handle [`Co`] a body receives, and the futures its methods return:
//! [`Yield`], [`YieldFrom`] and their [`Catch`] forms.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::mem;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::coroutine::{CoroutineState, Generator};
use crate::err::{IgnoredClose, Interrupt};
use crate::from_iter::FromIter;
use crate::slot::{Slot, Transfer};
use crate::{Invariant, ThreadBound};

/// The yield handle a generator's body receives: `co.yield_(v).await`
/// suspends the generator with `v` and evaluates to the next resume value.
///
/// `Y` is the yielded type, `R` the resume type and `E` the error type
/// [`throw`](crate::Generator::throw) accepts. Annotate the handle in the
/// closure (`|co: Co<u32>, ()| …`): `R` defaults to `()` and `E` to
/// [`Infallible`](core::convert::Infallible).
///
/// The handle is a plain id (`Copy`, `Send`, `Sync` whatever `Y`, `R` and `E`
/// are). It works only when awaited directly in its own generator's body, on
/// the thread resuming it; anywhere else the await panics with a message
/// naming the misuse, never undefined behaviour.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
///
/// // A running average: resumed with samples, yields the mean so far.
/// let mut avg = pin!(Gen::new(|co: Co<f64, f64>, first: f64| async move {
///     let (mut sum, mut n) = (first, 1.0);
///     loop {
///         sum += co.yield_(sum / n).await;
///         n += 1.0;
///     }
/// }));
/// assert_eq!(avg.as_mut().resume(10.0), CoroutineState::Yielded(10.0));
/// assert_eq!(avg.as_mut().resume(20.0), CoroutineState::Yielded(15.0));
/// ```
pub struct Co<Y, R = (), E = core::convert::Infallible> {
    id: u64,
    // A `fn` type: always `Send + Sync`, so the handle never makes a body
    // `!Send`. Invariant in every parameter: a yield reads thrown errors
    // (`E`) as well as resume values, and a delegation passes values both
    // ways, so no parameter may be lengthened or shortened (a covariant or
    // contravariant `E` let a body see a thrown `&'a str` as `&'static`).
    _types: Invariant<(Y, R, E)>,
}

impl<Y, R, E> Clone for Co<Y, R, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Y, R, E> Copy for Co<Y, R, E> {}

impl<Y, R, E> fmt::Debug for Co<Y, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Co").field("generator", &self.id).finish()
    }
}

impl<Y, R, E> Co<Y, R, E> {
    #[inline]
    pub(crate) const fn new(id: u64) -> Self {
        Co {
            id,
            _types: PhantomData,
        }
    }

    /// Suspends the generator with `value`; the future evaluates to the value
    /// of the next [`resume`](crate::Coroutine::resume).
    ///
    /// If the caller throws or closes instead, the interrupt goes through this
    /// yield: the body is finished where it stands (its live destructors run)
    /// and `throw` hands the error back. To handle interrupts, await
    /// [`.catch()`](Yield::catch) instead.
    ///
    /// # Panics
    ///
    /// The returned future panics when awaited outside this generator's body
    /// (in another generator, in a spawned task, on another thread), or beside
    /// another yield of the same generator (e.g. inside `join!`).
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
    ///
    /// let mut g = pin!(Gen::new(|co: Co<&str, u8>, first: u8| async move {
    ///     let got = co.yield_("ready").await;
    ///     first + got * 2
    /// }));
    /// assert_eq!(g.as_mut().resume(0), CoroutineState::Yielded("ready"));
    /// assert_eq!(g.as_mut().resume(21), CoroutineState::Complete(42));
    /// ```
    #[inline]
    pub fn yield_(&self, value: Y) -> Yield<Y, R, E> {
        Yield {
            id: self.id,
            value: Some(value),
            _types: PhantomData,
            _thread: PhantomData,
        }
    }

    /// Delegates to `sub` until it returns, as Python's `yield from` (PEP 380):
    /// `sub` is started with `first`; each later resume value goes to `sub`,
    /// each of its yields comes out of this generator, throws and closes are
    /// forwarded to it; the future evaluates to `sub`'s return value.
    ///
    /// When `sub` does not handle a thrown error, or finishes on a close, the
    /// interrupt goes on through this yield as through [`yield_`](Co::yield_);
    /// await [`.catch()`](YieldFrom::catch) to handle it here. To delegate to a
    /// plain [`Coroutine`](crate::Coroutine) wrap it in
    /// [`FromCoroutine`](crate::FromCoroutine).
    ///
    /// Each resume costs one extra call per level of delegation.
    ///
    /// # Panics
    ///
    /// As [`yield_`](Co::yield_); and if `sub` panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Gen, Iter};
    ///
    /// let count_to = |n: u32| Gen::new(move |co: Co<u32>, ()| async move {
    ///     for i in 1..=n {
    ///         co.yield_(i).await;
    ///     }
    ///     n
    /// });
    /// let outer = pin!(Gen::new(move |co: Co<u32>, ()| async move {
    ///     let a = co.yield_from(count_to(2), ()).await;
    ///     let b = co.yield_from(count_to(3), ()).await;
    ///     a + b
    /// }));
    /// let mut it = Iter::new(outer);
    /// assert_eq!(it.by_ref().collect::<Vec<_>>(), [1, 2, 1, 2, 3]);
    /// assert_eq!(it.into_return(), Some(5));
    /// ```
    #[inline]
    pub fn yield_from<S>(&self, sub: S, first: R) -> YieldFrom<S, Y, R, E>
    where
        S: Generator<R, Yield = Y, Error = E>,
    {
        YieldFrom {
            id: self.id,
            sub,
            first: Some(first),
            _types: PhantomData,
            _thread: PhantomData,
        }
    }
}

impl<Y, E> Co<Y, (), E> {
    /// Yields every item of `iter`, as Python's `yield from range(3)`: the
    /// same as [`yield_from`](Co::yield_from) with the iterator wrapped in
    /// [`FromIter`]; evaluates to `()` when it ends.
    ///
    /// A throw or close drops the iterator and goes on through this yield, as
    /// through [`yield_`](Co::yield_); await [`.catch()`](YieldFrom::catch)
    /// to handle it here. Only for generators resumed with `()`: an iterator
    /// cannot receive a resume value, and any other would be lost.
    ///
    /// # Panics
    ///
    /// As [`yield_`](Co::yield_); and if the iterator panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Gen, Iter};
    ///
    /// let g = pin!(Gen::new(|co: Co<u32>, ()| async move {
    ///     co.yield_from_iter(0..3).await;
    ///     co.yield_from_iter(vec![10, 20]).await;
    ///     co.yield_from_iter([7].iter().copied()).await;
    /// }));
    /// assert_eq!(Iter::new(g).collect::<Vec<_>>(), [0, 1, 2, 10, 20, 7]);
    /// ```
    #[inline]
    pub fn yield_from_iter<I>(&self, iter: I) -> YieldFrom<FromIter<I::IntoIter, E>, Y, (), E>
    where
        I: IntoIterator<Item = Y>,
    {
        self.yield_from(FromIter::new(iter), ())
    }
}

/// A suspension point that reports interrupts: polled with the slot's transfer.
pub(crate) trait Suspend<Y, R, E> {
    type Output;

    fn id(&self) -> u64;

    fn poll_suspend(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Self::Output, Interrupt<E>>>;
}

/// Polls `s`; an interrupt it lets through is handed to the driver, which
/// finishes the body.
#[inline]
fn poll_propagating<S: Suspend<Y, R, E> + ?Sized, Y, R, E>(
    s: Pin<&mut S>,
    cx: &mut Context<'_>,
) -> Poll<S::Output> {
    let id = s.id();
    match s.poll_suspend(cx) {
        Poll::Ready(Ok(value)) => Poll::Ready(value),
        Poll::Ready(Err(interrupt)) => {
            *Slot::<Y, R, E>::claim(cx.waker(), id) = Transfer::Unhandled(interrupt);
            Poll::Pending
        }
        Poll::Pending => Poll::Pending,
    }
}

/// The future of [`Co::yield_`]: suspends the generator with a value and
/// evaluates to the next resume value.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
///
/// let mut g = pin!(Gen::new(|co: Co<u8>, ()| async move {
///     let suspend = co.yield_(1); // nothing happens until it is awaited
///     suspend.await;
/// }));
/// assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
/// ```
#[must_use = "a yield does nothing unless awaited"]
pub struct Yield<Y, R, E> {
    id: u64,
    value: Option<Y>,
    _types: Invariant<(R, E)>,
    _thread: ThreadBound<(R, E)>,
}

// `Y` is never pinned: it is moved out on the first poll.
impl<Y, R, E> Unpin for Yield<Y, R, E> {}

impl<Y, R, E> fmt::Debug for Yield<Y, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield")
            .field("pending", &self.value.is_some())
            .finish()
    }
}

impl<Y, R, E> Yield<Y, R, E> {
    /// Awaits this yield reporting interrupts: evaluates to `Ok(resume value)`,
    /// or `Err` with the error thrown in or the close request.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, CoroutineState, Generator, Gen, Interrupt};
    ///
    /// let mut g = pin!(Gen::new(|co: Co<&str, (), u32>, ()| async move {
    ///     loop {
    ///         if let Err(Interrupt::Throw(code)) = co.yield_("waiting").catch().await {
    ///             return code;
    ///         }
    ///     }
    /// }));
    /// g.as_mut().resume(());
    /// assert_eq!(g.as_mut().throw(7), Ok(CoroutineState::Complete(7)));
    /// ```
    #[inline]
    pub fn catch(self) -> Catch<Self> {
        Catch(self)
    }
}

impl<Y, R, E> Suspend<Y, R, E> for Yield<Y, R, E> {
    type Output = R;

    #[inline]
    fn id(&self) -> u64 {
        self.id
    }

    #[inline]
    fn poll_suspend(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<R, Interrupt<E>>> {
        let this = self.get_mut();
        let mut transfer = Slot::<Y, R, E>::claim(cx.waker(), this.id);
        if let Some(value) = this.value.take() {
            if !matches!(*transfer, Transfer::Empty) {
                two_yields_at_once();
            }
            transfer.park(value);
            return Poll::Pending;
        }
        match mem::replace(&mut *transfer, Transfer::Empty) {
            Transfer::Send(value) => Poll::Ready(Ok(value)),
            Transfer::Throw(e) => Poll::Ready(Err(Interrupt::Throw(e))),
            Transfer::Close => Poll::Ready(Err(Interrupt::Close)),
            // Woken without an input (async flavour): still suspended.
            other => {
                *transfer = other;
                Poll::Pending
            }
        }
    }
}

impl<Y, R, E> Future for Yield<Y, R, E> {
    type Output = R;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        poll_propagating(self, cx)
    }
}

/// The future of [`Co::yield_from`]: delegates to a sub-generator and evaluates
/// to its return value.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
///
/// // Resume values pass through the delegating generator to the inner one.
/// let echo = Gen::new(|co: Co<i32, i32>, first: i32| async move {
///     let next = co.yield_(first).await;
///     next
/// });
/// let mut outer = pin!(Gen::new(move |co: Co<i32, i32>, first: i32| async move {
///     co.yield_from(echo, first).await * 100
/// }));
/// assert_eq!(outer.as_mut().resume(1), CoroutineState::Yielded(1));
/// assert_eq!(outer.as_mut().resume(2), CoroutineState::Complete(200));
/// ```
#[must_use = "a delegation does nothing unless awaited"]
pub struct YieldFrom<S, Y, R, E> {
    id: u64,
    sub: S,
    first: Option<R>,
    _types: Invariant<(Y, E)>,
    _thread: ThreadBound<E>,
}

impl<S: fmt::Debug, Y, R, E> fmt::Debug for YieldFrom<S, Y, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YieldFrom").field("sub", &self.sub).finish()
    }
}

// `sub` is structurally pinned; `first` is not.
impl<S: Unpin, Y, R, E> Unpin for YieldFrom<S, Y, R, E> {}

impl<S, Y, R, E> YieldFrom<S, Y, R, E> {
    /// Awaits this delegation reporting interrupts that the sub-generator did
    /// not handle: `Ok(its return value)`, or `Err` with the error or close.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Coroutine, CoroutineState, Generator, Gen};
    ///
    /// let inner = Gen::new(|co: Co<u8, (), &str>, ()| async move {
    ///     co.yield_(1).await; // does not handle throws
    /// });
    /// let mut outer = pin!(Gen::new(move |co: Co<u8, (), &str>, ()| async move {
    ///     match co.yield_from(inner, ()).catch().await {
    ///         Ok(()) => "inner finished",
    ///         Err(_) => "inner failed, outer handled it",
    ///     }
    /// }));
    /// outer.as_mut().resume(());
    /// assert_eq!(
    ///     outer.as_mut().throw("boom"),
    ///     Ok(CoroutineState::Complete("inner failed, outer handled it")),
    /// );
    /// ```
    #[inline]
    pub fn catch(self) -> Catch<Self> {
        Catch(self)
    }
}

impl<S, Y, R, E> Suspend<Y, R, E> for YieldFrom<S, Y, R, E>
where
    S: Generator<R, Yield = Y, Error = E>,
{
    type Output = S::Return;

    #[inline]
    fn id(&self) -> u64 {
        self.id
    }

    #[inline]
    fn poll_suspend(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<S::Return, Interrupt<E>>> {
        // SAFETY: `sub` is structurally pinned: it is never moved out, and
        // `first` (not pinned) is the only field moved.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let mut sub = unsafe { Pin::new_unchecked(&mut this.sub) };
        let input = mem::replace(
            &mut *Slot::<Y, R, E>::claim(cx.waker(), this.id),
            Transfer::Empty,
        );
        let state = match (this.first.take(), input) {
            (Some(first), Transfer::Empty) => sub.as_mut().resume(first),
            (None, Transfer::Send(value)) => sub.as_mut().resume(value),
            (None, Transfer::Throw(e)) => match sub.as_mut().throw(e) {
                Ok(state) => state,
                Err(e) => return Poll::Ready(Err(Interrupt::Throw(e))),
            },
            (None, Transfer::Close) => match sub.as_mut().close() {
                Ok(_) => return Poll::Ready(Err(Interrupt::Close)),
                Err(IgnoredClose(value)) => CoroutineState::Yielded(value),
            },
            (None, Transfer::Empty) => return Poll::Pending,
            (_, _) => two_yields_at_once(),
        };
        match state {
            CoroutineState::Yielded(value) => {
                Slot::<Y, R, E>::claim(cx.waker(), this.id).park(value);
                Poll::Pending
            }
            CoroutineState::Complete(value) => Poll::Ready(Ok(value)),
        }
    }
}

impl<S, Y, R, E> Future for YieldFrom<S, Y, R, E>
where
    S: Generator<R, Yield = Y, Error = E>,
{
    type Output = S::Return;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S::Return> {
        poll_propagating(self, cx)
    }
}

/// A [`Yield`] or [`YieldFrom`] that reports interrupts: evaluates to `Ok` with
/// the usual value, or `Err` with the [`Interrupt`]. Made by their `catch`.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, Generator, Gen, Interrupt};
///
/// let mut g = pin!(Gen::new(|co: Co<()>, ()| async move {
///     let caught: Result<(), Interrupt<_>> = co.yield_(()).catch().await;
///     caught.is_err()
/// }));
/// g.as_mut().resume(());
/// assert_eq!(g.as_mut().close(), Ok(Some(true)));
/// ```
#[must_use = "a yield does nothing unless awaited"]
#[derive(Debug)]
pub struct Catch<T>(T);

impl<T: Unpin> Unpin for Catch<T> {}

impl<Y, R, E> Future for Catch<Yield<Y, R, E>> {
    type Output = Result<R, Interrupt<E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().0).poll_suspend(cx)
    }
}

impl<S, Y, R, E> Future for Catch<YieldFrom<S, Y, R, E>>
where
    S: Generator<R, Yield = Y, Error = E>,
{
    type Output = Result<S::Return, Interrupt<E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: the inner future is structurally pinned and never moved.
        unsafe { self.map_unchecked_mut(|c| &mut c.0) }.poll_suspend(cx)
    }
}

#[cold]
#[inline(never)]
fn two_yields_at_once() -> ! {
    panic!(
        "genlet-coro: two yields of one generator were in flight at once \
         (was a yield polled inside join! or select!?); await each yield directly"
    )
}
