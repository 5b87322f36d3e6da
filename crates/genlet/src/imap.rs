//! [`Imap`]: a group's or pool's results as a lazy, bounded stream
//! (gevent's `imap` and `imap_unordered`).

use core::fmt;
use core::future::{Future, poll_fn};
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};

use futures_core::Stream;

use crate::err::TaskError;
use crate::greenlet::Greenlet;
use crate::group::Inner;
use crate::semaphore::SemaphoreAcquireArc;

type Item<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The results of running a function on every item of a source (an
/// iterator, or a [`Stream`] with `imap_stream`), in a
/// [`Group`](crate::Group) or [`Pool`](crate::Pool): made by `imap` (results
/// in the items' order) or `imap_unordered` (in the order they finish).
/// Each result comes with the index of its item.
///
/// Nothing starts until the `Imap` is polled, and the source is read as
/// results are taken. A pool runs at most its size at once;
/// [`maxsize`](Imap::maxsize) bounds how many items are started and not yet
/// taken (running, or finished and waiting for the reader), as gevent's
/// `maxsize` does. Without a `maxsize` nothing bounds the finished results
/// waiting for the reader (a pool keeps starting items as members finish,
/// and a plain group starts every item it can get at once), so an endless
/// source needs a `maxsize`. Dropping the `Imap` leaves the greenlets it
/// started to their group.
///
/// `Imap` is a [`Stream`](futures_core::Stream).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let pool = genlet::Pool::new(2);
///     // An endless source: only what is read is ever started.
///     let mut squares = pool
///         .imap(1u64.., |i| async move {
///             genlet::sleep(Duration::from_millis(1)).await;
///             i * i
///         })
///         .maxsize(4);
///     let mut first = Vec::new();
///     while first.len() < 5 {
///         let (_, square) = squares.next().await.unwrap();
///         first.push(square.unwrap());
///     }
///     assert_eq!(first, [1, 4, 9, 16, 25]);
/// });
/// ```
#[must_use = "an Imap does nothing unless polled"]
pub struct Imap<T> {
    group: Weak<Inner>,
    source: Pin<Box<dyn Stream<Item = Item<T>> + Send>>,
    /// Taken from the source, waiting for a pool slot.
    next: Option<Item<T>>,
    next_index: usize,
    /// Started and not yet taken, in the items' order.
    started: VecDeque<(usize, Greenlet<T>)>,
    ordered: bool,
    maxsize: usize,
    exhausted: bool,
    /// The item that found the pool full, being spawned by a task of its
    /// own: it queues for a slot beside the pool's other spawners, and
    /// spawns the item the moment it gets one, whether or not this `Imap`
    /// is polled meanwhile (as gevent's imap feeds its pool from a greenlet
    /// of its own). A slot handed to a wait that only the reader could take
    /// up would sit idle while the reader did something else, such as spawn
    /// into the same pool. Dropped with the `Imap`, it stops waiting.
    feeding: Option<genlet_reactor::Task<Greenlet<T>>>,
    /// That task's wait, shared so that dropping the `Imap` takes it out of
    /// the pool's queue at once (a slot handed to it goes on to the next
    /// spawner then and there), not when the hub gets round to dropping the
    /// cancelled task.
    wait: Option<SlotWait>,
}

/// A feeding task's wait for a pool slot; `None` once it got one, or once
/// the `Imap` gave it up.
type SlotWait = Arc<Mutex<Option<SemaphoreAcquireArc>>>;

impl<T> Drop for Imap<T> {
    fn drop(&mut self) {
        if let Some(wait) = self.wait.take() {
            drop(wait.lock().unwrap_or_else(|e| e.into_inner()).take());
        }
    }
}

impl<T> fmt::Debug for Imap<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Imap")
            .field("ordered", &self.ordered)
            .field("started", &self.started.len())
            .field("maxsize", &self.maxsize)
            .field("exhausted", &self.exhausted)
            .finish()
    }
}

/// What stops [`Imap::start_more`].
enum Stop {
    /// `maxsize` started, or the source is exhausted.
    Limit,
    /// An item waits for a pool slot.
    Slot,
    /// The source has no item yet (it wakes the reader when it has).
    Source,
}

impl<T: Send + 'static> Imap<T> {
    pub(crate) fn new<I, F, Fut>(group: Weak<Inner>, items: I, f: F, ordered: bool) -> Self
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        F: FnMut(I::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        Imap::from_stream(group, futures_lite::stream::iter(items), f, ordered)
    }

    pub(crate) fn from_stream<S, F, Fut>(
        group: Weak<Inner>,
        items: S,
        mut f: F,
        ordered: bool,
    ) -> Self
    where
        S: Stream + Send + 'static,
        F: FnMut(S::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
    {
        let source = futures_lite::StreamExt::map(items, move |item| Box::pin(f(item)) as Item<T>);
        Imap {
            group,
            source: Box::pin(source),
            next: None,
            next_index: 0,
            started: VecDeque::new(),
            ordered,
            maxsize: usize::MAX,
            exhausted: false,
            feeding: None,
            wait: None,
        }
    }

    /// Starts no item while `maxsize` started ones were not taken yet
    /// (default: no limit beyond the pool's size).
    ///
    /// # Examples
    ///
    /// See [`Imap`].
    pub fn maxsize(mut self, maxsize: usize) -> Self {
        self.maxsize = maxsize.max(1);
        self
    }

    /// The next result and its item's index; `None` once the source is
    /// exhausted and every result was taken.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a result not taken stays for the next call.
    ///
    /// # Examples
    ///
    /// See [`Imap`].
    pub async fn next(&mut self) -> Option<(usize, Result<T, TaskError>)> {
        poll_fn(|cx| self.poll_result(cx)).await
    }

    /// Starts items while the limits allow; says what stopped it.
    fn start_more(&mut self, cx: &mut Context<'_>) -> Stop {
        while self.started.len() < self.maxsize {
            let item = match self.next.take() {
                Some(item) => item,
                None if self.exhausted => return Stop::Limit,
                None => match self.source.as_mut().poll_next(cx) {
                    Poll::Ready(Some(item)) => item,
                    Poll::Ready(None) => {
                        self.exhausted = true;
                        return Stop::Limit;
                    }
                    Poll::Pending => return Stop::Source,
                },
            };
            let Some(group) = self.group.upgrade() else {
                self.exhausted = true;
                return Stop::Limit;
            };
            match group.try_spawn(item) {
                Ok(greenlet) => {
                    self.started.push_back((self.next_index, greenlet));
                    self.next_index += 1;
                }
                Err(item) => {
                    self.next = Some(item);
                    return Stop::Slot;
                }
            }
        }
        Stop::Limit
    }

    /// Takes a finished result: the first item's (ordered), or any (in
    /// the items' order otherwise). Every greenlet asked and not finished
    /// keeps `cx`'s waker, so its end wakes the reader.
    fn take_one(&mut self, cx: &mut Context<'_>) -> Option<(usize, Result<T, TaskError>)> {
        let asked = if self.ordered {
            self.started.len().min(1)
        } else {
            self.started.len()
        };
        let at = (0..asked).find_map(|at| match self.started[at].1.shared().poll_take(cx) {
            Poll::Ready(result) => Some((at, result)),
            Poll::Pending => None,
        })?;
        let (index, _) = self.started.remove(at.0).expect("found above");
        Some((index, at.1))
    }

    fn poll_result(&mut self, cx: &mut Context<'_>) -> Poll<Option<(usize, Result<T, TaskError>)>> {
        loop {
            if let Some(result) = self.take_one(cx) {
                return Poll::Ready(Some(result));
            }
            if let Some(feeding) = &mut self.feeding {
                // The next item is being spawned: it comes first, in order.
                let Poll::Ready(greenlet) = Pin::new(feeding).poll(cx) else {
                    return Poll::Pending; // its spawn, or a greenlet's end, wakes us
                };
                self.feeding = None;
                self.wait = None;
                self.started.push_back((self.next_index, greenlet));
                self.next_index += 1;
                continue;
            }
            let before = self.next_index;
            let stop = self.start_more(cx);
            if self.next_index != before {
                continue; // new greenlets: ask them too
            }
            if self.started.is_empty() && self.next.is_none() && self.exhausted {
                return Poll::Ready(None);
            }
            if !matches!(stop, Stop::Slot) {
                // Nothing waits for a slot: the greenlets' ends (and the
                // source, if it is pending) wake us.
                return Poll::Pending;
            }
            // An item waits for a slot: a task of its own queues for one.
            let (Some(group), Some(item)) = (self.group.upgrade(), self.next.take()) else {
                continue; // gone: `start_more` drops the item
            };
            let Some(slots) = group.slots() else {
                continue; // a plain group refuses nothing
            };
            let wait: SlotWait = Arc::new(Mutex::new(Some(slots.acquire_arc())));
            let waiting = wait.clone();
            let handle = crate::spawn::current_hub();
            let mut item = Some(item);
            self.feeding = Some(handle.spawn(poll_fn(move |cx| {
                let mut wait = waiting.lock().unwrap_or_else(|e| e.into_inner());
                // Given up by the `Imap`: this task is cancelled.
                let Some(acquire) = wait.as_mut() else {
                    return Poll::Pending;
                };
                let permit = ready!(Pin::new(acquire).poll(cx));
                *wait = None;
                // Spawned under the lock the `Imap`'s drop takes: the slot
                // is either given up with the wait, or a member's, never in
                // between (where a `join` would miss it).
                let item = item.take().expect("polled once more after it spawned");
                Poll::Ready(group.spawn_in(permit, item))
            })));
            self.wait = Some(wait);
        }
    }
}

impl<T: Send + 'static> futures_core::Stream for Imap<T> {
    type Item = (usize, Result<T, TaskError>);

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_result(cx)
    }
}
