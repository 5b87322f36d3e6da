//! The timer table: every sleep of one hub, filed by millisecond tick in a
//! slab, and the single driver task that fires them. The public `sleep`
//! future that files itself here is in `time.rs`.
//!
//! async-io keeps each timer in one mutex-protected `BTreeMap` and each
//! `Timer` is 56 bytes; a million sleepers pay for a million registrations
//! there. The hub instead files each sleep under its deadline rounded up to
//! the next millisecond ("tick"): registering is a vector push under the hub's
//! own lock, a sleeping task holds a 24-byte future, and one driver task wakes
//! each tick's sleepers together, re-arming its async-io timer for the next
//! non-empty tick.
//!
//! A sleep outlives its hub only if it was filed from a `block_on` and kept
//! past the hub's drop; the table is then marked closed and the sleep moves to
//! an async-io timer for the same deadline, so it still fires.
//!
//! Each tick keeps its sleeps' wakers in a vector of slots, and a sleep
//! knows its slot by index: the tick itself comes back from the sleep's
//! deadline. A slot is 16 bytes, a waker's size (a free slot holds the index
//! of the next free one instead), and a sleep is 24 bytes. Which ticks have
//! fired is one atomic counter (every tick up to it has), so a sleep polled
//! or dropped after its tick fired, the common case, takes no lock: a
//! sleeping task's whole life costs one lock of the table, its filing.
//!
//! A sleep dropped early (a timeout whose future finished first) frees its
//! slot at once, for the tick's next sleep to take; a tick goes, with its
//! vector, when its last sleep does. So timeouts that finish early leave no
//! memory behind, however far away their ticks were; a tick keeps at most as
//! many slots as it once had sleeps at the same time.

use core::future::Future;
use core::pin::Pin;
use core::task::{Poll, Waker};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_io::Timer;

/// Sleeps of one hub.
pub(crate) struct TimerTable {
    epoch: Instant,
    state: Mutex<State>,
    /// Every tick up to this one has fired: a deadline in one of them has
    /// passed, with no need to read the clock. Written under the lock (in
    /// the same hold that takes those ticks out of `by_tick`), read without.
    fired_through: AtomicU64,
    /// Set when the hub is dropped: nothing will drive the table any more.
    closed: AtomicBool,
    /// How many sleeps are filed and not fired (written under the lock, read
    /// without it: a hint for `block_on`, see [`TimerTable::is_idle`]).
    filed: AtomicUsize,
}

#[derive(Default)]
struct State {
    /// Each tick's sleeps; a tick with none is removed.
    by_tick: BTreeMap<u64, Tick>,
    /// The driver's waker, and the tick its timer is set for.
    driver: Option<Waker>,
    armed: Option<u64>,
}

/// The sleeps of one tick that has not fired.
struct Tick {
    slots: Vec<Slot>,
    /// How many slots are filed.
    live: u32,
    /// The first free slot, [`NO_SLOT`] for none.
    free: u32,
}

/// The end of a tick's free list.
const NO_SLOT: u32 = u32::MAX;

enum Slot {
    /// A sleep's: the waker to wake when the tick fires.
    Filed(Waker),
    /// Free; the next free slot, or [`NO_SLOT`].
    Free(u32),
}

impl Tick {
    fn new() -> Self {
        Tick {
            slots: Vec::new(),
            live: 0,
            free: NO_SLOT,
        }
    }

    /// Files `waker` in a free slot, or a new one; returns its key.
    fn file(&mut self, waker: Waker) -> u32 {
        self.live += 1;
        if let Some(Slot::Free(next)) = self.slots.get(self.free as usize) {
            let key = self.free;
            self.free = *next;
            self.slots[key as usize] = Slot::Filed(waker);
            return key;
        }
        debug_assert_eq!(self.free, NO_SLOT, "a tick's free list holds free slots");
        self.slots.push(Slot::Filed(waker));
        (self.slots.len() - 1) as u32
    }

    /// Frees slot `key`, filed until now.
    fn free(&mut self, key: u32) {
        let Some(slot @ Slot::Filed(_)) = self.slots.get_mut(key as usize) else {
            debug_assert!(false, "a sleep's slot is freed only by the sleep");
            return;
        };
        *slot = Slot::Free(self.free);
        self.free = key;
        self.live -= 1;
    }
}

/// Memory the table holds, for tests: ticks and their slots (capacities,
/// not lengths).
#[cfg(test)]
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Footprint {
    pub(crate) ticks: usize,
    pub(crate) slots: usize,
}

#[cfg(test)]
impl Footprint {
    /// What an empty table holds: nothing.
    pub(crate) fn is_empty_table(&self) -> bool {
        self.ticks == 0 && self.slots == 0
    }
}

impl TimerTable {
    pub(crate) fn new() -> Self {
        TimerTable {
            epoch: Instant::now(),
            state: Mutex::new(State::default()),
            fired_through: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            filed: AtomicUsize::new(0),
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
                .by_tick
                .values_mut()
                .flat_map(|tick| &mut tick.slots)
                .filter_map(|slot| match slot {
                    Slot::Filed(waker) => Some(core::mem::replace(waker, Waker::noop().clone())),
                    Slot::Free(_) => None,
                })
                .collect()
        };
        for waker in wakers {
            waker.wake();
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// True when no sleep is waiting to fire: then the driver has nothing to
    /// do, and a `block_on` thread need not wait registered for it. Exact
    /// for sleeps this thread filed; others' may be a moment late.
    pub(crate) fn is_idle(&self) -> bool {
        self.filed.load(Ordering::Relaxed) == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the table holds now.
    #[cfg(test)]
    pub(crate) fn footprint(&self) -> Footprint {
        let state = self.lock();
        Footprint {
            ticks: state.by_tick.len(),
            slots: state.by_tick.values().map(|t| t.slots.capacity()).sum(),
        }
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

    /// True once `tick` fired. With `Acquire`, since the ticks it covers
    /// were taken out of the table; under the lock, `Relaxed` is enough.
    fn has_fired(&self, tick: u64, order: Ordering) -> bool {
        tick <= self.fired_through.load(order)
    }

    /// Files a sleep until `deadline`; returns its key, or `None` when the
    /// deadline's tick has fired already (it has passed: nothing to file).
    pub(crate) fn register(&self, deadline: Instant, waker: &Waker) -> Option<u32> {
        let tick = self.tick_of(deadline);
        if self.has_fired(tick, Ordering::Acquire) {
            return None;
        }
        let mut state = self.lock();
        if self.has_fired(tick, Ordering::Relaxed) {
            return None;
        }
        self.filed.fetch_add(1, Ordering::Relaxed);
        let key = state
            .by_tick
            .entry(tick)
            .or_insert_with(Tick::new)
            .file(waker.clone());
        // An earlier deadline than the driver's: have it re-arm.
        if state.armed.is_none_or(|armed| tick < armed) {
            state.armed = Some(tick);
            if let Some(driver) = state.driver.take() {
                driver.wake();
            }
        }
        Some(key)
    }

    /// `Ready` once the sleep filed under `key` until `deadline` fired (its
    /// slot is then the driver's to free); otherwise keeps `waker` to be
    /// woken. Takes no lock once the tick fired.
    pub(crate) fn poll_fired(&self, key: u32, deadline: Instant, waker: &Waker) -> Poll<()> {
        let tick = self.tick_of(deadline);
        if self.has_fired(tick, Ordering::Acquire) {
            return Poll::Ready(());
        }
        let mut state = self.lock();
        if self.has_fired(tick, Ordering::Relaxed) {
            return Poll::Ready(());
        }
        match state
            .by_tick
            .get_mut(&tick)
            .and_then(|t| t.slots.get_mut(key as usize))
        {
            Some(Slot::Filed(filed)) => {
                if !filed.will_wake(waker) {
                    *filed = waker.clone();
                }
            }
            _ => debug_assert!(false, "a sleep's slot is freed only by the sleep"),
        }
        Poll::Pending
    }

    /// Frees the slot of a sleep dropped before it completed; `deadline` is
    /// the one it was registered with. Takes no lock once the tick fired.
    pub(crate) fn cancel(&self, key: u32, deadline: Instant) {
        let tick = self.tick_of(deadline);
        if self.has_fired(tick, Ordering::Acquire) {
            return;
        }
        let mut state = self.lock();
        if self.has_fired(tick, Ordering::Relaxed) {
            return;
        }
        let Some(filed) = state.by_tick.get_mut(&tick) else {
            debug_assert!(false, "a filed sleep's tick is in the table");
            return;
        };
        filed.free(key);
        self.filed.fetch_sub(1, Ordering::Relaxed);
        if filed.live == 0 {
            state.by_tick.remove(&tick);
        }
    }

    /// Fires every tick up to now; returns the next tick to wait for. Wakers
    /// are woken after the lock is released.
    fn fire_due(&self, driver: &Waker, woken: &mut Vec<Waker>) -> Option<u64> {
        // Every tick at or before now is due.
        let now = self.epoch.elapsed().as_millis() as u64;
        let mut state = self.lock();
        self.fired_through.fetch_max(now, Ordering::Release);
        while let Some(entry) = state.by_tick.first_entry() {
            if *entry.key() > now {
                break;
            }
            let tick = entry.remove();
            self.filed.fetch_sub(tick.live as usize, Ordering::Relaxed);
            woken.extend(tick.slots.into_iter().filter_map(|slot| match slot {
                Slot::Filed(waker) => Some(waker),
                Slot::Free(_) => None,
            }));
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::TimerTable;

    #[test]
    fn cancelled_sleeps_free_their_slots_for_reuse() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        let far = Instant::now() + Duration::from_secs(3600);
        let keep = timers.register(far, waker).unwrap();
        for _ in 0..1000 {
            let key = timers.register(far, waker).unwrap();
            assert_eq!(key, keep + 1, "one slot, reused");
            timers.cancel(key, far);
        }
        let state = timers.lock();
        let tick = &state.by_tick[&timers.tick_of(far)];
        assert_eq!((tick.slots.len(), tick.live), (2, 1));
    }

    #[test]
    fn idle_only_while_no_sleep_waits() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        assert!(timers.is_idle());
        let far = Instant::now() + Duration::from_secs(3600);
        let (a, b) = (
            timers.register(far, waker).unwrap(),
            timers.register(far, waker).unwrap(),
        );
        assert!(!timers.is_idle());
        timers.cancel(a, far);
        assert!(!timers.is_idle());
        timers.cancel(b, far);
        assert!(timers.is_idle());
        // Fired by the driver, then seen by its sleep.
        let soon = Instant::now() + Duration::from_millis(1);
        let key = timers.register(soon, waker).unwrap();
        std::thread::sleep(Duration::from_millis(3));
        timers.fire_due(waker, &mut Vec::new());
        assert!(timers.is_idle());
        assert!(timers.poll_fired(key, soon, waker).is_ready());
        assert!(timers.is_idle());
    }

    #[test]
    fn cancelled_sleeps_leave_nothing_behind() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        assert!(timers.footprint().is_empty_table());
        let now = Instant::now();
        // Many at once, spread over many ticks, cancelled in a scrambled order.
        let mut filed: Vec<(u32, Instant)> = (0..100_000u64)
            .map(|i| {
                let deadline = now + Duration::from_millis(1000 + i % 5000);
                (timers.register(deadline, waker).unwrap(), deadline)
            })
            .collect();
        let mut order: Vec<usize> = (0..filed.len()).collect();
        let mut x = 1u64;
        for i in (1..order.len()).rev() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            order.swap(i, (x >> 33) as usize % (i + 1));
        }
        for (n, &i) in order.iter().enumerate() {
            let (key, deadline) = filed[i];
            timers.cancel(key, deadline);
            if n == order.len() / 2 {
                let half = timers.footprint();
                assert!(half.ticks <= 5000 && half.slots <= 2 * 100_000, "{half:?}");
            }
        }
        filed.clear();
        assert!(
            timers.footprint().is_empty_table(),
            "{:?}",
            timers.footprint()
        );
        // And one at a time: nothing grows.
        for i in 0..100_000u64 {
            let deadline = now + Duration::from_secs(3600 + i);
            let key = timers.register(deadline, waker).unwrap();
            timers.cancel(key, deadline);
        }
        assert!(
            timers.footprint().is_empty_table(),
            "{:?}",
            timers.footprint()
        );
    }

    #[test]
    fn a_tick_keeps_no_more_slots_than_it_had_sleeps_at_once() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        let far = Instant::now() + Duration::from_secs(3600);
        let keep = timers.register(far, waker).unwrap();
        // Ten at a time, cancelled in every order, a thousand times over.
        for round in 0..1000usize {
            let mut keys: Vec<u32> = (0..10)
                .map(|_| timers.register(far, waker).unwrap())
                .collect();
            keys.rotate_left(round % 10);
            for key in keys {
                timers.cancel(key, far);
            }
        }
        assert_eq!(timers.lock().by_tick[&timers.tick_of(far)].slots.len(), 11);
        timers.cancel(keep, far);
        assert!(timers.footprint().is_empty_table());
    }

    #[test]
    fn a_fired_sleep_needs_no_lock_when_polled_or_dropped() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        let soon = timers.epoch + Duration::from_millis(1);
        let a = timers.register(soon, waker).unwrap();
        let b = timers.register(soon, waker).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        let mut woken = Vec::new();
        timers.fire_due(waker, &mut woken);
        assert_eq!(woken.len(), 2);
        assert!(timers.footprint().is_empty_table());
        // With the lock held elsewhere, both still return.
        let held = timers.lock();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let ready = timers.poll_fired(a, soon, waker).is_ready();
                timers.cancel(b, soon); // dropped after its tick, unpolled
                done.send(ready).unwrap();
            });
            let ready = finished.recv_timeout(Duration::from_secs(10));
            drop(held);
            assert_eq!(ready, Ok(true), "a fired sleep waited for the table's lock");
        });
    }

    #[test]
    fn due_ticks_fire_and_later_ones_wait() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        let soon = timers.epoch + Duration::from_millis(1);
        let due = timers.register(soon, waker).unwrap();
        let far = Instant::now() + Duration::from_secs(3600);
        let later = timers.register(far, waker).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        let mut woken = Vec::new();
        let next = timers.fire_due(waker, &mut woken);
        assert_eq!(woken.len(), 1);
        assert!(timers.poll_fired(due, soon, waker).is_ready());
        assert!(timers.poll_fired(later, far, waker).is_pending());
        assert!(next.is_some_and(|tick| tick >= 3_600_000));
        // A deadline in a tick that fired needs no filing: it has passed.
        assert_eq!(timers.register(soon, waker), None);
        assert_eq!(timers.register(timers.epoch, waker), None);
    }

    #[test]
    fn a_slot_is_a_wakers_size() {
        assert_eq!(size_of::<super::Slot>(), size_of::<std::task::Waker>());
    }
}
