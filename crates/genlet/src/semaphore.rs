//! [`Semaphore`]: a counting semaphore that serves its waiters in the order
//! they began to wait, and the pools' slots are its permits.
//!
//! async-lock's semaphore (smol's) lets a caller that finds a permit free
//! take it even while others wait, and a release only wakes a waiter, which
//! then tries again: on a hub with one worker, a greenlet that gives a
//! permit back and at once asks again gets it every time, and the waiters
//! starve (gevent fixed the same in its `Semaphore`, gevent #1487). Here a
//! release hands the permit to the first waiter itself, and nobody takes a
//! free permit while anyone waits.
//!
//! The state is one mutex-guarded count and queue, held only to count and
//! to queue (no user code runs under it). A waiter that stops waiting is
//! marked and skipped; the queue is swept once those outnumber the live
//! ones, so waits cancelled by timeouts leave nothing behind.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU8, Ordering};
use core::task::{Context, Poll};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use futures_util::task::AtomicWaker;

/// A counting semaphore whose waiters are served first come, first served:
/// `acquire().await` gives a guard that holds one permit and gives it back
/// when dropped, straight to the longest waiter. A caller never takes a free
/// permit ahead of one that waits, so a greenlet that loops on acquire and
/// release cannot starve the others (gevent's fairness, gevent #1487).
///
/// `add_permits` is gevent's unpaired `release`. It works across OS threads
/// as well as greenlets.
///
/// # Examples
///
/// ```
/// let sem = genlet::Semaphore::new(2);
/// genlet::run(async {
///     let _a = sem.acquire().await;
///     let _b = sem.acquire().await;
///     assert!(sem.try_acquire().is_none());
/// });
/// assert_eq!(sem.available_permits(), 2);
/// ```
pub struct Semaphore {
    state: Mutex<State>,
}

struct State {
    /// Free permits. Never above zero while a live waiter is queued: a
    /// release hands its permit to the first one instead.
    permits: usize,
    /// The waiters in the order they came, with cancelled ones among them.
    queue: VecDeque<Arc<Waiter>>,
    /// The waiters in `queue` that still wait.
    waiting: usize,
}

/// One waiter's place in the queue.
struct Waiter {
    /// [`WAITING`], [`GRANTED`] or [`CANCELLED`]; changed under the
    /// semaphore's lock only.
    stage: AtomicU8,
    waker: AtomicWaker,
}

/// In the queue, waiting.
const WAITING: u8 = 0;
/// Handed a permit, which is its own now.
const GRANTED: u8 = 1;
/// Stopped waiting: to be skipped.
const CANCELLED: u8 = 2;

impl State {
    /// Gives `n` permits back: to the first waiters, then to the count.
    /// Returns the waiters to wake (once the lock is released).
    fn release(&mut self, mut n: usize, woken: &mut Vec<Arc<Waiter>>) {
        while n > 0 {
            let Some(waiter) = self.queue.pop_front() else {
                break;
            };
            if waiter.stage.load(Ordering::Relaxed) == WAITING {
                waiter.stage.store(GRANTED, Ordering::Release);
                self.waiting -= 1;
                woken.push(waiter);
                n -= 1;
            }
        }
        self.permits = self.permits.saturating_add(n);
    }

    /// Takes a permit if one is free and nobody waits for one.
    fn try_take(&mut self) -> bool {
        if self.permits > 0 && self.waiting == 0 {
            self.permits -= 1;
            return true;
        }
        false
    }

    /// Drops the cancelled waiters once they outnumber the live ones.
    fn sweep(&mut self) {
        if self.queue.len() > 2 * self.waiting + 16 {
            self.queue
                .retain(|w| w.stage.load(Ordering::Relaxed) == WAITING);
        }
    }
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(genlet::Semaphore::new(3).available_permits(), 3);
    /// ```
    pub const fn new(permits: usize) -> Self {
        Semaphore {
            state: Mutex::new(State {
                permits,
                queue: VecDeque::new(),
                waiting: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No user code runs under the lock; a panic there (out of memory)
        // leaves the counts as they were.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a permit if one is free and nobody waits for one.
    fn take(&self) -> bool {
        self.lock().try_take()
    }

    /// Gives `n` permits back, waking the waiters they go to.
    fn give(&self, n: usize) {
        let mut woken = Vec::new();
        self.lock().release(n, &mut woken);
        for waiter in woken {
            waiter.waker.wake();
        }
    }

    /// Takes a permit if one is free (and nobody waits for one).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = genlet::Semaphore::new(1);
    /// let guard = sem.try_acquire().unwrap();
    /// assert!(sem.try_acquire().is_none());
    /// drop(guard);
    /// assert!(sem.try_acquire().is_some());
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphoreGuard<'_>> {
        self.take().then(|| SemaphoreGuard(self))
    }

    /// Waits for a permit, behind every caller that was waiting already.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropped before it completes, it holds no permit (one
    /// handed to it in that instant goes on to the next waiter), and its
    /// place in the queue is lost.
    ///
    /// # Examples
    ///
    /// See [`Semaphore`].
    pub fn acquire(&self) -> SemaphoreAcquire<'_> {
        SemaphoreAcquire {
            semaphore: self,
            waiter: None,
        }
    }

    /// Blocks the calling thread until a permit is free (for threads outside
    /// the hub; in a greenlet, `acquire().await`).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = genlet::Semaphore::new(1);
    /// let guard = sem.acquire_blocking();
    /// assert_eq!(sem.available_permits(), 0);
    /// drop(guard);
    /// ```
    pub fn acquire_blocking(&self) -> SemaphoreGuard<'_> {
        futures_lite::future::block_on(self.acquire())
    }

    /// [`try_acquire`](Semaphore::try_acquire) for a semaphore in an
    /// [`Arc`]: the guard owns a reference, and may outlive the borrow.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(genlet::Semaphore::new(1));
    /// let guard = sem.try_acquire_arc().unwrap();
    /// assert!(sem.try_acquire_arc().is_none());
    /// drop(guard);
    /// ```
    pub fn try_acquire_arc(self: &Arc<Self>) -> Option<SemaphoreGuardArc> {
        self.take().then(|| SemaphoreGuardArc(Some(self.clone())))
    }

    /// [`acquire`](Semaphore::acquire) for a semaphore in an [`Arc`]: the
    /// future and its guard own a reference.
    ///
    /// # Cancel safety
    ///
    /// As [`acquire`](Semaphore::acquire)'s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(genlet::Semaphore::new(1));
    /// let guard = genlet::run(sem.acquire_arc());
    /// assert_eq!(sem.available_permits(), 0);
    /// drop(guard);
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn acquire_arc(self: &Arc<Self>) -> SemaphoreAcquireArc {
        SemaphoreAcquireArc {
            semaphore: self.clone(),
            waiter: None,
        }
    }

    /// [`acquire_blocking`](Semaphore::acquire_blocking) for a semaphore
    /// in an [`Arc`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(genlet::Semaphore::new(1));
    /// let guard = sem.acquire_arc_blocking();
    /// assert_eq!(sem.available_permits(), 0);
    /// drop(guard);
    /// ```
    pub fn acquire_arc_blocking(self: &Arc<Self>) -> SemaphoreGuardArc {
        futures_lite::future::block_on(self.acquire_arc())
    }

    /// Adds `n` permits: to the waiters first, in their order.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = genlet::Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn add_permits(&self, n: usize) {
        self.give(n);
    }

    /// Permits free right now (zero while anyone waits).
    ///
    /// # Examples
    ///
    /// See [`Semaphore::add_permits`].
    pub fn available_permits(&self) -> usize {
        self.lock().permits
    }

    /// One step of a wait: takes a permit or queues `waiter`, or (queued)
    /// sees whether one was handed to it.
    fn poll_acquire(&self, waiter: &mut Option<Arc<Waiter>>, cx: &mut Context<'_>) -> Poll<()> {
        match waiter {
            Some(queued) => {
                queued.waker.register(cx.waker());
                if queued.stage.load(Ordering::Acquire) == GRANTED {
                    *waiter = None;
                    return Poll::Ready(());
                }
                Poll::Pending
            }
            None => {
                // Tried and queued under one lock: no release slips between.
                let mut state = self.lock();
                if state.try_take() {
                    return Poll::Ready(());
                }
                let queued = Arc::new(Waiter {
                    stage: AtomicU8::new(WAITING),
                    waker: AtomicWaker::new(),
                });
                queued.waker.register(cx.waker());
                state.queue.push_back(queued.clone());
                state.waiting += 1;
                *waiter = Some(queued);
                Poll::Pending
            }
        }
    }

    /// A wait ended before it completed: its place goes, and a permit handed
    /// to it meanwhile goes on to the next waiter.
    fn cancel(&self, waiter: Option<Arc<Waiter>>) {
        let Some(waiter) = waiter else {
            return;
        };
        let mut woken = Vec::new();
        {
            let mut state = self.lock();
            if waiter.stage.load(Ordering::Relaxed) == GRANTED {
                state.release(1, &mut woken);
            } else {
                waiter.stage.store(CANCELLED, Ordering::Relaxed);
                state.waiting -= 1;
                state.sweep();
            }
        }
        for waiter in woken {
            waiter.waker.wake();
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Semaphore")
            .field("permits", &state.permits)
            .field("waiting", &state.waiting)
            .finish()
    }
}

/// The future of [`Semaphore::acquire`].
#[must_use = "futures do nothing unless awaited"]
pub struct SemaphoreAcquire<'a> {
    semaphore: &'a Semaphore,
    waiter: Option<Arc<Waiter>>,
}

impl<'a> Future for SemaphoreAcquire<'a> {
    type Output = SemaphoreGuard<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphoreGuard<'a>> {
        let this = self.get_mut();
        this.semaphore
            .poll_acquire(&mut this.waiter, cx)
            .map(|()| SemaphoreGuard(this.semaphore))
    }
}

impl Drop for SemaphoreAcquire<'_> {
    fn drop(&mut self) {
        self.semaphore.cancel(self.waiter.take());
    }
}

impl fmt::Debug for SemaphoreAcquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphoreAcquire").finish_non_exhaustive()
    }
}

/// The future of [`Semaphore::acquire_arc`].
#[must_use = "futures do nothing unless awaited"]
pub struct SemaphoreAcquireArc {
    semaphore: Arc<Semaphore>,
    waiter: Option<Arc<Waiter>>,
}

impl Future for SemaphoreAcquireArc {
    type Output = SemaphoreGuardArc;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphoreGuardArc> {
        let this = self.get_mut();
        this.semaphore
            .poll_acquire(&mut this.waiter, cx)
            .map(|()| SemaphoreGuardArc(Some(this.semaphore.clone())))
    }
}

impl Drop for SemaphoreAcquireArc {
    fn drop(&mut self) {
        self.semaphore.cancel(self.waiter.take());
    }
}

impl fmt::Debug for SemaphoreAcquireArc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphoreAcquireArc")
            .finish_non_exhaustive()
    }
}

/// A permit of a [`Semaphore`], given back (to the first waiter) when
/// dropped.
///
/// # Examples
///
/// See [`Semaphore`].
#[must_use = "the permit is given back at once when the guard is dropped"]
pub struct SemaphoreGuard<'a>(&'a Semaphore);

impl SemaphoreGuard<'_> {
    /// Keeps the permit taken for good: the semaphore has one fewer.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = genlet::Semaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(self) {
        core::mem::forget(self);
    }
}

impl Drop for SemaphoreGuard<'_> {
    fn drop(&mut self) {
        self.0.give(1);
    }
}

impl fmt::Debug for SemaphoreGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphoreGuard").finish_non_exhaustive()
    }
}

/// A permit of a [`Semaphore`] in an [`Arc`], given back when dropped.
///
/// # Examples
///
/// See [`Semaphore::acquire_arc`].
#[must_use = "the permit is given back at once when the guard is dropped"]
pub struct SemaphoreGuardArc(Option<Arc<Semaphore>>);

impl SemaphoreGuardArc {
    /// Keeps the permit taken for good: the semaphore has one fewer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let sem = Arc::new(genlet::Semaphore::new(1));
    /// sem.try_acquire_arc().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.0 = None;
    }
}

impl Drop for SemaphoreGuardArc {
    fn drop(&mut self) {
        if let Some(semaphore) = self.0.take() {
            semaphore.give(1);
        }
    }
}

impl fmt::Debug for SemaphoreGuardArc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphoreGuardArc").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use core::pin::pin;
    use core::task::{Context, Poll};
    use std::task::Waker;

    use super::Semaphore;

    fn queued(sem: &Semaphore) -> usize {
        sem.lock().queue.len()
    }

    #[test]
    fn a_release_hands_the_permit_to_the_first_waiter() {
        let sem = Semaphore::new(1);
        let held = sem.try_acquire().unwrap();
        let mut cx = Context::from_waker(Waker::noop());
        let mut first = pin!(sem.acquire());
        let mut second = pin!(sem.acquire());
        assert!(first.as_mut().poll(&mut cx).is_pending());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        drop(held);
        // Handed over: nobody else can take it, the second waits on.
        assert!(sem.try_acquire().is_none());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        let Poll::Ready(guard) = first.as_mut().poll(&mut cx) else {
            panic!("the first waiter was handed the permit");
        };
        drop(guard);
        assert!(second.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn a_cancelled_waiter_passes_a_permit_handed_to_it_on() {
        let sem = Semaphore::new(1);
        let held = sem.try_acquire().unwrap();
        let mut cx = Context::from_waker(Waker::noop());
        let mut first = Box::pin(sem.acquire());
        let mut second = pin!(sem.acquire());
        assert!(first.as_mut().poll(&mut cx).is_pending());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        drop(held); // to `first`, which never sees it
        drop(first);
        assert!(second.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn cancelled_waits_leave_nothing_queued() {
        let sem = Semaphore::new(1);
        let _held = sem.try_acquire().unwrap();
        let mut cx = Context::from_waker(Waker::noop());
        let mut live = pin!(sem.acquire());
        assert!(live.as_mut().poll(&mut cx).is_pending());
        for _ in 0..10_000 {
            let mut wait = pin!(sem.acquire());
            assert!(wait.as_mut().poll(&mut cx).is_pending());
        }
        assert!(queued(&sem) <= 2 + 16 + 1, "{} queued", queued(&sem));
        assert_eq!(sem.lock().waiting, 1);
    }

    #[test]
    fn added_permits_go_to_the_waiters_first() {
        let sem = Semaphore::new(0);
        let mut cx = Context::from_waker(Waker::noop());
        let mut wait = pin!(sem.acquire());
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        sem.add_permits(2);
        assert_eq!(sem.available_permits(), 1);
        let Poll::Ready(_guard) = wait.as_mut().poll(&mut cx) else {
            panic!("the waiter was handed a permit");
        };
        assert_eq!(sem.available_permits(), 1);
    }
}
