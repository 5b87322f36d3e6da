//! [`Queue`]: gevent's `Queue`, `LifoQueue` and `PriorityQueue` in one type
//! (the order is chosen when it is made), bounded or not, joinable
//! (`task_done` / `join`), closable, and usable from any OS thread.
//!
//! The items sit in a buffer under a mutex; waiting is event-listener's
//! (smol's notification primitive, the one async-channel is built on).
//! async-channel itself, which the FIFO queue used before, can neither peek
//! nor take in another order.

use core::cmp::Ordering as CmpOrdering;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use event_listener::{Event, EventListener, IntoNotification};

use crate::err::{Closed, ExtraTaskDone, TryPutError};

/// A queue with gevent's `JoinableQueue` manners: every item put is counted
/// until a consumer calls [`task_done`](Queue::task_done), and
/// [`join`](Queue::join) waits for the count to reach zero. Clones share the
/// queue. Closing it makes puts fail and gets drain what is left.
///
/// Its order is chosen when it is made: first in, first out
/// ([`unbounded`](Queue::unbounded), [`bounded`](Queue::bounded)), last in,
/// first out ([`lifo_unbounded`](Queue::lifo_unbounded), gevent's
/// `LifoQueue`), or lowest first ([`priority_unbounded`](Queue::priority_unbounded),
/// gevent's `PriorityQueue`; equal items in no set order). Waiting getters
/// are woken in the order they began to wait, and so are putters waiting
/// for room (one that arrives when an item, or room, is there takes it at
/// once). An item is not handed to the getter it woke: it goes to whichever
/// woken getter runs first, so on a hub with more than one worker a getter
/// that waited later may take an earlier item (the one woken first then
/// takes a later item, or, finding none, waits again at the back of the
/// line). Nothing is lost or taken twice; the same holds for putters and
/// room.
///
/// Every wait can be bounded with [`timeout`](crate::timeout): puts and
/// gets are cancel-safe.
///
/// # Examples
///
/// ```
/// let queue = genlet::Queue::bounded(2);
/// genlet::run(async {
///     let q = queue.clone();
///     let worker = genlet::spawn(async move {
///         let mut total = 0;
///         while let Ok(n) = q.get().await {
///             total += n;
///             q.task_done().unwrap();
///         }
///         total
///     });
///     for n in 1..=4 {
///         queue.put(n).await.unwrap();
///     }
///     queue.join().await; // every item processed
///     queue.close();
///     assert_eq!(worker.join().await.unwrap(), 10);
/// });
/// ```
pub struct Queue<T> {
    shared: Arc<Shared<T>>,
    /// The wait this clone has under way as a `Stream`, if any.
    listener: Option<EventListener>,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    capacity: Option<usize>,
    /// An item went in (one getter more is told per item), or the queue
    /// closed (all are told).
    items: Event,
    /// Room came free (one putter more per item taken), or it closed.
    room: Event,
    /// An item went in, or it closed (all are told): for peekers, who take
    /// nothing, and for streams, which may stop being polled while they
    /// listen; neither may use up a getter's notification.
    peeks: Event,
    unfinished: Unfinished,
}

struct State<T> {
    buffer: Buffer<T>,
    closed: bool,
}

/// The items, in the queue's order.
enum Buffer<T> {
    Fifo(VecDeque<T>),
    Lifo(Vec<T>),
    /// A binary min-heap under `less` (T's `Ord`, fixed when made).
    Lowest {
        heap: Vec<T>,
        less: fn(&T, &T) -> bool,
        /// False from the start of each reordering to its end: false after
        /// `less` panicked in one, until the next push or pop rebuilds the
        /// heap (so the lowest still comes out first).
        ordered: bool,
    },
}

/// Moves `heap[child]` up to its place.
fn sift_up<T>(heap: &mut [T], less: fn(&T, &T) -> bool, mut child: usize) {
    while child > 0 {
        let parent = (child - 1) / 2;
        if !less(&heap[child], &heap[parent]) {
            break;
        }
        heap.swap(child, parent);
        child = parent;
    }
}

/// Moves `heap[parent]` down to its place.
fn sift_down<T>(heap: &mut [T], less: fn(&T, &T) -> bool, mut parent: usize) {
    loop {
        let (left, right) = (2 * parent + 1, 2 * parent + 2);
        let mut smallest = parent;
        if left < heap.len() && less(&heap[left], &heap[smallest]) {
            smallest = left;
        }
        if right < heap.len() && less(&heap[right], &heap[smallest]) {
            smallest = right;
        }
        if smallest == parent {
            return;
        }
        heap.swap(parent, smallest);
        parent = smallest;
    }
}

/// Orders `heap` as a min-heap again, from scratch.
fn rebuild<T>(heap: &mut [T], less: fn(&T, &T) -> bool) {
    for parent in (0..heap.len() / 2).rev() {
        sift_down(heap, less, parent);
    }
}

impl<T> Buffer<T> {
    fn len(&self) -> usize {
        match self {
            Buffer::Fifo(items) => items.len(),
            Buffer::Lifo(items) => items.len(),
            Buffer::Lowest { heap, .. } => heap.len(),
        }
    }

    fn push(&mut self, item: T) {
        match self {
            Buffer::Fifo(items) => items.push_back(item),
            Buffer::Lifo(items) => items.push(item),
            Buffer::Lowest {
                heap,
                less,
                ordered,
            } => {
                // In first: should `less` panic, the item is kept all the
                // same, and the next push or pop orders the heap again.
                heap.push(item);
                let was_ordered = core::mem::replace(ordered, false);
                if was_ordered {
                    let last = heap.len() - 1;
                    sift_up(heap, *less, last);
                } else {
                    rebuild(heap, *less);
                }
                *ordered = true;
            }
        }
    }

    fn pop(&mut self) -> Option<T> {
        match self {
            Buffer::Fifo(items) => items.pop_front(),
            Buffer::Lifo(items) => items.pop(),
            Buffer::Lowest {
                heap,
                less,
                ordered,
            } => {
                if heap.is_empty() {
                    return None;
                }
                if !core::mem::replace(ordered, false) {
                    rebuild(heap, *less);
                }
                // The lowest goes to the end and stays in the heap until the
                // rest is ordered again: should `less` (the item's `Ord`)
                // panic, nothing has been taken out, so nothing is lost (and
                // `ordered` stays false, for the next pop to rebuild).
                let last = heap.len() - 1;
                heap.swap(0, last);
                sift_down(&mut heap[..last], *less, 0);
                *ordered = true;
                heap.pop()
            }
        }
    }

    fn peek(&self) -> Option<&T> {
        match self {
            Buffer::Fifo(items) => items.front(),
            Buffer::Lifo(items) => items.last(),
            Buffer::Lowest {
                heap,
                ordered: true,
                ..
            } => heap.first(),
            // Left unordered by a panicking `less`: look at every item.
            Buffer::Lowest { heap, less, .. } => heap
                .iter()
                .reduce(|low, item| if less(item, low) { item } else { low }),
        }
    }
}

#[derive(Debug, Default)]
struct Unfinished {
    count: AtomicUsize,
    zero: Event,
}

/// Runs a closure when dropped, unwinding included.
struct CallOnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for CallOnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// What a take found.
enum Take<T> {
    Item(T),
    Empty,
    Closed,
}

impl<T> Shared<T> {
    fn new(buffer: Buffer<T>, capacity: Option<usize>) -> Self {
        Shared {
            state: Mutex::new(State {
                buffer,
                closed: false,
            }),
            capacity,
            items: Event::new(),
            room: Event::new(),
            peeks: Event::new(),
            unfinished: Unfinished::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // The only user code run under the lock is an item's `Ord` (ordering
        // a priority queue) and `Clone` (a peek); should either panic, the
        // buffer still holds every item and the count stays right, so a
        // poisoned lock is still good to use.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn try_push(&self, item: T) -> Result<(), TryPutError<T>> {
        let mut state = self.lock();
        if state.closed {
            return Err(TryPutError::Closed(item));
        }
        if self.capacity.is_some_and(|c| state.buffer.len() >= c) {
            return Err(TryPutError::Full(item));
        }
        // Counted under the lock the item is taken with, so before any
        // getter can have it (and its `task_done`), and only once it is
        // sure to go in: a put still waiting for room counts for nothing.
        // Before the push, whose ordering runs the item's `Ord`: should that
        // panic, the item is in all the same (in no particular place), and
        // counted, and the getters are told (the guard, after the lock).
        self.unfinished.count.fetch_add(1, Ordering::SeqCst);
        let _tell = CallOnDrop(|| {
            self.items.notify(1.additional());
            self.peeks.notify(usize::MAX);
        });
        state.buffer.push(item);
        drop(state);
        Ok(())
    }

    fn try_take(&self) -> Take<T> {
        let mut state = self.lock();
        // The pop runs the items' `Ord` in a priority queue: should that
        // panic, this getter used its wake-up for nothing, so the guard
        // passes it on to the next (the item is still in).
        let pass_on = CallOnDrop(|| {
            self.items.notify(1.additional());
        });
        let popped = state.buffer.pop();
        core::mem::forget(pass_on);
        match popped {
            Some(item) => {
                drop(state);
                if self.capacity.is_some() {
                    self.room.notify(1.additional());
                }
                Take::Item(item)
            }
            None if state.closed => Take::Closed,
            None => Take::Empty,
        }
    }

    /// The next item, cloned: `Err(true)` when closed and empty, `Err(false)`
    /// when empty.
    fn try_peek(&self) -> Result<T, bool>
    where
        T: Clone,
    {
        let state = self.lock();
        match state.buffer.peek() {
            Some(item) => Ok(item.clone()),
            None => Err(state.closed),
        }
    }
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            shared: self.shared.clone(),
            listener: None,
        }
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        let order = match state.buffer {
            Buffer::Fifo(_) => "fifo",
            Buffer::Lifo(_) => "lifo",
            Buffer::Lowest { .. } => "priority",
        };
        f.debug_struct("Queue")
            .field("order", &order)
            .field("len", &state.buffer.len())
            .field("capacity", &self.shared.capacity)
            .field("closed", &state.closed)
            .finish()
    }
}

impl<T> Queue<T> {
    fn with(buffer: Buffer<T>, capacity: Option<usize>) -> Self {
        Queue {
            shared: Arc::new(Shared::new(buffer, capacity.map(|c| c.max(1)))),
            listener: None,
        }
    }

    /// A first-in, first-out queue without a size limit.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::unbounded();
    /// q.put_blocking("a").unwrap();
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn unbounded() -> Self {
        Queue::with(Buffer::Fifo(VecDeque::new()), None)
    }

    /// A first-in, first-out queue holding at most `capacity` items (at
    /// least one): `put` waits while it is full.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(genlet::Queue::<u8>::bounded(4).capacity(), Some(4));
    /// ```
    pub fn bounded(capacity: usize) -> Self {
        Queue::with(Buffer::Fifo(VecDeque::new()), Some(capacity))
    }

    /// A last-in, first-out queue (a stack; gevent's `LifoQueue`) without a
    /// size limit.
    ///
    /// # Examples
    ///
    /// ```
    /// let stack = genlet::Queue::lifo_unbounded();
    /// for n in 1..=3 {
    ///     stack.try_put(n).unwrap();
    /// }
    /// assert_eq!(stack.try_get(), Some(3));
    /// assert_eq!(stack.try_get(), Some(2));
    /// ```
    pub fn lifo_unbounded() -> Self {
        Queue::with(Buffer::Lifo(Vec::new()), None)
    }

    /// A last-in, first-out queue holding at most `capacity` items (at
    /// least one).
    ///
    /// # Examples
    ///
    /// ```
    /// let stack = genlet::Queue::lifo_bounded(1);
    /// stack.try_put("a").unwrap();
    /// assert!(stack.try_put("b").unwrap_err().is_full());
    /// ```
    pub fn lifo_bounded(capacity: usize) -> Self {
        Queue::with(Buffer::Lifo(Vec::new()), Some(capacity))
    }

    /// A queue that gives its lowest item first (gevent's `PriorityQueue`:
    /// put `(priority, job)` pairs, lowest priority first), without a size
    /// limit. Items that compare equal come out in no set order.
    ///
    /// # Examples
    ///
    /// ```
    /// let jobs = genlet::Queue::priority_unbounded();
    /// jobs.try_put((2, "later")).unwrap();
    /// jobs.try_put((1, "first")).unwrap();
    /// jobs.try_put((3, "last")).unwrap();
    /// assert_eq!(jobs.try_get(), Some((1, "first")));
    /// assert_eq!(jobs.try_get(), Some((2, "later")));
    /// ```
    pub fn priority_unbounded() -> Self
    where
        T: Ord,
    {
        Queue::with(Queue::<T>::heap(), None)
    }

    /// A lowest-first queue holding at most `capacity` items (at least
    /// one).
    ///
    /// # Examples
    ///
    /// ```
    /// let jobs = genlet::Queue::priority_bounded(2);
    /// jobs.try_put(5).unwrap();
    /// jobs.try_put(4).unwrap();
    /// assert!(jobs.try_put(3).unwrap_err().is_full());
    /// assert_eq!(jobs.try_peek(), Some(4));
    /// ```
    pub fn priority_bounded(capacity: usize) -> Self
    where
        T: Ord,
    {
        Queue::with(Queue::<T>::heap(), Some(capacity))
    }

    fn heap() -> Buffer<T>
    where
        T: Ord,
    {
        Buffer::Lowest {
            heap: Vec::new(),
            less: |a, b| a.cmp(b) == CmpOrdering::Less,
            ordered: true,
        }
    }

    /// Adds `item`, waiting while the queue is full.
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item when the queue is closed.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: if dropped before it completes, the item was not added
    /// (and is dropped).
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub async fn put(&self, item: T) -> Result<(), Closed<T>> {
        let mut item = item;
        let mut listener: Option<EventListener> = None;
        loop {
            match self.shared.try_push(item) {
                Ok(()) => return Ok(()),
                Err(TryPutError::Closed(back)) => return Err(Closed(Some(back))),
                Err(TryPutError::Full(back)) => item = back,
            }
            match listener.take() {
                // Listen, then look again: room made in between is not missed.
                None => listener = Some(self.shared.room.listen()),
                Some(l) => l.await,
            }
        }
    }

    /// Adds `item` from a thread outside the hub, blocking while full.
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item when the queue is closed.
    ///
    /// # Examples
    ///
    /// See [`Queue::unbounded`].
    pub fn put_blocking(&self, item: T) -> Result<(), Closed<T>> {
        futures_lite::future::block_on(self.put(item))
    }

    /// Adds `item` if there is room now, without waiting (gevent's
    /// `put_nowait`).
    ///
    /// # Errors
    ///
    /// [`TryPutError::Full`] or [`TryPutError::Closed`], with the item.
    ///
    /// # Examples
    ///
    /// See [`Queue::lifo_bounded`].
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        self.shared.try_push(item)
    }

    /// Takes the next item (the oldest, newest or lowest, by the queue's
    /// order), waiting for one.
    ///
    /// # Errors
    ///
    /// [`Closed`] once the queue is closed and empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: no item is lost (a wake-up meant for a get that was
    /// cancelled passes to the next one).
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub async fn get(&self) -> Result<T, Closed<T>> {
        let mut listener: Option<EventListener> = None;
        loop {
            match self.shared.try_take() {
                Take::Item(item) => return Ok(item),
                Take::Closed => return Err(Closed(None)),
                Take::Empty => {}
            }
            match listener.take() {
                None => listener = Some(self.shared.items.listen()),
                Some(l) => l.await,
            }
        }
    }

    /// Takes the next item from a thread outside the hub.
    ///
    /// # Errors
    ///
    /// [`Closed`] once the queue is closed and empty.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::unbounded();
    /// q.put_blocking(1).unwrap();
    /// assert_eq!(q.get_blocking().unwrap(), 1);
    /// ```
    pub fn get_blocking(&self) -> Result<T, Closed<T>> {
        futures_lite::future::block_on(self.get())
    }

    /// Takes the next item if there is one (gevent's `get_nowait`).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::<u8>::unbounded();
    /// assert_eq!(q.try_get(), None);
    /// ```
    pub fn try_get(&self) -> Option<T> {
        match self.shared.try_take() {
            Take::Item(item) => Some(item),
            Take::Empty | Take::Closed => None,
        }
    }

    /// The item [`get`](Queue::get) would take next, cloned, left in the
    /// queue; waits for one (gevent's `peek`).
    ///
    /// # Errors
    ///
    /// [`Closed`] once the queue is closed and empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it takes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let q = genlet::Queue::unbounded();
    ///     let putter = q.clone();
    ///     genlet::spawn(async move { putter.put("next").await });
    ///     assert_eq!(q.peek().await.unwrap(), "next");
    ///     assert_eq!(q.len(), 1); // still there
    /// });
    /// ```
    pub async fn peek(&self) -> Result<T, Closed<T>>
    where
        T: Clone,
    {
        let mut listener: Option<EventListener> = None;
        loop {
            match self.shared.try_peek() {
                Ok(item) => return Ok(item),
                Err(true) => return Err(Closed(None)),
                Err(false) => {}
            }
            match listener.take() {
                None => listener = Some(self.shared.peeks.listen()),
                Some(l) => l.await,
            }
        }
    }

    /// Waits until the queue holds an item or is closed (for
    /// [`Waitable`](crate::Waitable)).
    pub(crate) async fn wait_for_item(&self) {
        let mut listener: Option<EventListener> = None;
        loop {
            {
                let state = self.shared.lock();
                if state.closed || state.buffer.len() > 0 {
                    return;
                }
            }
            match listener.take() {
                None => listener = Some(self.shared.peeks.listen()),
                Some(l) => l.await,
            }
        }
    }

    /// The item [`get`](Queue::get) would take next, cloned, if there is
    /// one.
    ///
    /// # Examples
    ///
    /// See [`Queue::priority_bounded`].
    pub fn try_peek(&self) -> Option<T>
    where
        T: Clone,
    {
        self.shared.try_peek().ok()
    }

    /// Marks one item taken with `get` as processed.
    ///
    /// # Errors
    ///
    /// [`ExtraTaskDone`] when called more times than items were put.
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub fn task_done(&self) -> Result<(), ExtraTaskDone> {
        let unfinished = &self.shared.unfinished;
        let mut current = unfinished.count.load(Ordering::SeqCst);
        loop {
            if current == 0 {
                return Err(ExtraTaskDone);
            }
            match unfinished.count.compare_exchange(
                current,
                current - 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        if current == 1 {
            unfinished.zero.notify(usize::MAX);
        }
        Ok(())
    }

    /// Waits until every item put has been marked done.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe.
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub async fn join(&self) {
        let unfinished = &self.shared.unfinished;
        loop {
            if unfinished.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            let listener = unfinished.zero.listen();
            if unfinished.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            listener.await;
        }
    }

    /// Closes the queue: puts fail from now on; gets drain the items left,
    /// then fail. Returns `false` if it was already closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::unbounded();
    /// q.put_blocking(1).unwrap();
    /// assert!(q.close());
    /// assert_eq!(q.get_blocking().unwrap(), 1); // drained
    /// assert!(q.get_blocking().is_err());
    /// ```
    pub fn close(&self) -> bool {
        let mut state = self.shared.lock();
        let was_open = !state.closed;
        state.closed = true;
        drop(state);
        if was_open {
            self.shared.items.notify(usize::MAX);
            self.shared.room.notify(usize::MAX);
            self.shared.peeks.notify(usize::MAX);
        }
        was_open
    }

    /// Whether [`close`](Queue::close) was called.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::<u8>::unbounded();
    /// q.close();
    /// assert!(q.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.lock().closed
    }

    /// Items waiting.
    ///
    /// # Examples
    ///
    /// See [`Queue::unbounded`].
    pub fn len(&self) -> usize {
        self.shared.lock().buffer.len()
    }

    /// True when no item waits.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(genlet::Queue::<u8>::unbounded().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when a bounded queue holds its capacity (gevent's `full`).
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::bounded(1);
    /// q.try_put(()).unwrap();
    /// assert!(q.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.shared
            .capacity
            .is_some_and(|c| self.shared.lock().buffer.len() >= c)
    }

    /// The size limit, if any.
    ///
    /// # Examples
    ///
    /// See [`Queue::bounded`].
    pub fn capacity(&self) -> Option<usize> {
        self.shared.capacity
    }
}

impl<T> Unpin for Queue<T> {}

impl<T> futures_core::Stream for Queue<T> {
    type Item = T;

    /// The items in the queue's order; the stream ends once the queue is
    /// closed and drained. Counts each item as [`get`](Queue::get) does:
    /// call [`task_done`](Queue::task_done) for it if you
    /// [`join`](Queue::join) the queue. A stream that waited and is then
    /// not polled again (its `next()` was cancelled by a timeout, say)
    /// keeps nothing from other getters: it waits on its own wake-up,
    /// given to every stream and peeker at each put.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        loop {
            match this.shared.try_take() {
                Take::Item(item) => {
                    this.listener = None;
                    return Poll::Ready(Some(item));
                }
                Take::Closed => {
                    this.listener = None;
                    return Poll::Ready(None);
                }
                Take::Empty => {}
            }
            match &mut this.listener {
                None => this.listener = Some(this.shared.peeks.listen()),
                Some(listener) => {
                    ready!(Pin::new(listener).poll(cx));
                    this.listener = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The heap gives what a sort gives, for many mixes of pushes and pops.
    #[test]
    fn lowest_first_matches_a_sorted_model() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200 {
            let mut buffer = Queue::<u64>::heap();
            let mut model: Vec<u64> = Vec::new();
            for _ in 0..200 {
                if next() % 3 == 0 {
                    model.sort_unstable_by(|a, b| b.cmp(a));
                    assert_eq!(buffer.pop(), model.pop());
                } else {
                    let n = next() % 50;
                    buffer.push(n);
                    model.push(n);
                }
                assert_eq!(buffer.len(), model.len());
            }
            model.sort_unstable();
            assert_eq!(buffer.peek(), model.first());
        }
    }
}
