//! [`AsyncGen`]: a generator whose body may also await real futures, driven by
//! `resume(arg).await`, or as a [`Stream`] when resumed with `()`.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures_core::Stream;

use crate::Invariant;
use crate::body::{Body, Outcome};
use crate::co::Co;
use crate::coroutine::CoroutineState;
use crate::err::{IgnoredClose, Interrupt};
use crate::slot::Transfer;

/// The async flavour of [`Gen`](crate::Gen): the body may await any future
/// (timers, sockets, channels) between its yields.
///
/// Drive it with [`resume`](AsyncGen::resume), [`throw`](AsyncGen::throw) and
/// [`close`](AsyncGen::close), each awaited; or, when it is resumed with `()`
/// and returns `()`, as a [`Stream`] of its yielded values.
///
/// The body's futures are woken through the task that awaits the generator,
/// so it works on any executor. Dropping an `AsyncGen` drops its body (its
/// destructors run) without running any more of it: call `close().await` first
/// for cleanup that has to await.
///
/// A panic in the body finishes the generator, as for [`Gen`](crate::Gen):
/// `close` returns `Ok(None)` and `throw(e)` hands `e` back without running
/// code, the stream ends, and `resume` panics with genlet-coro's message.
///
/// Await each yield directly. A yield raced against another future (inside
/// `select!` or `future::or`) that loses the race after parking its value is
/// not detected here as it is in a `Gen` (a real future beside it uses the
/// waker too): its value comes out as if yielded, and the next resume panics
/// because no yield is waiting for it. A body that returns past the yield it
/// was suspended at, without taking the resume value or error sent to it,
/// panics, as in a `Gen`.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use futures_lite::{future, StreamExt};
/// use genlet_coro::{AsyncGen, Co};
///
/// let ticks = pin!(AsyncGen::new(|co: Co<u32>, ()| async move {
///     for i in 0..3 {
///         future::yield_now().await; // any future, not only yields
///         co.yield_(i).await;
///     }
/// }));
/// let all: Vec<u32> = future::block_on(ticks.collect());
/// assert_eq!(all, [0, 1, 2]);
/// ```
#[must_use = "coroutines are lazy and do nothing unless resumed"]
pub struct AsyncGen<F, Fut, Y, R = (), E = core::convert::Infallible> {
    body: Body<F, Fut>,
    /// The body is between yields, awaiting some other future.
    mid_step: bool,
    /// That step is the stream's (a `poll_next` left it pending).
    stream_step: bool,
    /// What the stream's step yielded when a `resume`, `throw` or `close`
    /// ran it to its end: the stream's next item.
    unseen: Option<Y>,
    _types: Invariant<(Y, R, E)>,
}

impl<F, Fut, Y, R, E> AsyncGen<F, Fut, Y, R, E>
where
    F: FnOnce(Co<Y, R, E>, R) -> Fut,
    Fut: Future,
{
    /// Makes an async generator from `body`, which receives the yield handle and
    /// the first resume value and returns the future of its body. Runs no code.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use futures_lite::future::block_on;
    /// use genlet_coro::{AsyncGen, Co, CoroutineState};
    ///
    /// let mut g = pin!(AsyncGen::new(|co: Co<String, u8>, first: u8| async move {
    ///     let next = co.yield_(format!("got {first}")).await;
    ///     next
    /// }));
    /// block_on(async {
    ///     assert_eq!(g.as_mut().resume(1).await, CoroutineState::Yielded("got 1".into()));
    ///     assert_eq!(g.as_mut().resume(2).await, CoroutineState::Complete(2));
    /// });
    /// ```
    #[inline]
    pub const fn new(body: F) -> Self {
        AsyncGen {
            body: Body::new(body),
            mid_step: false,
            stream_step: false,
            unseen: None,
            _types: PhantomData,
        }
    }

    /// Resumes the generator with `arg`; completes when the body yields or
    /// returns.
    ///
    /// # Panics
    ///
    /// When the generator already completed or its body panicked; and with
    /// the body, if it panics.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future before it completes never corrupts the generator.
    /// If the body had not taken `arg` yet, the generator stays at its yield
    /// and `arg` is dropped. If it had, the body stays in mid-step; the next
    /// `resume`, `throw` or `close` first runs that step to its yield and
    /// discards the value it yields (the result the dropped future would have
    /// had), then delivers its own input. Should the body return during that
    /// catch-up instead, the next call completes with its return value. A
    /// step the generator's [`Stream`] left pending (a `poll_next` that
    /// returned `Pending`) is the stream's: its value is kept as the stream's
    /// next item, not discarded.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use futures_lite::future::{block_on, yield_now};
    /// use genlet_coro::{AsyncGen, Co, CoroutineState};
    ///
    /// let mut doubler = pin!(AsyncGen::new(|co: Co<u32, u32>, mut x: u32| async move {
    ///     loop {
    ///         yield_now().await;
    ///         x = co.yield_(x * 2).await;
    ///     }
    /// }));
    /// block_on(async {
    ///     assert_eq!(doubler.as_mut().resume(4).await, CoroutineState::Yielded(8));
    ///     assert_eq!(doubler.as_mut().resume(5).await, CoroutineState::Yielded(10));
    /// });
    /// ```
    pub async fn resume(self: Pin<&mut Self>, arg: R) -> CoroutineState<Y, Fut::Output> {
        match self.step(Transfer::Send(arg)).await {
            Outcome::Yielded(value) => CoroutineState::Yielded(value),
            Outcome::Complete(value) => CoroutineState::Complete(value),
            // A resume value is never an interrupt.
            Outcome::Unhandled(_) => unreachable!(),
        }
    }

    /// Raises `error` at the suspended yield, as
    /// [`Generator::throw`](crate::Generator::throw).
    ///
    /// # Errors
    ///
    /// The error comes back when the body does not handle it, never started,
    /// or already finished.
    ///
    /// # Cancel safety
    ///
    /// As [`resume`](AsyncGen::resume).
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use futures_lite::future::block_on;
    /// use genlet_coro::{AsyncGen, Co};
    ///
    /// let mut g = pin!(AsyncGen::new(|co: Co<u8, (), &str>, ()| async move {
    ///     co.yield_(1).await;
    /// }));
    /// block_on(async {
    ///     g.as_mut().resume(()).await;
    ///     assert_eq!(g.as_mut().throw("no").await, Err("no"));
    /// });
    /// ```
    #[allow(clippy::type_complexity)]
    pub async fn throw(
        self: Pin<&mut Self>,
        error: E,
    ) -> Result<CoroutineState<Y, Fut::Output>, E> {
        match self.step(Transfer::Throw(error)).await {
            Outcome::Yielded(value) => Ok(CoroutineState::Yielded(value)),
            Outcome::Complete(value) => Ok(CoroutineState::Complete(value)),
            Outcome::Unhandled(Interrupt::Throw(error)) => Err(error),
            // A yield hands back the interrupt it received.
            Outcome::Unhandled(Interrupt::Close) => unreachable!(),
        }
    }

    /// Asks the body to finish, as [`Generator::close`](crate::Generator::close);
    /// the body may await while it cleans up.
    ///
    /// # Errors
    ///
    /// [`IgnoredClose`] when the body yields instead of finishing.
    ///
    /// # Cancel safety
    ///
    /// As [`resume`](AsyncGen::resume).
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use futures_lite::future::{block_on, yield_now};
    /// use genlet_coro::{AsyncGen, Co, Interrupt};
    ///
    /// let mut g = pin!(AsyncGen::new(|co: Co<u8>, ()| async move {
    ///     if let Err(Interrupt::Close) = co.yield_(1).catch().await {
    ///         yield_now().await; // e.g. flush a socket
    ///         return "flushed";
    ///     }
    ///     "done"
    /// }));
    /// block_on(async {
    ///     g.as_mut().resume(()).await;
    ///     assert_eq!(g.as_mut().close().await, Ok(Some("flushed")));
    /// });
    /// ```
    pub async fn close(self: Pin<&mut Self>) -> Result<Option<Fut::Output>, IgnoredClose<Y>> {
        match self.step(Transfer::Close).await {
            Outcome::Yielded(value) => Err(IgnoredClose(value)),
            Outcome::Complete(value) => Ok(Some(value)),
            Outcome::Unhandled(_) => Ok(None),
        }
    }

    async fn step(
        mut self: Pin<&mut Self>,
        input: Transfer<Y, R, E>,
    ) -> Outcome<Y, Fut::Output, E> {
        let mut input = Some(input);
        core::future::poll_fn(|cx| self.as_mut().poll_step(cx, &mut input, true)).await
    }
}

impl<F, Fut: Future, Y, R, E> AsyncGen<F, Fut, Y, R, E> {
    /// True once the body returned, was finished by `throw` or `close`, or
    /// panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use futures_lite::future::block_on;
    /// use genlet_coro::{AsyncGen, Co};
    ///
    /// let mut g = pin!(AsyncGen::new(|_co: Co<()>, ()| async {}));
    /// block_on(g.as_mut().resume(()));
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
    /// use futures_lite::future::block_on;
    /// use genlet_coro::{AsyncGen, Co};
    ///
    /// let mut g = pin!(AsyncGen::new(|co: Co<u8>, ()| async move { co.yield_(1).await }));
    /// assert!(!g.is_started());
    /// block_on(g.as_mut().resume(()));
    /// assert!(g.is_started());
    /// ```
    #[inline]
    pub fn is_started(&self) -> bool {
        self.body.is_started()
    }

    /// Runs the body until it yields or returns, or until some other future it
    /// awaits is pending.
    ///
    /// `input` is `Some` until the body takes it. With `catch_up`, a step left
    /// in progress is first run to its yield: the value of a dropped caller's
    /// step is discarded, that of the stream's is kept for the stream's next
    /// item. Without (the stream), such a step is continued as its own.
    fn poll_step(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        input: &mut Option<Transfer<Y, R, E>>,
        catch_up: bool,
    ) -> Poll<Outcome<Y, Fut::Output, E>>
    where
        F: FnOnce(Co<Y, R, E>, R) -> Fut,
    {
        // SAFETY: `body` is structurally pinned and never moved; `mid_step` is
        // plain data.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let mut body = unsafe { Pin::new_unchecked(&mut this.body) };
        if body.is_finished() {
            // A step left in progress ended in a panic: nothing to catch up.
            this.mid_step = false;
        }
        if this.mid_step && input.is_some() {
            if !catch_up {
                *input = None;
            } else {
                match body.as_mut().drive(&mut Transfer::Empty, Some(cx.waker())) {
                    None => return Poll::Pending,
                    // The stream's item, or the dropped caller's result.
                    Some(Outcome::Yielded(value)) => {
                        this.mid_step = false;
                        if core::mem::take(&mut this.stream_step) {
                            this.unseen = Some(value);
                        }
                    }
                    Some(outcome) => {
                        this.mid_step = false;
                        *input = None;
                        return Poll::Ready(outcome);
                    }
                }
            }
        }
        let mut transfer = input.take().unwrap_or(Transfer::Empty);
        match body.drive(&mut transfer, Some(cx.waker())) {
            Some(outcome) => {
                this.mid_step = false;
                this.stream_step = false;
                Poll::Ready(outcome)
            }
            None => {
                if matches!(transfer, Transfer::Empty) {
                    this.mid_step = true;
                    this.stream_step = !catch_up;
                } else {
                    *input = Some(transfer);
                }
                Poll::Pending
            }
        }
    }
}

/// Resumed with `()`: each item is a yielded value; the stream ends when the
/// body returns, and keeps returning `None` after that.
impl<F, Fut, Y, E> Stream for AsyncGen<F, Fut, Y, (), E>
where
    F: FnOnce(Co<Y, (), E>, ()) -> Fut,
    Fut: Future<Output = ()>,
{
    type Item = Y;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Y>> {
        // SAFETY: `unseen` is plain data, never pinned; nothing is moved.
        if let Some(value) = unsafe { self.as_mut().get_unchecked_mut() }.unseen.take() {
            return Poll::Ready(Some(value));
        }
        if self.is_finished() {
            return Poll::Ready(None);
        }
        let mut input = Some(Transfer::Send(()));
        self.poll_step(cx, &mut input, false)
            .map(|outcome| match outcome {
                Outcome::Yielded(value) => Some(value),
                Outcome::Complete(()) => None,
                // A resume value is never an interrupt.
                Outcome::Unhandled(_) => unreachable!(),
            })
    }
}

impl<F, Fut, Y, R, E> fmt::Debug for AsyncGen<F, Fut, Y, R, E>
where
    Fut: Future,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncGen")
            .field("started", &self.body.is_started())
            .field("finished", &self.body.is_finished())
            .field("mid_step", &self.mid_step)
            .finish()
    }
}
