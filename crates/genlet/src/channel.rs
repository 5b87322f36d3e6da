//! [`Channel`]: a rendezvous, where a put completes when a getter took the
//! item (gevent's `Channel`), with blocking variants for other OS threads.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::err::Closed;

/// A rendezvous: [`put`](Channel::put) completes only once a getter took the
/// item, handing over one item at a time (gevent's `Channel`). Clones share
/// it; puts are served in the order they started, and so are gets (streams
/// after them, below).
///
/// A put that times out or is cancelled never delivers its item, and a get
/// that times out or is cancelled takes nothing: the hand-over happens while
/// the putter is being polled, so a put that returns `Ok` delivered its item
/// and one that did not return `Ok` did not. Should the getter it handed the
/// item to be cancelled before it ran again, the item goes to the next
/// getter, ahead of any other.
///
/// A `Channel` is also a [`Stream`](futures_core::Stream) of the items put,
/// ending when it is closed. A stream waiting in `next()` is a getter
/// served after the plain gets. One whose `next()` was cancelled (a
/// timeout, say) stays registered until it is polled or dropped: a put
/// with no get waiting hands it its item and returns `Ok`, and the item
/// waits for whichever comes first of the stream's next poll, the next get
/// and a poll of another stream (the oldest such item first). So a stream
/// that is not polled holds nothing back from gets, streams or putters.
///
/// # Examples
///
/// ```
/// let channel = genlet::Channel::new();
/// genlet::run(async {
///     let c = channel.clone();
///     let getter = genlet::spawn(async move { c.get().await.unwrap() });
///     channel.put("handed over").await.unwrap(); // returns once taken
///     assert_eq!(getter.join().await.unwrap(), "handed over");
/// });
/// ```
pub struct Channel<T> {
    shared: Arc<Mutex<Rendezvous<T>>>,
    /// The get this clone has under way as a `Stream`, if any.
    streaming: Option<u64>,
}

struct Rendezvous<T> {
    next_id: u64,
    /// Puts waiting for a getter, oldest first, each holding its item.
    putters: VecDeque<Putter<T>>,
    /// Gets waiting, oldest first; `item` is filled by a putter.
    getters: VecDeque<Getter<T>>,
    /// Items handed to a getter that was cancelled before it took them:
    /// delivered first.
    orphans: VecDeque<T>,
    /// Hand-overs so far, to stamp each one.
    handed: u64,
    closed: bool,
}

struct Putter<T> {
    id: u64,
    item: T,
    waker: Waker,
}

struct Getter<T> {
    id: u64,
    item: Option<T>,
    waker: Waker,
    /// A channel used as a `Stream`: served after plain gets, and an item
    /// parked with it can be taken by another getter (it may not be polled
    /// again soon: its `next()` may have been cancelled).
    stream: bool,
    /// When its item was handed to it (the channel's count of hand-overs):
    /// items parked with streams are taken oldest first.
    handed: u64,
}

impl<T> Rendezvous<T> {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Wakes the oldest putter if a getter is waiting for an item.
    fn wake_first_putter(&self) {
        if self.getters.iter().any(|g| g.item.is_none())
            && let Some(first) = self.putters.front()
        {
            first.waker.wake_by_ref();
        }
    }

    /// Hands `item` to the oldest get still waiting for one, else to the
    /// oldest waiting stream.
    fn hand_over(&mut self, item: T) -> Result<(), T> {
        let at = self
            .getters
            .iter()
            .position(|g| g.item.is_none() && !g.stream)
            .or_else(|| self.getters.iter().position(|g| g.item.is_none()));
        let Some(at) = at else {
            return Err(item);
        };
        self.handed += 1;
        let getter = &mut self.getters[at];
        getter.item = Some(item);
        getter.handed = self.handed;
        getter.waker.wake_by_ref();
        if getter.stream {
            // It may not be polled soon: any other waiting stream may take
            // the item instead (`take_unclaimed`), so tell them all.
            for other in self.getters.iter().filter(|g| g.stream && g.item.is_none()) {
                other.waker.wake_by_ref();
            }
        }
        Ok(())
    }

    fn poll_put(
        &mut self,
        id: &mut Option<u64>,
        item: &mut Option<T>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), Closed<T>>> {
        let first = match *id {
            Some(mine) => self.putters.front().is_some_and(|p| p.id == mine),
            // Earlier puts go first.
            None => self.putters.is_empty(),
        };
        let getter_waiting = self.getters.iter().any(|g| g.item.is_none());
        if self.closed || (first && getter_waiting) {
            let offered = match id.take() {
                Some(mine) => self.remove_putter(mine),
                None => item.take(),
            };
            let offered = offered.expect("a put holds its item until it completes");
            if self.closed {
                return Poll::Ready(Err(Closed(Some(offered))));
            }
            if self.hand_over(offered).is_err() {
                unreachable!("a getter is waiting");
            }
            self.wake_first_putter();
            return Poll::Ready(Ok(()));
        }
        match *id {
            Some(mine) => {
                if let Some(p) = self.putters.iter_mut().find(|p| p.id == mine) {
                    p.waker.clone_from(cx.waker());
                }
            }
            None => {
                let mine = self.id();
                *id = Some(mine);
                let offered = item
                    .take()
                    .expect("a put holds its item until it completes");
                self.putters.push_back(Putter {
                    id: mine,
                    item: offered,
                    waker: cx.waker().clone(),
                });
            }
        }
        Poll::Pending
    }

    fn remove_putter(&mut self, id: u64) -> Option<T> {
        let at = self.putters.iter().position(|p| p.id == id)?;
        self.putters.remove(at).map(|p| p.item)
    }

    /// Takes a cancelled put out of line; its item is the caller's to drop,
    /// undelivered, once the lock is released (its destructor may use the
    /// channel).
    #[must_use = "the item is dropped outside the lock"]
    fn cancel_put(&mut self, id: u64) -> Option<T> {
        let was_first = self.putters.front().is_some_and(|p| p.id == id);
        let item = self.remove_putter(id);
        if was_first {
            self.wake_first_putter();
        }
        item
    }

    /// An item left by a cancelled getter, else the oldest one parked with
    /// a stream other than `mine` (which may not be polled soon).
    fn take_unclaimed(&mut self, mine: Option<u64>) -> Option<T> {
        if let Some(item) = self.orphans.pop_front() {
            return Some(item);
        }
        let item = self
            .getters
            .iter_mut()
            .filter(|g| g.stream && g.item.is_some() && Some(g.id) != mine)
            .min_by_key(|g| g.handed)
            .and_then(|g| g.item.take());
        if item.is_some() {
            // That stream waits for an item again: a putter may serve it.
            self.wake_first_putter();
        }
        item
    }

    fn poll_get(
        &mut self,
        id: &mut Option<u64>,
        stream: bool,
        cx: &mut Context<'_>,
    ) -> Poll<Result<T, Closed<T>>> {
        if let Some(mine) = *id
            && let Some(at) = self.getters.iter().position(|g| g.id == mine)
        {
            if self.getters[at].item.is_some() {
                *id = None;
                let getter = self.getters.remove(at).expect("found above");
                return Poll::Ready(Ok(getter.item.expect("checked above")));
            }
            if let Some(item) = self.take_unclaimed(Some(mine)) {
                *id = None;
                self.getters.remove(at);
                return Poll::Ready(Ok(item));
            }
            if self.closed {
                *id = None;
                self.getters.remove(at);
                return Poll::Ready(Err(Closed(None)));
            }
            self.getters[at].waker.clone_from(cx.waker());
            return Poll::Pending;
        }
        if let Some(item) = self.take_unclaimed(None) {
            return Poll::Ready(Ok(item));
        }
        if self.closed {
            return Poll::Ready(Err(Closed(None)));
        }
        let mine = self.id();
        *id = Some(mine);
        self.getters.push_back(Getter {
            id: mine,
            item: None,
            waker: cx.waker().clone(),
            stream,
            handed: 0,
        });
        self.wake_first_putter();
        Poll::Pending
    }

    fn cancel_get(&mut self, id: u64) {
        let Some(at) = self.getters.iter().position(|g| g.id == id) else {
            return;
        };
        let getter = self.getters.remove(at).expect("found above");
        if let Some(item) = getter.item {
            // Handed over but never taken: the next getter has it.
            if let Err(item) = self.hand_over(item) {
                // Behind earlier orphans: they were put earlier.
                self.orphans.push_back(item);
            }
        }
    }
}

impl<T> fmt::Debug for Channel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.shared);
        f.debug_struct("Channel")
            .field("putters", &state.putters.len())
            .field("getters", &state.getters.len())
            .field("closed", &state.closed)
            .finish()
    }
}

impl<T> Clone for Channel<T> {
    fn clone(&self) -> Self {
        Channel {
            shared: self.shared.clone(),
            streaming: None,
        }
    }
}

impl<T> Default for Channel<T> {
    fn default() -> Self {
        Channel::new()
    }
}

impl<T> Drop for Channel<T> {
    fn drop(&mut self) {
        if let Some(id) = self.streaming.take() {
            lock(&self.shared).cancel_get(id);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T> Channel<T> {
    /// A new channel.
    ///
    /// # Examples
    ///
    /// See [`Channel`].
    pub fn new() -> Self {
        Channel {
            shared: Arc::new(Mutex::new(Rendezvous {
                next_id: 0,
                putters: VecDeque::new(),
                getters: VecDeque::new(),
                orphans: VecDeque::new(),
                handed: 0,
                closed: false,
            })),
            streaming: None,
        }
    }

    /// Hands `item` to a getter, waiting until one took it.
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item when the channel is closed before a getter
    /// took it.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropped before it returned `Ok`, the put delivered
    /// nothing (its item is dropped), so retrying delivers the item once.
    ///
    /// # Examples
    ///
    /// See [`Channel`].
    pub fn put(&self, item: T) -> ChannelPut<'_, T> {
        ChannelPut {
            channel: self,
            item: Some(item),
            id: None,
        }
    }

    /// Takes the next item handed over, waiting for a putter.
    ///
    /// # Errors
    ///
    /// [`Closed`] once the channel is closed and nothing is left.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropped before it returned, the get took nothing.
    ///
    /// # Examples
    ///
    /// See [`Channel`].
    pub fn get(&self) -> ChannelGet<'_, T> {
        ChannelGet {
            channel: self,
            id: None,
        }
    }

    /// Hands `item` over from a thread outside the hub, blocking until a
    /// getter took it.
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item when the channel is closed first.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = genlet::Channel::new();
    /// let getter = c.clone();
    /// let t = std::thread::spawn(move || getter.get_blocking().unwrap());
    /// c.put_blocking(7).unwrap();
    /// assert_eq!(t.join().unwrap(), 7);
    /// ```
    pub fn put_blocking(&self, item: T) -> Result<(), Closed<T>> {
        futures_lite::future::block_on(self.put(item))
    }

    /// Takes the next item from a thread outside the hub.
    ///
    /// # Errors
    ///
    /// [`Closed`] once the channel is closed and nothing is left.
    ///
    /// # Examples
    ///
    /// See [`Channel::put_blocking`].
    pub fn get_blocking(&self) -> Result<T, Closed<T>> {
        futures_lite::future::block_on(self.get())
    }

    /// Closes the channel: waiting putters fail with their items, and
    /// getters fail once no item handed over is left. Returns `false` if it
    /// was already closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = genlet::Channel::<u8>::new();
    /// c.close();
    /// assert!(genlet::run(c.get()).is_err());
    /// ```
    pub fn close(&self) -> bool {
        let mut state = lock(&self.shared);
        let was_open = !state.closed;
        state.closed = true;
        for p in &state.putters {
            p.waker.wake_by_ref();
        }
        for g in &state.getters {
            g.waker.wake_by_ref();
        }
        was_open
    }
}

/// The future of [`Channel::put`].
#[must_use = "futures do nothing unless awaited"]
pub struct ChannelPut<'a, T> {
    channel: &'a Channel<T>,
    item: Option<T>,
    id: Option<u64>,
}

impl<T> fmt::Debug for ChannelPut<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelPut").finish_non_exhaustive()
    }
}

impl<T> Unpin for ChannelPut<'_, T> {}

impl<T> Future for ChannelPut<'_, T> {
    type Output = Result<(), Closed<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        lock(&this.channel.shared).poll_put(&mut this.id, &mut this.item, cx)
    }
}

impl<T> Drop for ChannelPut<'_, T> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let undelivered = lock(&self.channel.shared).cancel_put(id);
            drop(undelivered);
        }
    }
}

/// The future of [`Channel::get`].
#[must_use = "futures do nothing unless awaited"]
pub struct ChannelGet<'a, T> {
    channel: &'a Channel<T>,
    id: Option<u64>,
}

impl<T> fmt::Debug for ChannelGet<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelGet").finish_non_exhaustive()
    }
}

impl<T> Future for ChannelGet<'_, T> {
    type Output = Result<T, Closed<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        lock(&this.channel.shared).poll_get(&mut this.id, false, cx)
    }
}

impl<T> Drop for ChannelGet<'_, T> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            lock(&self.channel.shared).cancel_get(id);
        }
    }
}

impl<T> Unpin for Channel<T> {}

impl<T> futures_core::Stream for Channel<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        let mut id = this.streaming;
        let polled = lock(&this.shared).poll_get(&mut id, true, cx);
        this.streaming = id;
        polled.map(Result::ok)
    }
}
