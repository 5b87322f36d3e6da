//! The hub's timers: every sleep of a hub in one table, driven by a single
//! async-io timer.
//!
//! async-io keeps each timer in one mutex-protected `BTreeMap` and each
//! `Timer` is 56 bytes; a million sleepers pay for a million registrations
//! there. The hub instead files each sleep under its deadline rounded up to
//! the next millisecond ("tick"): registering is a vector push under the hub's
//! own lock, a sleeping task holds a 40-byte future, and one driver task wakes
//! each tick's sleepers together, re-arming its async-io timer for the next
//! non-empty tick.
//!
//! A sleep outlives its hub only if it was filed from a `block_on` and kept
//! past the hub's drop; the table is then marked closed and the sleep moves to
//! an async-io timer for the same deadline, so it still fires.
//!
//! Entries live in a slab addressed by `(key, generation)`: a sleep that is
//! dropped early frees its entry at once (its tick keeps a stale reference,
//! skipped when the tick fires), so long timeouts that finish early hold no
//! memory.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_io::Timer;

/// Sleeps of one hub.
pub(crate) struct Timers {
    epoch: Instant,
    state: Mutex<State>,
    /// Set when the hub is dropped: nothing will drive the table any more.
    closed: AtomicBool,
}

#[derive(Default)]
struct State {
    entries: Vec<Entry>,
    free: Vec<u32>,
    by_tick: BTreeMap<u64, Vec<(u32, u32)>>,
    /// The driver's waker, and the tick its timer is set for.
    driver: Option<Waker>,
    armed: Option<u64>,
}

#[derive(Default)]
struct Entry {
    generation: u32,
    waker: Option<Waker>,
    fired: bool,
}

impl Timers {
    pub(crate) fn new() -> Self {
        Timers {
            epoch: Instant::now(),
            state: Mutex::new(State::default()),
            closed: AtomicBool::new(false),
        }
    }

    /// Marks the table as no longer driven (its hub is gone) and wakes every
    /// sleep still filed, so that each moves to an async-io timer.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let wakers: Vec<Waker> = {
            let mut state = self.lock();
            state.driver = None;
            state
                .entries
                .iter_mut()
                .filter_map(|e| e.waker.take())
                .collect()
        };
        for waker in wakers {
            waker.wake();
        }
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The first tick at or after `deadline`.
    fn tick_of(&self, deadline: Instant) -> u64 {
        let since = deadline.saturating_duration_since(self.epoch);
        since.as_millis() as u64 + u64::from(!since.subsec_nanos().is_multiple_of(1_000_000))
    }

    /// When `tick` begins; `None` past what `Instant` can hold.
    fn instant_of(&self, tick: u64) -> Option<Instant> {
        self.epoch.checked_add(Duration::from_millis(tick))
    }

    /// Files a sleep until `deadline`; returns its `(key, generation)`.
    fn register(&self, deadline: Instant, waker: &Waker) -> (u32, u32) {
        let tick = self.tick_of(deadline);
        let mut state = self.lock();
        let key = match state.free.pop() {
            Some(key) => key,
            None => {
                state.entries.push(Entry::default());
                (state.entries.len() - 1) as u32
            }
        };
        let entry = &mut state.entries[key as usize];
        entry.waker = Some(waker.clone());
        entry.fired = false;
        let generation = entry.generation;
        state
            .by_tick
            .entry(tick)
            .or_default()
            .push((key, generation));
        // An earlier deadline than the driver's: have it re-arm.
        if state.armed.is_none_or(|armed| tick < armed) {
            state.armed = Some(tick);
            if let Some(driver) = state.driver.take() {
                driver.wake();
            }
        }
        (key, generation)
    }

    /// `Ready` once the sleep fired (its entry is then freed); otherwise keeps
    /// `waker` to be woken.
    fn poll_fired(&self, key: u32, generation: u32, waker: &Waker) -> Poll<()> {
        let mut state = self.lock();
        let entry = &mut state.entries[key as usize];
        debug_assert_eq!(entry.generation, generation);
        if entry.fired {
            entry.generation = entry.generation.wrapping_add(1);
            entry.waker = None;
            state.free.push(key);
            return Poll::Ready(());
        }
        if !entry.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            entry.waker = Some(waker.clone());
        }
        Poll::Pending
    }

    /// Frees the entry of a sleep dropped before it completed.
    fn cancel(&self, key: u32, generation: u32) {
        let mut state = self.lock();
        let entry = &mut state.entries[key as usize];
        if entry.generation == generation {
            entry.generation = entry.generation.wrapping_add(1);
            entry.waker = None;
            state.free.push(key);
        }
    }

    /// Fires every tick up to now; returns the next tick to wait for. Wakers
    /// are woken after the lock is released.
    fn fire_due(&self, driver: &Waker, woken: &mut Vec<Waker>) -> Option<u64> {
        // Every tick at or before now is due.
        let now = self.epoch.elapsed().as_millis() as u64;
        let mut state = self.lock();
        while let Some(entry) = state.by_tick.first_entry() {
            if *entry.key() > now {
                break;
            }
            for (key, generation) in entry.remove() {
                let slot = &mut state.entries[key as usize];
                if slot.generation == generation && !slot.fired {
                    slot.fired = true;
                    woken.extend(slot.waker.take());
                }
            }
        }
        let next = state.by_tick.keys().next().copied();
        state.armed = next;
        state.driver = Some(driver.clone());
        next
    }

    /// The driver: one task per hub, running until the hub is dropped.
    pub(crate) async fn drive(self: Arc<Self>) {
        let mut timer = Timer::never();
        let mut woken = Vec::new();
        loop {
            core::future::poll_fn(|cx| {
                let next = self.fire_due(cx.waker(), &mut woken);
                for waker in woken.drain(..) {
                    waker.wake();
                }
                match next.and_then(|tick| self.instant_of(tick)) {
                    Some(at) => timer.set_at(at),
                    None => timer = Timer::never(),
                }
                // Woken by the timer, or by `register` for an earlier tick.
                match Pin::new(&mut timer).poll(cx) {
                    Poll::Ready(_) => Poll::Ready(()),
                    Poll::Pending => Poll::Pending,
                }
            })
            .await;
        }
    }
}

/// The future of [`sleep`](crate::sleep) and [`sleep_until`](crate::sleep_until).
///
/// Inside a hub it is filed in the hub's own timer table (1 ms resolution,
/// rounded up); elsewhere it is an async-io timer. A sleep without a
/// deadline (one longer than [`Instant`] can reach) is filed nowhere and
/// never ends.
///
/// # Cancel safety
///
/// Dropping it cancels the wait and frees its timer entry.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let hub = genlet_reactor::Hub::new().unwrap();
/// let nap: genlet_reactor::Sleep = genlet_reactor::sleep(Duration::from_millis(2));
/// hub.block_on(nap);
/// ```
#[must_use = "a sleep does nothing unless awaited"]
pub struct Sleep {
    // 40 bytes: a sleeping task's whole future.
    /// `None`: never (beyond what `Instant` can hold).
    deadline: Option<Instant>,
    state: SleepState,
}

enum SleepState {
    /// Not polled yet.
    Start,
    /// Filed in a hub's table.
    Filed {
        timers: Arc<Timers>,
        key: u32,
        generation: u32,
    },
    /// Outside any hub (boxed: it is the rare case, and 56 bytes).
    Io(Box<Timer>),
    Done,
}

impl std::fmt::Debug for Sleep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl Sleep {
    pub(crate) fn until(deadline: Option<Instant>) -> Self {
        Sleep {
            deadline,
            state: SleepState::Start,
        }
    }

    /// When the sleep ends; `None` when it never does (its duration went
    /// beyond what [`Instant`] can hold, such as [`Duration::MAX`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let deadline = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(genlet_reactor::sleep_until(deadline).deadline(), Some(deadline));
    /// assert_eq!(genlet_reactor::sleep(Duration::MAX).deadline(), None);
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
}

impl Sleep {
    /// Waits on an async-io timer: outside any hub, or after the hub died.
    fn poll_io(this: &mut Self, deadline: Instant, cx: &mut Context<'_>) -> Poll<()> {
        let mut timer = Box::new(Timer::at(deadline));
        if Pin::new(&mut *timer).poll(cx).is_ready() {
            this.state = SleepState::Done;
            return Poll::Ready(());
        }
        this.state = SleepState::Io(timer);
        Poll::Pending
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        match &mut this.state {
            SleepState::Start => {
                let Some(deadline) = this.deadline else {
                    // Never: nothing to file, nobody to wake.
                    return Poll::Pending;
                };
                if Instant::now() >= deadline {
                    this.state = SleepState::Done;
                    return Poll::Ready(());
                }
                this.state = match crate::hub::current_timers() {
                    Some(timers) => {
                        let (key, generation) = timers.register(deadline, cx.waker());
                        SleepState::Filed {
                            timers,
                            key,
                            generation,
                        }
                    }
                    None => return Self::poll_io(this, deadline, cx),
                };
                Poll::Pending
            }
            SleepState::Filed {
                timers,
                key,
                generation,
            } => {
                let polled = timers.poll_fired(*key, *generation, cx.waker());
                if polled.is_ready() {
                    this.state = SleepState::Done;
                } else if timers.is_closed() {
                    // The hub that would fire it is gone: wait on async-io.
                    timers.cancel(*key, *generation);
                    this.state = SleepState::Start;
                    let deadline = this
                        .deadline
                        .expect("only a sleep with a deadline is filed");
                    return Self::poll_io(this, deadline, cx);
                }
                polled
            }
            SleepState::Io(timer) => match Pin::new(&mut **timer).poll(cx) {
                Poll::Ready(_) => {
                    this.state = SleepState::Done;
                    Poll::Ready(())
                }
                Poll::Pending => Poll::Pending,
            },
            SleepState::Done => Poll::Ready(()),
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let SleepState::Filed {
            timers,
            key,
            generation,
        } = &self.state
        {
            timers.cancel(*key, *generation);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Timers;

    #[test]
    fn cancelled_sleeps_free_their_entries_for_reuse() {
        let timers = Timers::new();
        let waker = std::task::Waker::noop();
        let far = Instant::now() + Duration::from_secs(3600);
        for _ in 0..1000 {
            let (key, generation) = timers.register(far, waker);
            timers.cancel(key, generation);
        }
        assert_eq!(timers.lock().entries.len(), 1, "one entry, reused");
        // The stale references left under the tick are skipped when it fires.
        let (key, generation) = timers.register(far, waker);
        assert_eq!((key, generation), (0, 1000));
    }

    #[test]
    fn due_ticks_fire_and_later_ones_wait() {
        let timers = Timers::new();
        let waker = std::task::Waker::noop();
        let (due, g1) = timers.register(timers.epoch, waker);
        let (later, g2) = timers.register(Instant::now() + Duration::from_secs(3600), waker);
        let mut woken = Vec::new();
        let next = timers.fire_due(waker, &mut woken);
        assert_eq!(woken.len(), 1);
        assert!(timers.poll_fired(due, g1, waker).is_ready());
        assert!(timers.poll_fired(later, g2, waker).is_pending());
        assert!(next.is_some_and(|tick| tick >= 3_600_000));
    }

    #[test]
    fn a_sleep_is_small() {
        assert!(
            size_of::<super::Sleep>() <= 40,
            "{}",
            size_of::<super::Sleep>()
        );
    }
}
