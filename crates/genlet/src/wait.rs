//! Waiting on anything: the [`Waitable`] trait (gevent's wait protocol) and
//! [`wait`] / [`iwait`] over greenlets, events, async results, queues,
//! semaphores and locks, mixed, in the order they become ready.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream::FuturesUnordered;

use crate::greenlet::Greenlet;
use crate::queue::Queue;
use crate::sync::{AsyncResult, BoundedSemaphore, Event, Lock, Semaphore};

/// Something a greenlet can wait on until it is ready, without taking
/// anything from it: a [`Greenlet`] that finished, an [`Event`] that is
/// set, an [`AsyncResult`] that holds its result, a [`Queue`] that holds an
/// item, a [`Semaphore`] or [`BoundedSemaphore`] with a free permit, a
/// [`Lock`] nobody holds. [`wait`] and [`iwait`] take any mix of them (as `&dyn Waitable`).
///
/// Implement it for your own types by returning a future that completes
/// once the object is ready (gevent's `rawlink` protocol, as a future).
///
/// # Examples
///
/// ```
/// use genlet::Waitable;
///
/// genlet::run(async {
///     let done = genlet::Event::new();
///     done.set();
///     done.ready().await; // at once: it is set
/// });
/// ```
pub trait Waitable {
    /// A future that completes once `self` is ready; at once if it is.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    fn ready(&self) -> Ready<'_>;
}

/// The future of [`Waitable::ready`].
///
/// # Examples
///
/// ```
/// use genlet::{Ready, Waitable};
///
/// /// Ready when either of two events is set.
/// struct Either(genlet::Event, genlet::Event);
///
/// impl Waitable for Either {
///     fn ready(&self) -> Ready<'_> {
///         Ready::new(futures_lite::future::or(self.0.wait(), self.1.wait()))
///     }
/// }
///
/// let either = Either(genlet::Event::new(), genlet::Event::new());
/// either.1.set();
/// genlet::run(either.ready());
/// ```
pub struct Ready<'a>(Pin<Box<dyn Future<Output = ()> + Send + 'a>>);

impl<'a> Ready<'a> {
    /// Wraps the future that completes when the object is ready.
    ///
    /// # Examples
    ///
    /// See [`Ready`].
    pub fn new(ready: impl Future<Output = ()> + Send + 'a) -> Self {
        Ready(Box::pin(ready))
    }
}

impl fmt::Debug for Ready<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ready")
    }
}

impl Future for Ready<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl<T: Send> Waitable for Greenlet<T> {
    /// Ready once the greenlet finished (its result is left for `join`).
    fn ready(&self) -> Ready<'_> {
        Ready::new(self.wait())
    }
}

impl Waitable for Event {
    /// Ready while the event is set.
    fn ready(&self) -> Ready<'_> {
        Ready::new(self.wait())
    }
}

impl<T: Send, E: Send> Waitable for AsyncResult<T, E> {
    /// Ready once a value or an error was delivered.
    fn ready(&self) -> Ready<'_> {
        Ready::new(self.wait())
    }
}

impl<T: Send> Waitable for Queue<T> {
    /// Ready while the queue holds an item, or once it is closed (a get
    /// would not wait); the item is left for a getter.
    fn ready(&self) -> Ready<'_> {
        Ready::new(self.wait_for_item())
    }
}

impl Waitable for Semaphore {
    /// Ready while a permit is free (gevent's semaphore `rawlink`): the
    /// permit is taken for an instant and given back, so it is left for an
    /// acquirer (who may still find it gone: another may take it first).
    fn ready(&self) -> Ready<'_> {
        Ready::new(async { drop(self.acquire().await) })
    }
}

impl Waitable for BoundedSemaphore {
    /// Ready while a permit is free, as for [`Semaphore`]; the permit taken
    /// for that instant is given back without a `release`.
    fn ready(&self) -> Ready<'_> {
        Ready::new(self.wait_available())
    }
}

impl<T: Send + ?Sized> Waitable for Lock<T> {
    /// Ready while the lock is free: taken for an instant and let go, so
    /// it is left for whoever locks it next.
    fn ready(&self) -> Ready<'_> {
        Ready::new(async { drop(self.lock().await) })
    }
}

impl<W: Waitable + ?Sized> Waitable for &W {
    fn ready(&self) -> Ready<'_> {
        (**self).ready()
    }
}

impl<W: Waitable + ?Sized> Waitable for Box<W> {
    fn ready(&self) -> Ready<'_> {
        (**self).ready()
    }
}

impl<W: Waitable + ?Sized> Waitable for Arc<W> {
    fn ready(&self) -> Ready<'_> {
        (**self).ready()
    }
}

/// One object's readiness, with its index.
struct Indexed<'a> {
    index: usize,
    ready: Ready<'a>,
}

impl Future for Indexed<'_> {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let index = self.index;
        Pin::new(&mut self.ready).poll(cx).map(|()| index)
    }
}

/// The indices of objects as they become ready: made by [`iwait`].
///
/// Each object is polled only when it woke its waiter, so waiting on
/// thousands costs in proportion to those that become ready.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet::Waitable;
///
/// genlet::run(async {
///     let stop = genlet::Event::new();
///     let worker = genlet::spawn(async {
///         genlet::sleep(Duration::from_millis(5)).await;
///         "done"
///     });
///     let objects: [&dyn Waitable; 2] = [&stop, &worker];
///     let mut ready = genlet::iwait(objects);
///     assert_eq!(ready.next().await, Some(1)); // the worker finished first
///     stop.set();
///     assert_eq!(ready.next().await, Some(0));
///     assert_eq!(ready.next().await, None);
/// });
/// ```
pub struct Iwait<'a> {
    pending: FuturesUnordered<Indexed<'a>>,
}

impl fmt::Debug for Iwait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iwait")
            .field("pending", &self.pending.len())
            .finish()
    }
}

/// Yields the index of each object as it becomes ready, in that order
/// (gevent's `iwait`). Objects of different kinds mix as `&dyn Waitable`;
/// bound the wait with [`timeout`](crate::timeout) around
/// [`next`](Iwait::next), or use [`wait`] for a timeout and a count.
///
/// # Examples
///
/// See [`Iwait`].
pub fn iwait<'a, W>(objects: impl IntoIterator<Item = &'a W>) -> Iwait<'a>
where
    W: Waitable + ?Sized + 'a,
{
    Iwait {
        pending: objects
            .into_iter()
            .enumerate()
            .map(|(index, object)| Indexed {
                index,
                ready: W::ready(object),
            })
            .collect(),
    }
}

impl Iwait<'_> {
    /// The index of the next object to become ready; `None` when every one
    /// has been yielded.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: an object that became ready is yielded by a later call.
    ///
    /// # Examples
    ///
    /// See [`Iwait`].
    pub async fn next(&mut self) -> Option<usize> {
        futures_lite::StreamExt::next(&mut self.pending).await
    }

    /// How many objects have not been yielded yet.
    ///
    /// # Examples
    ///
    /// ```
    /// let never = genlet::Event::new();
    /// assert_eq!(genlet::iwait([&never]).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// True when every object has been yielded.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(genlet::iwait::<genlet::Event>([]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

impl Stream for Iwait<'_> {
    type Item = usize;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let this = self.get_mut();
        if this.pending.is_empty() {
            return Poll::Ready(None);
        }
        Pin::new(&mut this.pending).poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.pending.len(), Some(self.pending.len()))
    }
}

/// Waits until `count` of the objects are ready (all of them when `None`),
/// or `timeout` passed if given; returns the indices of those that became
/// ready, in that order (gevent's `wait(objects, timeout, count)`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet::Waitable;
///
/// genlet::run(async {
///     let fast = genlet::spawn(async { 1 });
///     let slow = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
///     let result = genlet::AsyncResult::<u8, ()>::new();
///     result.set(9).unwrap();
///     let objects: [&dyn Waitable; 3] = [&fast, &slow, &result];
///     // The first two ready, whichever they are.
///     let mut first_two = genlet::wait(objects, None, Some(2)).await;
///     first_two.sort();
///     assert_eq!(first_two, [0, 2]);
///     // All of them, but not for more than 10 ms: the sleeper is not.
///     let ready = genlet::wait(objects, Some(Duration::from_millis(10)), None).await;
///     assert!(!ready.contains(&1));
///     slow.kill().await;
/// });
/// ```
pub async fn wait<'a, W>(
    objects: impl IntoIterator<Item = &'a W>,
    timeout: Option<Duration>,
    count: Option<usize>,
) -> Vec<usize>
where
    W: Waitable + ?Sized + 'a,
{
    let mut waiting = iwait(objects);
    let wanted = count.unwrap_or(usize::MAX).min(waiting.len());
    let mut ready = Vec::with_capacity(wanted);
    let collect = async {
        while ready.len() < wanted {
            match waiting.next().await {
                Some(index) => ready.push(index),
                None => break,
            }
        }
    };
    match timeout {
        Some(limit) => drop(genlet_reactor::timeout(limit, collect).await),
        None => collect.await,
    }
    ready
}
