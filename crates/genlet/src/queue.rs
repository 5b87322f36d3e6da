//! [`Queue`]: gevent's `Queue`, `LifoQueue` and `PriorityQueue` in one type
//! (the order is chosen when it is made), bounded or not, joinable
//! (`task_done` / `join`), closable, and usable from any OS thread.
//!
//! The items sit in a buffer under a mutex, beside two lines of waiters,
//! gets waiting for an item and puts waiting for room, each served in the
//! order it came. A put hands its item straight to the get waiting longest,
//! and a get that frees room promises it to the put waiting longest: a
//! woken waiter has what it was woken for, and nobody arriving later takes
//! it first (on a hub with several workers, whoever polled first used to
//! win). Peekers and streams, which may stop being polled while they wait,
//! listen on an event-listener `Event` (smol's notification primitive)
//! instead of holding a place in the line. async-channel, which the FIFO
//! queue used before, can neither peek nor take in another order.

use core::cmp::Ordering as CmpOrdering;
use core::fmt;
use core::future::{Future, poll_fn};
use core::pin::Pin;
use core::task::{Context, Poll, Waker, ready};
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use event_listener::{Event, EventListener};

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
/// gevent's `PriorityQueue`; equal items in no set order). Gets that wait
/// are served in the order they began to wait, each handed its item by the
/// put that brings it, and puts waiting for room are let in in the order
/// they came (two let in at once add their items as they run), as gevent's
/// queue serves them: a get or put arriving later never overtakes one that
/// waits, on any number of hub workers. So a get that began to wait and is
/// then neither polled nor dropped holds the item it is handed (and a put,
/// the room promised to it): drop the waits you give up on, as `timeout`
/// and `select` do.
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
    /// An item went into the buffer, or the queue closed (all are told):
    /// for peekers, who take nothing, and for streams, which may stop being
    /// polled while they listen, so must not hold a place in the line.
    peeks: Event,
    unfinished: Unfinished,
}

struct State<T> {
    buffer: Buffer<T>,
    closed: bool,
    /// The gets waiting for an item, in the order they came. While one
    /// waits the buffer is empty: an item put goes to the first of them.
    getters: Line<GetStage<T>>,
    /// The puts waiting for room, in the order they came.
    putters: Line<PutStage>,
    /// Room promised to puts that were waiting and have not yet come back
    /// to fill it (or to give it up).
    promised: usize,
    /// Items handed to gets that have not yet come for them. Each may come
    /// back (its get stopped waiting), so a closed queue does not fail the
    /// gets still waiting until this is zero.
    handed: usize,
}

impl<T> State<T> {
    /// Closed, with no item left nor one that may come back: a get fails.
    fn drained(&self) -> bool {
        self.closed && self.handed == 0 && self.buffer.len() == 0
    }
}

/// Waiters in the order they came, with some that stopped waiting among
/// them (skipped, and swept once they outnumber the rest).
struct Line<S> {
    queue: VecDeque<Arc<Seat<S>>>,
    /// The waiters in `queue` still waiting.
    waiting: usize,
}

/// One waiter's place: its stage and how to wake it. The stage leaves
/// `Waiting` under the queue's lock only.
type Seat<S> = Mutex<Place<S>>;

struct Place<S> {
    stage: S,
    waker: Waker,
}

impl<S> Place<S> {
    /// The waker of a waiter leaving its line, which needs it no more (it
    /// will not wait again): taken, not cloned.
    fn take_waker(&mut self) -> Waker {
        core::mem::replace(&mut self.waker, Waker::noop().clone())
    }
}

/// Where a waiting get stands.
enum GetStage<T> {
    Waiting,
    /// Handed this item: it is the get's now.
    Handed(T),
    /// The queue closed while it waited (with nothing left).
    Closed,
    /// Done: it took its item, or stopped waiting.
    Gone,
}

/// Where a waiting put stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PutStage {
    Waiting,
    /// Promised room, which it is to fill or give back.
    Granted,
    /// The queue closed while it waited.
    Closed,
    /// Done, or stopped waiting.
    Gone,
}

/// A seat's lock. Only the queue's bookkeeping runs under it, so a poisoned
/// lock is still good.
fn seat<S>(seat: &Seat<S>) -> MutexGuard<'_, Place<S>> {
    seat.lock().unwrap_or_else(|e| e.into_inner())
}

impl<S> Line<S> {
    fn new() -> Self {
        Line {
            queue: VecDeque::new(),
            waiting: 0,
        }
    }

    /// Queues a new waiter at the back.
    fn join(&mut self, stage: S, waker: &Waker) -> Arc<Seat<S>> {
        let seat = Arc::new(Mutex::new(Place {
            stage,
            waker: waker.clone(),
        }));
        self.queue.push_back(seat.clone());
        self.waiting += 1;
        seat
    }

    /// Takes the waiter waiting longest out of the line, for the caller to
    /// move on from its waiting stage (under the queue's lock, still held).
    fn next_waiting(&mut self, waiting: fn(&S) -> bool) -> Option<Arc<Seat<S>>> {
        while self.waiting > 0 {
            let next = self.queue.pop_front()?;
            if waiting(&seat(&next).stage) {
                self.waiting -= 1;
                return Some(next);
            }
        }
        None
    }

    /// Marks a waiter that stopped waiting; sweeps the line once those
    /// outnumber the rest.
    fn leave(&mut self, waiting: fn(&S) -> bool) {
        self.waiting -= 1;
        if self.queue.len() > 2 * self.waiting + 16 {
            self.queue.retain(|s| waiting(&seat(s).stage));
        }
    }

    /// Moves every waiter still waiting to `closed`, emptying the line.
    fn close(&mut self, waiting: fn(&S) -> bool, closed: fn() -> S, woken: &mut Wakers) {
        for next in self.queue.drain(..) {
            let mut place = seat(&next);
            if waiting(&place.stage) {
                place.stage = closed();
                woken.push(place.take_waker());
            }
        }
        self.waiting = 0;
    }
}

fn get_waits<T>(stage: &GetStage<T>) -> bool {
    matches!(stage, GetStage::Waiting)
}

fn put_waits(stage: &PutStage) -> bool {
    *stage == PutStage::Waiting
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

    /// Puts back an item taken out: where it would come out next (FIFO,
    /// LIFO), or in its place by order.
    fn unget(&mut self, item: T) {
        match self {
            Buffer::Fifo(items) => items.push_front(item),
            Buffer::Lifo(_) | Buffer::Lowest { .. } => self.push(item),
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

/// Wakers to call once the queue's lock is let go (most often one, kept
/// without allocating), and whether the peekers are to be told too (see
/// [`Shared::release`]).
#[derive(Default)]
struct Wakers {
    first: Option<Waker>,
    more: Vec<Waker>,
    peekers: bool,
}

impl Wakers {
    fn push(&mut self, waker: Waker) {
        match self.first {
            None => self.first = Some(waker),
            Some(_) => self.more.push(waker),
        }
    }

    fn wake(self) {
        if let Some(waker) = self.first {
            waker.wake();
        }
        for waker in self.more {
            waker.wake();
        }
    }
}

/// Moves a waiter taken out of its line to `stage`; gives its waker.
fn settle<S>(waiter: &Seat<S>, stage: S) -> Waker {
    let mut place = seat(waiter);
    place.stage = stage;
    place.take_waker()
}

/// What a take found.
enum Take<T> {
    Item(T),
    Empty,
    Closed,
}

type Guard<'a, T> = MutexGuard<'a, State<T>>;

impl<T> Shared<T> {
    fn new(buffer: Buffer<T>, capacity: Option<usize>) -> Self {
        Shared {
            state: Mutex::new(State {
                buffer,
                closed: false,
                getters: Line::new(),
                putters: Line::new(),
                promised: 0,
                handed: 0,
            }),
            capacity,
            peeks: Event::new(),
            unfinished: Unfinished::default(),
        }
    }

    /// Lets the lock go, then wakes what `woken` holds.
    fn release(&self, state: Guard<'_, T>, woken: Wakers) {
        drop(state);
        let peekers = woken.peekers;
        woken.wake();
        if peekers {
            self.peeks.notify(usize::MAX);
        }
    }

    fn lock(&self) -> Guard<'_, T> {
        // The only user code run under the lock is an item's `Ord` (ordering
        // a priority queue) and `Clone` (a peek); should either panic, the
        // buffer still holds every item, the count stays right and no waiter
        // is moved half-way, so a poisoned lock is still good to use.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a put arriving now must wait: the room left is promised, or
    /// others wait for it already (none jumps the line).
    fn is_full(&self, state: &State<T>) -> bool {
        state.putters.waiting > 0
            || self
                .capacity
                .is_some_and(|c| state.buffer.len() + state.promised >= c)
    }

    /// Promises the room there is to the puts waiting longest.
    fn grant_room(&self, state: &mut State<T>, woken: &mut Wakers) {
        let Some(capacity) = self.capacity else {
            return;
        };
        while state.buffer.len() + state.promised < capacity {
            let Some(putter) = state.putters.next_waiting(put_waits) else {
                return;
            };
            state.promised += 1;
            woken.push(settle(&putter, PutStage::Granted));
        }
    }

    /// Puts `item` in, counted: to the get waiting longest, else into the
    /// buffer. The caller has checked for room and that the queue is open.
    fn put_in(&self, mut state: Guard<'_, T>, item: T) {
        // Counted under the lock the item is taken with, so before any
        // getter can have it (and its `task_done`), and only once it is
        // sure to go in: a put still waiting for room counts for nothing.
        self.unfinished.count.fetch_add(1, Ordering::SeqCst);
        let mut woken = Wakers::default();
        if let Some(getter) = state.getters.next_waiting(get_waits) {
            state.handed += 1;
            woken.push(settle(&getter, GetStage::Handed(item)));
            // It took no room: a put promised room may have given it over.
            self.grant_room(&mut state, &mut woken);
            self.release(state, woken);
            return;
        }
        // Nobody waits, so the buffer keeps it. The push runs the item's
        // `Ord` in a priority queue: should that panic, the item is in all
        // the same (in no particular place), and counted, and the peekers
        // are told (the guard, after the lock).
        let _tell = CallOnDrop(|| {
            self.peeks.notify(usize::MAX);
        });
        state.buffer.push(item);
        drop(state);
    }

    fn try_push(&self, item: T) -> Result<(), TryPutError<T>> {
        let state = self.lock();
        if state.closed {
            return Err(TryPutError::Closed(item));
        }
        if self.is_full(&state) {
            return Err(TryPutError::Full(item));
        }
        self.put_in(state, item);
        Ok(())
    }

    /// Takes the next item out of the buffer, promising the room it leaves;
    /// gives the lock back when there is none.
    fn take_from<'a>(&'a self, mut state: Guard<'a, T>) -> Result<T, Guard<'a, T>> {
        // The pop runs the items' `Ord` in a priority queue: should that
        // panic, nothing is taken out. No get waits while the buffer holds
        // an item, so none is left asleep beside it.
        let Some(item) = state.buffer.pop() else {
            return Err(state);
        };
        let mut woken = Wakers::default();
        self.grant_room(&mut state, &mut woken);
        self.release(state, woken);
        Ok(item)
    }

    fn try_take(&self) -> Take<T> {
        match self.take_from(self.lock()) {
            Ok(item) => Take::Item(item),
            Err(state) if state.drained() => Take::Closed,
            Err(_) => Take::Empty,
        }
    }

    /// An item handed to a get that stopped waiting before it took it: to
    /// the next get waiting, else back to the front of the buffer (and the
    /// peekers are to be told).
    fn give_back(&self, state: &mut State<T>, item: T, woken: &mut Wakers) {
        if let Some(getter) = state.getters.next_waiting(get_waits) {
            woken.push(settle(&getter, GetStage::Handed(item)));
            return;
        }
        state.handed -= 1;
        // Run from a destructor, perhaps while unwinding: a panic of the
        // item's `Ord` is not let out (the item is in the heap by then, and
        // the next push or pop orders it again).
        let buffer = &mut state.buffer;
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| buffer.unget(item)));
        woken.peekers = true;
    }

    /// Fails the gets waiting on a closed queue once no handed item may
    /// come back to them (and the peekers are to be told, streams among
    /// them, which may end now).
    fn close_getters(&self, state: &mut State<T>, woken: &mut Wakers) {
        if !state.closed || state.handed > 0 {
            return;
        }
        state.getters.close(get_waits, || GetStage::Closed, woken);
        woken.peekers = true;
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
            None => Err(state.drained()),
        }
    }
}

/// A [`Queue::get`] under way; once it waits, its seat in the line.
struct Get<'a, T> {
    shared: &'a Shared<T>,
    seat: Option<Arc<Seat<GetStage<T>>>>,
}

impl<T> Get<'_, T> {
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, Closed<T>>> {
        let Some(waiter) = &self.seat else {
            let mut state = match self.shared.take_from(self.shared.lock()) {
                Ok(item) => return Poll::Ready(Ok(item)),
                Err(state) => state,
            };
            if state.drained() {
                return Poll::Ready(Err(Closed(None)));
            }
            // Open, or closed with an item handed to another get that may
            // still come back: wait for it in the line.
            self.seat = Some(state.getters.join(GetStage::Waiting, cx.waker()));
            return Poll::Pending;
        };
        {
            let mut place = seat(waiter);
            if get_waits(&place.stage) {
                if !place.waker.will_wake(cx.waker()) {
                    place.waker = cx.waker().clone();
                }
                return Poll::Pending;
            }
        }
        // Served: it never waits again. Its item leaves the count of items
        // handed out, under the queue's lock.
        let mut state = self.shared.lock();
        let stage = core::mem::replace(&mut seat(waiter).stage, GetStage::Gone);
        self.seat = None;
        let GetStage::Handed(item) = stage else {
            // Closed (Waiting and Gone cannot be: it left the line, and only
            // this get ends its stage).
            return Poll::Ready(Err(Closed(None)));
        };
        state.handed -= 1;
        let mut woken = Wakers::default();
        self.shared.close_getters(&mut state, &mut woken);
        self.shared.release(state, woken);
        Poll::Ready(Ok(item))
    }
}

impl<T> Drop for Get<'_, T> {
    fn drop(&mut self) {
        let Some(waiter) = self.seat.take() else {
            return;
        };
        let mut state = self.shared.lock();
        let stage = core::mem::replace(&mut seat(&waiter).stage, GetStage::Gone);
        match stage {
            GetStage::Waiting => state.getters.leave(get_waits),
            GetStage::Handed(item) => {
                let mut woken = Wakers::default();
                self.shared.give_back(&mut state, item, &mut woken);
                self.shared.close_getters(&mut state, &mut woken);
                self.shared.release(state, woken);
            }
            GetStage::Closed | GetStage::Gone => {}
        }
    }
}

/// A [`Queue::put`] under way, with its item; once it waits, its seat in
/// the line.
struct Put<'a, T> {
    shared: &'a Shared<T>,
    item: Option<T>,
    seat: Option<Arc<Seat<PutStage>>>,
}

impl<T> Put<'_, T> {
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Closed<T>>> {
        let mut state = self.shared.lock();
        if let Some(waiter) = &self.seat {
            let mut place = seat(waiter);
            match place.stage {
                PutStage::Waiting => {
                    if !place.waker.will_wake(cx.waker()) {
                        place.waker = cx.waker().clone();
                    }
                    return Poll::Pending;
                }
                PutStage::Granted => {
                    place.stage = PutStage::Gone;
                    state.promised -= 1;
                }
                PutStage::Closed | PutStage::Gone => place.stage = PutStage::Gone,
            }
            drop(place);
            self.seat = None;
        } else if !state.closed && self.shared.is_full(&state) {
            self.seat = Some(state.putters.join(PutStage::Waiting, cx.waker()));
            return Poll::Pending;
        }
        // Let in (or never made to wait), unless the queue closed.
        if state.closed {
            return Poll::Ready(Err(Closed(self.item.take())));
        }
        if let Some(item) = self.item.take() {
            self.shared.put_in(state, item);
        }
        Poll::Ready(Ok(()))
    }
}

impl<T> Drop for Put<'_, T> {
    fn drop(&mut self) {
        let Some(waiter) = self.seat.take() else {
            return;
        };
        let mut state = self.shared.lock();
        let stage = core::mem::replace(&mut seat(&waiter).stage, PutStage::Gone);
        match stage {
            PutStage::Waiting => state.putters.leave(put_waits),
            PutStage::Granted => {
                // The room promised to it goes to the next put waiting.
                state.promised -= 1;
                let mut woken = Wakers::default();
                self.shared.grant_room(&mut state, &mut woken);
                self.shared.release(state, woken);
            }
            PutStage::Closed | PutStage::Gone => {}
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
    /// (and is dropped); room promised to it in that instant goes to the
    /// next put waiting.
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub async fn put(&self, item: T) -> Result<(), Closed<T>> {
        let mut put = Put {
            shared: &self.shared,
            item: Some(item),
            seat: None,
        };
        poll_fn(|cx| put.poll(cx)).await
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
    /// Cancel-safe: no item is lost. One handed to it in the instant it was
    /// dropped goes to the next get waiting, or back to the front of the
    /// queue (a bounded queue may then hold one item over its capacity for
    /// a while; puts wait until it is under again).
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub async fn get(&self) -> Result<T, Closed<T>> {
        let mut get = Get {
            shared: &self.shared,
            seat: None,
        };
        poll_fn(|cx| get.poll(cx)).await
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
    /// queue; waits for one (gevent's `peek`). An item put while a `get`
    /// waits goes straight to it, and a peek does not see it.
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
                if state.buffer.len() > 0 || state.drained() {
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

    /// Closes the queue: puts fail from now on (those waiting for room too);
    /// gets drain the items left, then fail. A get still waiting fails once
    /// no item handed to another get may come back to it (one whose get was
    /// cancelled before it took it goes to the next get instead). Returns
    /// `false` if it was already closed.
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
        if state.closed {
            return false;
        }
        state.closed = true;
        // The puts waiting fail (those promised room find it closed when
        // they come back for it). Nothing is in the buffer while gets
        // wait: they fail too, unless an item handed to another get may
        // still come back to them.
        // The peekers are told in any case (those of a drained queue end
        // now).
        let mut woken = Wakers {
            peekers: true,
            ..Wakers::default()
        };
        state
            .putters
            .close(put_waits, || PutStage::Closed, &mut woken);
        self.shared.close_getters(&mut state, &mut woken);
        self.shared.release(state, woken);
        true
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

    /// True when a bounded queue has no room for a put now (gevent's
    /// `full`): it holds its capacity, counting room promised to puts that
    /// waited, or puts wait for room already.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::bounded(1);
    /// q.try_put(()).unwrap();
    /// assert!(q.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.shared.is_full(&self.shared.lock())
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
    /// given to every stream and peeker at each put, and holds no place in
    /// the line of waiting [`get`](Queue::get)s, which are served first.
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
