//! Synchronisation: [`Event`], [`AsyncResult`], [`BoundedSemaphore`] (over
//! the fair [`Semaphore`] of `semaphore.rs`), and smol's [`Lock`]
//! re-exported. Every one works across OS
//! threads (gevent's are same-thread only), with blocking variants for
//! threads outside the hub.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use crate::err::OverRelease;

pub use crate::semaphore::Semaphore;

/// A lock (async-lock's `Mutex`), usable from tasks (`lock().await`) and
/// from plain threads (`lock_blocking()`). Guard the data, not the code:
/// `Lock<Vec<u8>>`; `Lock` alone is gevent's bare lock.
///
/// # Examples
///
/// ```
/// let counter = std::sync::Arc::new(genlet::Lock::new(0));
/// let c = counter.clone();
/// std::thread::spawn(move || *c.lock_blocking() += 1).join().unwrap();
/// genlet::run(async { *counter.lock().await += 1 });
/// assert_eq!(*counter.lock_blocking(), 2);
/// ```
pub type Lock<T = ()> = async_lock::Mutex<T>;

/// A flag tasks can wait on: `set` wakes every waiter, `clear` resets it
/// (gevent's `Event`).
///
/// `set` wakes every task and thread that was waiting when it was called,
/// even if `clear` follows at once: a waiter returns when the flag is set,
/// or when it was set at any moment since the waiter started waiting.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let ready = Arc::new(genlet::Event::new());
/// let r = ready.clone();
/// let waiter = genlet::spawn(async move { r.wait().await; "go" });
/// std::thread::spawn(move || ready.set()); // from another thread
/// assert_eq!(genlet::run(waiter.join()).unwrap(), "go");
/// ```
#[derive(Debug, Default)]
pub struct Event {
    /// Bit 0: the flag. The other bits count the `set` calls that found it
    /// clear, so a waiter can tell that a `set` happened even after a
    /// `clear` undid it.
    state: AtomicU64,
    changed: event_listener::Event,
}

impl Event {
    /// An event, not set.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!genlet::Event::new().is_set());
    /// ```
    pub fn new() -> Self {
        Event::default()
    }

    /// Sets the flag and wakes every waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// let e = genlet::Event::new();
    /// e.set();
    /// assert!(e.is_set());
    /// ```
    pub fn set(&self) {
        let mut state = self.state.load(Ordering::SeqCst);
        while state & 1 == 0 {
            // Set the flag and count a new generation in one step.
            match self.state.compare_exchange_weak(
                state,
                state.wrapping_add(3),
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        self.changed.notify(usize::MAX);
    }

    /// Clears the flag. Waiters woken by an earlier `set` still return.
    ///
    /// # Examples
    ///
    /// ```
    /// let e = genlet::Event::new();
    /// e.set();
    /// e.clear();
    /// assert!(!e.is_set());
    /// ```
    pub fn clear(&self) {
        self.state.fetch_and(!1, Ordering::SeqCst);
    }

    /// True while set.
    ///
    /// # Examples
    ///
    /// See [`Event::set`].
    pub fn is_set(&self) -> bool {
        self.state.load(Ordering::SeqCst) & 1 == 1
    }

    /// True when the flag was set when `start` was read, is set now, or was
    /// set in between.
    fn fired_since(&self, start: u64) -> bool {
        let now = self.state.load(Ordering::SeqCst);
        start & 1 == 1 || now & 1 == 1 || now >> 1 != start >> 1
    }

    /// Waits until the flag is set (returns at once if it is). The wait
    /// starts when `wait` is called, not when the future is first polled: a
    /// `set` in between counts, even if a `clear` followed it.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe.
    ///
    /// # Examples
    ///
    /// See [`Event`].
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            start: self.state.load(Ordering::SeqCst),
            listener: None,
        }
    }

    /// Blocks the calling thread until the flag is set (for threads outside
    /// the hub; in a task, `wait().await`).
    ///
    /// # Examples
    ///
    /// ```
    /// let e = genlet::Event::new();
    /// e.set();
    /// e.wait_blocking();
    /// ```
    pub fn wait_blocking(&self) {
        futures_lite::future::block_on(self.wait());
    }
}

/// The future of [`Event::wait`].
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct EventWait<'a> {
    event: &'a Event,
    /// The event's state when the wait began.
    start: u64,
    listener: Option<event_listener::EventListener>,
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        loop {
            if this.event.fired_since(this.start) {
                return Poll::Ready(());
            }
            match &mut this.listener {
                None => this.listener = Some(this.event.changed.listen()),
                Some(listener) => {
                    ready!(Pin::new(listener).poll(cx));
                    this.listener = None;
                }
            }
        }
    }
}

/// A value (or an error) delivered once, readable by many (gevent's
/// `AsyncResult`).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let result = Arc::new(genlet::AsyncResult::<u32, String>::new());
/// let r = result.clone();
/// std::thread::spawn(move || r.set(7).unwrap());
/// assert_eq!(genlet::run(result.get()), Ok(7));
/// assert_eq!(result.set_exception("too late".into()), Err(Err("too late".into())));
/// ```
#[derive(Debug)]
pub struct AsyncResult<T, E> {
    value: Mutex<Option<Result<T, E>>>,
    ready: Event,
}

impl<T, E> Default for AsyncResult<T, E> {
    fn default() -> Self {
        AsyncResult {
            value: Mutex::new(None),
            ready: Event::new(),
        }
    }
}

impl<T, E> AsyncResult<T, E> {
    /// An empty result.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!genlet::AsyncResult::<(), ()>::new().is_ready());
    /// ```
    pub fn new() -> Self {
        AsyncResult::default()
    }

    fn lock(&self) -> MutexGuard<'_, Option<Result<T, E>>> {
        self.value.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn deliver(&self, result: Result<T, E>) -> Result<(), Result<T, E>> {
        {
            let mut value = self.lock();
            if value.is_some() {
                return Err(result);
            }
            *value = Some(result);
        }
        self.ready.set();
        Ok(())
    }

    /// Delivers `value` and wakes the readers.
    ///
    /// # Errors
    ///
    /// Gives `Ok(value)` back if a result was already delivered.
    ///
    /// # Examples
    ///
    /// See [`AsyncResult`].
    pub fn set(&self, value: T) -> Result<(), Result<T, E>> {
        self.deliver(Ok(value))
    }

    /// Delivers `error` and wakes the readers.
    ///
    /// # Errors
    ///
    /// Gives `Err(error)` back if a result was already delivered.
    ///
    /// # Examples
    ///
    /// See [`AsyncResult`].
    pub fn set_exception(&self, error: E) -> Result<(), Result<T, E>> {
        self.deliver(Err(error))
    }

    /// True once a result was delivered.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = genlet::AsyncResult::<u8, ()>::new();
    /// r.set(1).unwrap();
    /// assert!(r.is_ready());
    /// ```
    pub fn is_ready(&self) -> bool {
        self.ready.is_set()
    }

    /// Waits until a value or an error was delivered, taking nothing (gevent's
    /// `AsyncResult.wait`).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = genlet::AsyncResult::<u8, ()>::new();
    /// r.set(1).unwrap();
    /// genlet::run(r.wait());
    /// ```
    pub fn wait(&self) -> EventWait<'_> {
        self.ready.wait()
    }
}

impl<T: Clone, E: Clone> AsyncResult<T, E> {
    /// Waits for the result and returns a copy.
    ///
    /// # Errors
    ///
    /// The delivered error.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe.
    ///
    /// # Examples
    ///
    /// See [`AsyncResult`].
    pub async fn get(&self) -> Result<T, E> {
        self.ready.wait().await;
        self.peek()
    }

    /// Blocks the calling thread for the result (threads outside the hub).
    ///
    /// # Errors
    ///
    /// The delivered error.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = genlet::AsyncResult::<u8, ()>::new();
    /// r.set(3).unwrap();
    /// assert_eq!(r.get_blocking(), Ok(3));
    /// ```
    pub fn get_blocking(&self) -> Result<T, E> {
        self.ready.wait_blocking();
        self.peek()
    }

    fn peek(&self) -> Result<T, E> {
        match &*self.lock() {
            Some(result) => result.clone(),
            None => unreachable!("the ready flag is set after the value"),
        }
    }
}

/// A semaphore that refuses to be released beyond its initial count
/// (gevent's `BoundedSemaphore`, where over-release is an error).
///
/// # Examples
///
/// ```
/// let sem = genlet::BoundedSemaphore::new(1);
/// genlet::run(async {
///     sem.acquire().await;
///     assert!(sem.try_acquire().is_none());
///     sem.release().unwrap();
///     assert!(sem.release().is_err()); // one too many
/// });
/// ```
#[derive(Debug)]
pub struct BoundedSemaphore {
    permits: Semaphore,
    bound: usize,
    /// Permits taken by `acquire` and not released: what `release` checks,
    /// rather than the free permits, which a waiter on the semaphore's
    /// readiness takes for an instant.
    held: Mutex<usize>,
}

impl BoundedSemaphore {
    /// A semaphore with `bound` permits, never more.
    ///
    /// # Examples
    ///
    /// See [`BoundedSemaphore`].
    pub fn new(bound: usize) -> Self {
        BoundedSemaphore {
            permits: Semaphore::new(bound),
            bound,
            held: Mutex::new(0),
        }
    }

    /// Takes a permit, waiting for one (pair it with [`release`](BoundedSemaphore::release)).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: no permit is taken unless this completes.
    ///
    /// # Examples
    ///
    /// See [`BoundedSemaphore`].
    pub async fn acquire(&self) {
        let permit = self.permits.acquire().await;
        let mut held = self.held();
        permit.forget();
        *held += 1;
    }

    fn held(&self) -> std::sync::MutexGuard<'_, usize> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a permit is free, and leaves it free (another acquirer
    /// may take it first).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    pub(crate) async fn wait_available(&self) {
        drop(self.permits.acquire().await);
    }

    /// Takes a permit if one is free.
    ///
    /// # Examples
    ///
    /// See [`BoundedSemaphore`].
    pub fn try_acquire(&self) -> Option<()> {
        let permit = self.permits.try_acquire()?;
        let mut held = self.held();
        permit.forget();
        *held += 1;
        Some(())
    }

    /// Gives a permit back.
    ///
    /// # Errors
    ///
    /// [`OverRelease`] when no permit is held: every `acquire` was released
    /// already.
    ///
    /// # Examples
    ///
    /// See [`BoundedSemaphore`].
    pub fn release(&self) -> Result<(), OverRelease> {
        let mut held = self.held();
        if *held == 0 {
            return Err(OverRelease { bound: self.bound });
        }
        *held -= 1;
        self.permits.add_permits(1);
        Ok(())
    }

    /// Permits free right now.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(genlet::BoundedSemaphore::new(3).available_permits(), 3);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.permits.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::BoundedSemaphore;

    /// A waiter on the semaphore's readiness holds a permit for an instant
    /// (`wait_available`): a release in that instant is still refused when
    /// nobody acquired, and the bound is never passed.
    #[test]
    fn a_permit_taken_for_readiness_does_not_make_room_for_a_release() {
        let sem = BoundedSemaphore::new(1);
        let instant = sem.permits.try_acquire().expect("free");
        assert!(sem.release().is_err(), "nobody acquired: an over-release");
        drop(instant);
        assert_eq!(sem.available_permits(), 1);
        sem.try_acquire().expect("free");
        let instant = sem.permits.try_acquire();
        assert!(instant.is_none(), "the one permit is held");
        sem.release().expect("one was acquired");
        assert!(sem.release().is_err());
        assert_eq!(sem.available_permits(), 1);
    }
}
