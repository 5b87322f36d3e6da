//! [`Queue`] (bounded or not, joinable, closable) and [`Channel`] (a
//! rendezvous: a put completes when a getter took the item), on
//! async-channel. Both work across OS threads, with blocking variants.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::err::{Closed, ExtraTaskDone};

/// A FIFO queue with gevent's `JoinableQueue` manners: every item put is
/// counted until a consumer calls [`task_done`](Queue::task_done), and
/// [`join`](Queue::join) waits for the count to reach zero. Clones share the
/// queue. Closing it makes puts fail and gets drain what is left.
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
#[derive(Debug)]
pub struct Queue<T> {
    tx: async_channel::Sender<T>,
    rx: async_channel::Receiver<T>,
    unfinished: Arc<Unfinished>,
}

#[derive(Debug, Default)]
struct Unfinished {
    count: AtomicUsize,
    zero: event_listener::Event,
}

/// One item counted as unfinished while its put is under way: uncounted
/// again unless the put completes ([`keep`](Counted::keep)).
struct Counted<'a>(Option<&'a Unfinished>);

impl<'a> Counted<'a> {
    fn new(unfinished: &'a Unfinished) -> Self {
        unfinished.count.fetch_add(1, Ordering::SeqCst);
        Counted(Some(unfinished))
    }

    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        if let Some(unfinished) = self.0
            && unfinished.count.fetch_sub(1, Ordering::SeqCst) == 1
        {
            unfinished.zero.notify(usize::MAX);
        }
    }
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            tx: self.tx.clone(),
            rx: self.rx.clone(),
            unfinished: self.unfinished.clone(),
        }
    }
}

impl<T> Queue<T> {
    fn from_channel((tx, rx): (async_channel::Sender<T>, async_channel::Receiver<T>)) -> Self {
        Queue {
            tx,
            rx,
            unfinished: Arc::default(),
        }
    }

    /// A queue without a size limit.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::unbounded();
    /// q.put_blocking("a").unwrap();
    /// assert_eq!(q.len(), 1);
    /// ```
    pub fn unbounded() -> Self {
        Queue::from_channel(async_channel::unbounded())
    }

    /// A queue holding at most `capacity` items (at least one): `put` waits
    /// while it is full.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(genlet::Queue::<u8>::bounded(4).capacity(), Some(4));
    /// ```
    pub fn bounded(capacity: usize) -> Self {
        Queue::from_channel(async_channel::bounded(capacity.max(1)))
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
        // Counted before it can be taken, uncounted if it never goes in.
        let counted = Counted::new(&self.unfinished);
        self.tx
            .send(item)
            .await
            .map_err(|e| Closed(Some(e.into_inner())))?;
        counted.keep();
        Ok(())
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
        let counted = Counted::new(&self.unfinished);
        self.tx
            .send_blocking(item)
            .map_err(|e| Closed(Some(e.into_inner())))?;
        counted.keep();
        Ok(())
    }

    /// Takes the oldest item, waiting for one.
    ///
    /// # Errors
    ///
    /// [`Closed`] once the queue is closed and empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: no item is lost.
    ///
    /// # Examples
    ///
    /// See [`Queue`].
    pub async fn get(&self) -> Result<T, Closed<T>> {
        self.rx.recv().await.map_err(|_| Closed(None))
    }

    /// Takes the oldest item from a thread outside the hub.
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
        self.rx.recv_blocking().map_err(|_| Closed(None))
    }

    /// Takes the oldest item if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// let q = genlet::Queue::<u8>::unbounded();
    /// assert_eq!(q.try_get(), None);
    /// ```
    pub fn try_get(&self) -> Option<T> {
        self.rx.try_recv().ok()
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
        let count = &self.unfinished.count;
        let mut current = count.load(Ordering::SeqCst);
        loop {
            if current == 0 {
                return Err(ExtraTaskDone);
            }
            match count.compare_exchange(current, current - 1, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        if current == 1 {
            self.unfinished.zero.notify(usize::MAX);
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
        loop {
            if self.unfinished.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            let listener = self.unfinished.zero.listen();
            if self.unfinished.count.load(Ordering::SeqCst) == 0 {
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
        self.tx.close()
    }

    /// Items waiting.
    ///
    /// # Examples
    ///
    /// See [`Queue::unbounded`].
    pub fn len(&self) -> usize {
        self.rx.len()
    }

    /// True when no item waits.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(genlet::Queue::<u8>::unbounded().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rx.is_empty()
    }

    /// The size limit, if any.
    ///
    /// # Examples
    ///
    /// See [`Queue::bounded`].
    pub fn capacity(&self) -> Option<usize> {
        self.tx.capacity()
    }
}

/// A rendezvous: [`put`](Channel::put) completes only once a getter took the
/// item, handing over one item at a time (gevent's `Channel`). Clones share
/// it.
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
#[derive(Debug)]
pub struct Channel<T> {
    tx: async_channel::Sender<T>,
    rx: async_channel::Receiver<T>,
    handoff: Arc<Handoff>,
}

#[derive(Debug, Default)]
struct Handoff {
    /// Puts serialise here: the n-th item sent is the n-th received.
    putting: async_lock::Mutex<u64>,
    received: AtomicU64,
    taken: event_listener::Event,
}

impl<T> Clone for Channel<T> {
    fn clone(&self) -> Self {
        Channel {
            tx: self.tx.clone(),
            rx: self.rx.clone(),
            handoff: self.handoff.clone(),
        }
    }
}

impl<T> Default for Channel<T> {
    fn default() -> Self {
        Channel::new()
    }
}

impl<T> Channel<T> {
    /// A new channel.
    ///
    /// # Examples
    ///
    /// See [`Channel`].
    pub fn new() -> Self {
        let (tx, rx) = async_channel::bounded(1);
        Channel {
            tx,
            rx,
            handoff: Arc::default(),
        }
    }

    /// Hands `item` to a getter, waiting until one took it.
    ///
    /// # Errors
    ///
    /// [`Closed`] with the item when the channel is closed before it was
    /// sent. An item sent but still untaken when the channel closes is
    /// delivered to a later getter; the put returns `Ok` then.
    ///
    /// # Examples
    ///
    /// See [`Channel`].
    pub async fn put(&self, item: T) -> Result<(), Closed<T>> {
        let ticket = {
            let mut sent = self.handoff.putting.lock().await;
            self.tx
                .send(item)
                .await
                .map_err(|e| Closed(Some(e.into_inner())))?;
            *sent += 1;
            *sent
        };
        loop {
            if self.handoff.received.load(Ordering::SeqCst) >= ticket || self.tx.is_closed() {
                return Ok(());
            }
            let listener = self.handoff.taken.listen();
            if self.handoff.received.load(Ordering::SeqCst) >= ticket || self.tx.is_closed() {
                return Ok(());
            }
            listener.await;
        }
    }

    /// Takes the next item handed over, waiting for a putter.
    ///
    /// # Errors
    ///
    /// [`Closed`] once the channel is closed and nothing is left.
    ///
    /// # Examples
    ///
    /// See [`Channel`].
    pub async fn get(&self) -> Result<T, Closed<T>> {
        let item = self.rx.recv().await.map_err(|_| Closed(None))?;
        self.handoff.received.fetch_add(1, Ordering::SeqCst);
        self.handoff.taken.notify(usize::MAX);
        Ok(item)
    }

    /// Closes the channel: waiting putters and getters return.
    ///
    /// # Examples
    ///
    /// ```
    /// let c = genlet::Channel::<u8>::new();
    /// c.close();
    /// assert!(genlet::run(c.get()).is_err());
    /// ```
    pub fn close(&self) -> bool {
        let closed = self.tx.close();
        self.handoff.taken.notify(usize::MAX);
        closed
    }
}
