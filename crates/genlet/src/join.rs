//! Joining many greenlets: [`as_completed`] (their results in completion
//! order), [`joinall`], [`killall`] and [`race`]. Waiting on greenlets mixed
//! with other objects is [`wait`](crate::wait)'s.

use core::future::poll_fn;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::time::Duration;

use futures_core::Stream;

use crate::err::TaskError;
use crate::greenlet::Greenlet;

/// Greenlets' results, in the order they finish: made by [`as_completed`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let slow = genlet::spawn(async {
///         genlet::sleep(Duration::from_millis(100)).await;
///         "slow"
///     });
///     let fast = genlet::spawn(async { "fast" });
///     let mut done = genlet::as_completed(vec![slow, fast]);
///     assert_eq!(done.next().await.map(|(i, r)| (i, r.unwrap())), Some((1, "fast")));
///     assert_eq!(done.next().await.map(|(i, r)| (i, r.unwrap())), Some((0, "slow")));
///     assert!(done.next().await.is_none());
/// });
/// ```
///
/// An `AsCompleted` is also a [`Stream`](futures_core::Stream) of the same
/// `(index, result)` pairs.
#[derive(Debug)]
pub struct AsCompleted<T> {
    greenlets: Vec<Option<Greenlet<T>>>,
    /// Indices, in the order their greenlets finished (pinned: the
    /// receiver keeps a listener between polls).
    finished: Pin<Box<async_channel::Receiver<usize>>>,
    /// The greenlet whose result is being taken.
    current: Option<usize>,
    left: usize,
}

/// Yields the greenlets' results in the order they finish, each with its
/// index in `greenlets` (Python's `asyncio.as_completed`; gevent's `iwait`
/// followed by `get`). [`wait`](crate::wait) and [`iwait`](crate::iwait)
/// wait on greenlets mixed with other objects and take no results.
///
/// # Examples
///
/// See [`AsCompleted`].
pub fn as_completed<T: Send + 'static>(
    greenlets: impl IntoIterator<Item = Greenlet<T>>,
) -> AsCompleted<T> {
    let (tx, finished) = async_channel::unbounded();
    let greenlets: Vec<_> = greenlets
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let tx = tx.clone();
            // Not an observing link: the result is taken by `next`.
            g.shared().link(
                Box::new(move |_| {
                    let _ = tx.try_send(i);
                }),
                false,
            );
            Some(g)
        })
        .collect();
    let left = greenlets.len();
    AsCompleted {
        greenlets,
        finished: Box::pin(finished),
        current: None,
        left,
    }
}

impl<T> AsCompleted<T> {
    /// The next greenlet to finish: its index and result; `None` when all
    /// have been yielded.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a result not yet yielded stays for the next call.
    ///
    /// # Examples
    ///
    /// See [`AsCompleted`].
    pub async fn next(&mut self) -> Option<(usize, Result<T, TaskError>)> {
        poll_fn(|cx| self.poll_next_done(cx)).await
    }

    fn poll_next_done(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<(usize, Result<T, TaskError>)>> {
        loop {
            if let Some(index) = self.current {
                let Some(greenlet) = &self.greenlets[index] else {
                    unreachable!("the current greenlet is not yielded yet");
                };
                let result = ready!(greenlet.shared().poll_take(cx));
                self.greenlets[index] = None;
                self.current = None;
                self.left -= 1;
                return Poll::Ready(Some((index, result)));
            }
            if self.left == 0 {
                return Poll::Ready(None);
            }
            match ready!(self.finished.as_mut().poll_next(cx)) {
                Some(index) => self.current = Some(index),
                None => return Poll::Ready(None),
            }
        }
    }

    /// The greenlets not yielded yet, with their indices.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let waiting = genlet::as_completed(vec![genlet::spawn(async { 1 })]);
    ///     assert_eq!(waiting.into_pending().len(), 1);
    /// });
    /// ```
    pub fn into_pending(self) -> Vec<(usize, Greenlet<T>)> {
        self.greenlets
            .into_iter()
            .enumerate()
            .filter_map(|(i, g)| g.map(|g| (i, g)))
            .collect()
    }
}

impl<T> futures_core::Stream for AsCompleted<T> {
    type Item = (usize, Result<T, TaskError>);

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_next_done(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// What [`joinall`] saw: the greenlets that finished, in the
/// order they did, and those still running (each with its index).
#[derive(Debug)]
pub struct Joined<T> {
    /// Finished: index and result, in completion order.
    pub finished: Vec<(usize, Result<T, TaskError>)>,
    /// Still running when the timeout came: index and handle.
    pub pending: Vec<(usize, Greenlet<T>)>,
}

impl<T> Joined<T> {
    /// The results in the order of the greenlets given, if all finished.
    ///
    /// # Errors
    ///
    /// Gives `self` back when some are pending.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let greenlets = vec![genlet::spawn(async { 1 }), genlet::spawn(async { 2 })];
    ///     let joined = genlet::joinall(greenlets, None, false, None).await.unwrap();
    ///     let values: Vec<i32> = joined.into_ordered().unwrap().into_iter().map(Result::unwrap).collect();
    ///     assert_eq!(values, [1, 2]);
    /// });
    /// ```
    pub fn into_ordered(self) -> Result<Vec<Result<T, TaskError>>, Joined<T>> {
        if !self.pending.is_empty() {
            return Err(self);
        }
        let mut finished = self.finished;
        finished.sort_by_key(|(i, _)| *i);
        Ok(finished.into_iter().map(|(_, r)| r).collect())
    }
}

/// Joins the greenlets until `count` of them finished (all when `None`), for
/// at most `timeout` if given (gevent's `joinall(greenlets, timeout,
/// raise_error, count)`): reports which finished, in completion order, and
/// hands back the others. With `raise_error`, returns the first error at
/// once, and the greenlets not joined yet are detached. A greenlet that was
/// killed is not an error here (gevent counts its `GreenletExit` as a
/// success): it is among the finished, with a cancelled [`TaskError`].
///
/// # Errors
///
/// With `raise_error`, the [`TaskError`] of the first greenlet that panicked
/// (or failed otherwise than by being killed).
///
/// # Examples
///
/// ```
/// genlet::run(async {
///     let ok = genlet::spawn(async { 1 });
///     let bad = genlet::task().name("bad").spawn(async { panic!("no") });
///     let err = genlet::joinall(vec![ok, bad], None, true, None).await.unwrap_err();
///     assert_eq!(err.name(), "bad");
/// });
/// ```
///
/// With a timeout, then a count:
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let quick = genlet::spawn(async { 1 });
///     let stuck = genlet::spawn(async {
///         genlet::sleep(Duration::from_secs(3600)).await;
///         2
///     });
///     let joined = genlet::joinall(vec![quick, stuck], Some(Duration::from_millis(200)), false, None)
///         .await
///         .unwrap();
///     assert_eq!(joined.finished.len(), 1);
///     assert_eq!(joined.pending[0].0, 1);
///     // The first of those left to finish: killed, it does.
///     let pending: Vec<_> = joined.pending.into_iter().map(|(_, g)| g).collect();
///     genlet::killall(&pending).await;
///     let joined = genlet::joinall(pending, None, false, Some(1)).await.unwrap();
///     assert!(joined.finished[0].1.as_ref().unwrap_err().is_cancelled());
/// });
/// ```
pub async fn joinall<T: Send + 'static>(
    greenlets: impl IntoIterator<Item = Greenlet<T>>,
    timeout: Option<Duration>,
    raise_error: bool,
    count: Option<usize>,
) -> Result<Joined<T>, TaskError> {
    let mut waiting = as_completed(greenlets);
    let wanted = count.unwrap_or(usize::MAX);
    let mut finished = Vec::new();
    let collect = async {
        while finished.len() < wanted
            && let Some((index, result)) = waiting.next().await
        {
            match result {
                Err(error) if raise_error && !error.is_cancelled() => return Err(error),
                result => finished.push((index, result)),
            }
        }
        Ok(())
    };
    let outcome = match timeout {
        Some(limit) => genlet_reactor::timeout(limit, collect)
            .await
            .unwrap_or(Ok(())),
        None => collect.await,
    };
    outcome?;
    Ok(Joined {
        finished,
        pending: waiting.into_pending(),
    })
}

/// Kills every greenlet and waits until all are gone (gevent's `killall`):
/// all are killed at once (each is dropped at its next `.await`, or before
/// its first poll), then waited for, so one slow to die holds up none of the
/// others' kills. The caller may be among them: it is killed at its next
/// `.await` (this one), after the others.
///
/// # Cancel safety
///
/// Cancel-safe: every greenlet is killed at the first poll; dropping the
/// future only stops the waiting.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let sleepers: Vec<_> = (0..3).map(|_| genlet::spawn(genlet::sleep(Duration::from_secs(60)))).collect();
///     genlet::killall(&sleepers).await;
///     assert!(sleepers.iter().all(|g| g.is_ready() && !g.is_successful()));
/// });
/// ```
pub async fn killall<'a, T: 'a>(greenlets: impl IntoIterator<Item = &'a Greenlet<T>>) {
    let greenlets: Vec<&Greenlet<T>> = greenlets.into_iter().collect();
    for greenlet in &greenlets {
        greenlet.abort();
    }
    for greenlet in greenlets {
        greenlet.wait().await;
    }
}

/// The first of the greenlets to finish: its index and result. The others
/// are killed (and gone) before this returns. `None` for no greenlets.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let winner = genlet::run(genlet::race(vec![
///     genlet::spawn(async {
///         genlet::sleep(Duration::from_secs(60)).await;
///         "slow mirror"
///     }),
///     genlet::spawn(async { "fast mirror" }),
/// ]));
/// assert_eq!(winner.map(|(i, r)| (i, r.unwrap())), Some((1, "fast mirror")));
/// ```
pub async fn race<T: Send + 'static>(
    greenlets: impl IntoIterator<Item = Greenlet<T>>,
) -> Option<(usize, Result<T, TaskError>)> {
    let mut waiting = as_completed(greenlets);
    let first = waiting.next().await;
    let losers = waiting.into_pending();
    killall(losers.iter().map(|(_, g)| g)).await;
    first
}
