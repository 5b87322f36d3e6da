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
//! Entries live in a slab addressed by key, and each knows its place under
//! its tick. An entry is freed only by its own sleep (when the sleep sees it
//! fired, or is dropped), so a key never outlives its entry and needs no
//! generation. An entry does not record its tick either: the sleep's deadline
//! gives it back when the sleep is cancelled. So entries are 24 bytes, as is a
//! sleep. A sleep that is dropped early (a timeout whose
//! future finished first) takes itself out of its tick at once, the tick
//! goes when its last sleep does, and the slab gives back its tail and its
//! spare capacity: so timeouts that finish early leave no memory behind,
//! however far away their ticks were.

use core::future::Future;
use core::pin::Pin;
use core::task::{Poll, Waker};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_io::Timer;

/// Sleeps of one hub.
pub(crate) struct TimerTable {
    epoch: Instant,
    state: Mutex<State>,
    /// Set when the hub is dropped: nothing will drive the table any more.
    closed: AtomicBool,
    /// How many sleeps are filed and not fired (written under the lock, read
    /// without it: a hint for `block_on`, see [`TimerTable::is_idle`]).
    filed: AtomicUsize,
}

#[derive(Default)]
struct State {
    entries: Vec<Entry>,
    /// Keys of free entries; may also hold keys past the end of `entries`
    /// (trimmed since) or of entries in use again, skipped when popped.
    free: Vec<u32>,
    /// Each tick's sleeps, by key; a tick with none is removed.
    by_tick: BTreeMap<u64, Vec<u32>>,
    /// The driver's waker, and the tick its timer is set for.
    driver: Option<Waker>,
    armed: Option<u64>,
    /// Every tick up to this one has fired: a deadline in one of them has
    /// passed, with no need to read the clock.
    fired_through: u64,
}

#[derive(Default)]
struct Entry {
    /// Not a sleep's: on the free list.
    free: bool,
    /// Its tick came; it is no longer under `by_tick`.
    fired: bool,
    waker: Option<Waker>,
    /// Where it is filed: `by_tick[tick][place]` (the tick of its sleep's
    /// deadline), until it fires.
    place: u32,
}

/// Memory the table holds, for tests: entries, free keys, ticks, and the
/// keys filed under them (capacities, not lengths).
#[cfg(test)]
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Footprint {
    pub(crate) entries: usize,
    pub(crate) free: usize,
    pub(crate) ticks: usize,
    pub(crate) filed: usize,
}

#[cfg(test)]
impl Footprint {
    /// What an empty table may hold: no ticks, a little spare capacity.
    pub(crate) fn is_empty_table(&self) -> bool {
        self.entries <= SPARE && self.free <= SPARE && self.ticks == 0 && self.filed == 0
    }
}

/// Spare capacity a vector of the table may keep however empty it is.
const SPARE: usize = 16;

/// Shrinks `v` when at most a quarter of its capacity is used.
fn shrink<T>(v: &mut Vec<T>) {
    if v.capacity() > SPARE && v.len() <= v.capacity() / 4 {
        v.shrink_to(v.len() * 2);
    }
}

impl State {
    /// Takes a free entry, or a new one.
    fn allocate(&mut self) -> u32 {
        while let Some(key) = self.free.pop() {
            if let Some(entry) = self.entries.get_mut(key as usize)
                && entry.free
            {
                entry.free = false;
                return key;
            }
        }
        self.entries.push(Entry::default());
        (self.entries.len() - 1) as u32
    }

    /// Gives entry `key` back, and whatever the table no longer needs.
    fn release(&mut self, key: u32) {
        let entry = &mut self.entries[key as usize];
        entry.waker = None;
        entry.free = true;
        if (key as usize) + 1 == self.entries.len() {
            // The tail: trim it and every free entry before it.
            while self.entries.last().is_some_and(|e| e.free) {
                self.entries.pop();
            }
        } else {
            self.free.push(key);
        }
        if self.entries.is_empty() {
            self.free.clear();
        } else if self.free.len() > 2 * self.entries.len() + 16 {
            // Mostly keys trimmed since, or taken again: rebuild.
            let entries = &self.entries;
            self.free
                .retain(|&k| entries.get(k as usize).is_some_and(|e| e.free));
            self.free.sort_unstable();
            self.free.dedup();
        }
        shrink(&mut self.entries);
        shrink(&mut self.free);
    }

    /// Takes entry `key`, not fired yet, out of `tick`, where it is filed.
    fn unfile(&mut self, key: u32, tick: u64) {
        let place = self.entries[key as usize].place as usize;
        let Some(filed) = self.by_tick.get_mut(&tick) else {
            debug_assert!(false, "a filed sleep's tick is in the table");
            return;
        };
        debug_assert_eq!(filed.get(place), Some(&key));
        filed.swap_remove(place);
        if let Some(&moved) = filed.get(place) {
            self.entries[moved as usize].place = place as u32;
        }
        if filed.is_empty() {
            self.by_tick.remove(&tick);
        } else {
            shrink(filed);
        }
    }
}

impl TimerTable {
    pub(crate) fn new() -> Self {
        TimerTable {
            epoch: Instant::now(),
            state: Mutex::new(State::default()),
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
                .entries
                .iter_mut()
                .filter_map(|e| e.waker.take())
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
            entries: state.entries.capacity(),
            free: state.free.capacity(),
            ticks: state.by_tick.len(),
            filed: state.by_tick.values().map(Vec::capacity).sum(),
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

    /// Files a sleep until `deadline`; returns its key, or `None` when the
    /// deadline's tick has fired already (it has passed: nothing to file).
    pub(crate) fn register(&self, deadline: Instant, waker: &Waker) -> Option<u32> {
        let tick = self.tick_of(deadline);
        let mut state = self.lock();
        if tick <= state.fired_through {
            return None;
        }
        let key = state.allocate();
        self.filed.fetch_add(1, Ordering::Relaxed);
        let filed = state.by_tick.entry(tick).or_default();
        let place = filed.len() as u32;
        filed.push(key);
        let entry = &mut state.entries[key as usize];
        entry.waker = Some(waker.clone());
        entry.fired = false;
        entry.place = place;
        // An earlier deadline than the driver's: have it re-arm.
        if state.armed.is_none_or(|armed| tick < armed) {
            state.armed = Some(tick);
            if let Some(driver) = state.driver.take() {
                driver.wake();
            }
        }
        Some(key)
    }

    /// `Ready` once the sleep fired (its entry is then freed); otherwise keeps
    /// `waker` to be woken.
    pub(crate) fn poll_fired(&self, key: u32, waker: &Waker) -> Poll<()> {
        let mut state = self.lock();
        let entry = &mut state.entries[key as usize];
        debug_assert!(!entry.free, "a sleep's entry is freed only by the sleep");
        if entry.fired {
            state.release(key);
            return Poll::Ready(());
        }
        if !entry.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            entry.waker = Some(waker.clone());
        }
        Poll::Pending
    }

    /// Frees the entry of a sleep dropped before it completed, and takes it
    /// out of its tick; `deadline` is the one it was registered with.
    pub(crate) fn cancel(&self, key: u32, deadline: Instant) {
        let tick = self.tick_of(deadline);
        let mut state = self.lock();
        let Some(entry) = state.entries.get(key as usize) else {
            return;
        };
        if entry.free {
            debug_assert!(false, "a sleep's entry is freed only by the sleep");
            return;
        }
        if !entry.fired {
            state.unfile(key, tick);
            self.filed.fetch_sub(1, Ordering::Relaxed);
        }
        state.release(key);
    }

    /// Fires every tick up to now; returns the next tick to wait for. Wakers
    /// are woken after the lock is released.
    fn fire_due(&self, driver: &Waker, woken: &mut Vec<Waker>) -> Option<u64> {
        // Every tick at or before now is due.
        let now = self.epoch.elapsed().as_millis() as u64;
        let mut state = self.lock();
        state.fired_through = state.fired_through.max(now);
        while let Some(entry) = state.by_tick.first_entry() {
            if *entry.key() > now {
                break;
            }
            let keys = entry.remove();
            self.filed.fetch_sub(keys.len(), Ordering::Relaxed);
            for key in keys {
                let slot = &mut state.entries[key as usize];
                slot.fired = true;
                woken.extend(slot.waker.take());
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::TimerTable;

    #[test]
    fn cancelled_sleeps_free_their_entries_for_reuse() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        let far = Instant::now() + Duration::from_secs(3600);
        let keep = timers.register(far, waker).unwrap();
        for _ in 0..1000 {
            let key = timers.register(far, waker).unwrap();
            assert_eq!(key, keep + 1, "one entry, reused");
            timers.cancel(key, far);
        }
        assert_eq!(timers.lock().entries.len(), 1);
        assert_eq!(timers.lock().by_tick[&timers.tick_of(far)], [keep]);
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
        // Fired by the driver, then taken by its sleep.
        let soon = Instant::now() + Duration::from_millis(1);
        let key = timers.register(soon, waker).unwrap();
        std::thread::sleep(Duration::from_millis(3));
        timers.fire_due(waker, &mut Vec::new());
        assert!(timers.is_idle());
        assert!(timers.poll_fired(key, waker).is_ready());
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
                assert!(half.ticks <= 5000 && half.filed <= 4 * 50_000, "{half:?}");
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
    fn a_fired_sleep_frees_its_entry_when_polled_or_dropped() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        let soon = timers.epoch + Duration::from_millis(1);
        let a = timers.register(soon, waker).unwrap();
        let b = timers.register(soon, waker).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        let mut woken = Vec::new();
        timers.fire_due(waker, &mut woken);
        assert!(timers.poll_fired(a, waker).is_ready());
        timers.cancel(b, soon); // dropped after its tick, unpolled
        assert!(
            timers.footprint().is_empty_table(),
            "{:?}",
            timers.footprint()
        );
    }

    #[test]
    fn due_ticks_fire_and_later_ones_wait() {
        let timers = TimerTable::new();
        let waker = std::task::Waker::noop();
        let soon = timers.epoch + Duration::from_millis(1);
        let due = timers.register(soon, waker).unwrap();
        let later = timers
            .register(Instant::now() + Duration::from_secs(3600), waker)
            .unwrap();
        std::thread::sleep(Duration::from_millis(2));
        let mut woken = Vec::new();
        let next = timers.fire_due(waker, &mut woken);
        assert_eq!(woken.len(), 1);
        assert!(timers.poll_fired(due, waker).is_ready());
        assert!(timers.poll_fired(later, waker).is_pending());
        assert!(next.is_some_and(|tick| tick >= 3_600_000));
        // A deadline in a tick that fired needs no filing: it has passed.
        assert_eq!(timers.register(soon, waker), None);
        assert_eq!(timers.register(timers.epoch, waker), None);
    }

    #[test]
    fn an_entry_is_small() {
        assert!(
            size_of::<super::Entry>() <= 24,
            "{}",
            size_of::<super::Entry>()
        );
    }
}
