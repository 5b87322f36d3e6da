//! The per-thread context: which hub the calling thread runs tasks for (its
//! shared state and timer table), the local executor of the `block_on` it is
//! inside, whether it is polling that `block_on`'s own future, and the
//! `yield_now` count that tells its worker when to poll for I/O.
//!
//! Every thread-local of the hub is here, as in tokio's `runtime/context.rs`:
//! `hub.rs` sets them, `time.rs` reads them, and this module imports only
//! the types it stores (`shared.rs`, `timer_table.rs`), so the modules form
//! no circle. (The blocking detector keeps its own per-thread watch slot in
//! `detector.rs`, which imports nothing of the hub.)

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;

use crate::shared::Shared;
use crate::timer_table::TimerTable;

std::thread_local! {
    /// The hub whose task this thread is running, for `Handle::current`.
    static CURRENT: RefCell<Option<Weak<Shared>>> = const { RefCell::new(None) };
    /// That hub's timers, for `sleep` (kept apart: no upgrade per sleep).
    static TIMERS: RefCell<Option<Arc<TimerTable>>> = const { RefCell::new(None) };
    /// The local executor of the `block_on` running on this thread.
    static LOCAL: RefCell<Option<Rc<LocalExecutor<'static>>>> = const { RefCell::new(None) };
    /// True while the `block_on` thread runs hub tasks (which may run on
    /// any thread, so they get no local executor).
    static IN_HUB_TASK: Cell<bool> = const { Cell::new(false) };
    /// True while this thread polls the future given to `block_on` (and not
    /// one of the tasks it runs meanwhile).
    static IN_BLOCK_ON_FUTURE: Cell<bool> = const { Cell::new(false) };
    /// Counts `yield_now`s on this thread since the worker last polled I/O.
    static YIELDS: Cell<u32> = const { Cell::new(0) };
    /// When this thread's worker last went to poll I/O.
    static LAST_IO_POLL: Cell<Option<Instant>> = const { Cell::new(None) };
    /// True when the last stretch between I/O polls had
    /// [`YIELDS_PER_IO_POLL`] yields in less than [`IO_POLL_INTERVAL`]: a
    /// tight yield loop, which the count alone keeps polling often enough.
    static DENSE_YIELDS: Cell<bool> = const { Cell::new(false) };
}

/// The hub running on this thread, if any (possibly shut down since).
pub(crate) fn current() -> Option<Weak<Shared>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// The hub running on this thread, if any and still open.
pub(crate) fn current_shared() -> Option<Arc<Shared>> {
    CURRENT.with(|c| c.borrow().as_ref().and_then(Weak::upgrade))
}

/// The timers of the hub running on this thread, if any.
pub(crate) fn current_timers() -> Option<Arc<TimerTable>> {
    TIMERS.with(|t| t.borrow().clone())
}

/// Makes `shared` the thread's hub for the life of the guard, restoring the
/// previous one after.
pub(crate) struct Enter(Option<Weak<Shared>>, Option<Arc<TimerTable>>);

impl Enter {
    pub(crate) fn new(shared: &Arc<Shared>) -> Self {
        Enter(
            CURRENT.with(|c| c.replace(Some(Arc::downgrade(shared)))),
            TIMERS.with(|t| t.replace(Some(shared.timers.clone()))),
        )
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let (handle, timers) = (self.0.take(), self.1.take());
        CURRENT.with(|c| *c.borrow_mut() = handle);
        TIMERS.with(|t| *t.borrow_mut() = timers);
    }
}

/// The local executor of the `block_on` this thread is inside, if any.
pub(crate) fn local() -> Option<Rc<LocalExecutor<'static>>> {
    LOCAL.with(|l| l.borrow().clone())
}

/// Runs `f` with the local executor of the `block_on` this thread is inside;
/// `None` inside a hub task, even one that the `block_on` thread runs: a hub
/// task may run on any thread, so its `spawn_local` fails on every one.
pub(crate) fn with_local<R>(f: impl FnOnce(Option<&Rc<LocalExecutor<'static>>>) -> R) -> R {
    if IN_HUB_TASK.with(Cell::get) {
        return f(None);
    }
    LOCAL.with(|l| f(l.borrow().as_ref()))
}

/// Makes `local` the thread's local executor for the life of the guard
/// (outside any hub task: a `block_on` inside one starts afresh), restoring
/// the previous one after.
pub(crate) struct EnterLocal(Option<Rc<LocalExecutor<'static>>>, bool);

impl EnterLocal {
    pub(crate) fn new(local: Rc<LocalExecutor<'static>>) -> Self {
        EnterLocal(
            LOCAL.with(|l| l.replace(Some(local))),
            IN_HUB_TASK.with(|t| t.replace(false)),
        )
    }
}

impl Drop for EnterLocal {
    fn drop(&mut self) {
        let previous = self.0.take();
        LOCAL.with(|l| *l.borrow_mut() = previous);
        IN_HUB_TASK.with(|t| t.set(self.1));
    }
}

/// Marks the `block_on` thread as running hub tasks for the life of the
/// guard (see [`with_local`]).
pub(crate) struct InHubTask(bool);

impl InHubTask {
    pub(crate) fn enter() -> Self {
        InHubTask(IN_HUB_TASK.with(|t| t.replace(true)))
    }
}

impl Drop for InHubTask {
    fn drop(&mut self) {
        IN_HUB_TASK.with(|t| t.set(self.0));
    }
}

/// True while the calling thread polls the future given to
/// [`Hub::block_on`](crate::Hub::block_on).
pub(crate) fn in_block_on_future() -> bool {
    IN_BLOCK_ON_FUTURE.with(Cell::get)
}

/// Sets whether the thread polls the `block_on` future for the life of the
/// guard, restoring the previous value.
pub(crate) struct InBlockOnFuture(bool);

impl InBlockOnFuture {
    pub(crate) fn set(value: bool) -> Self {
        InBlockOnFuture(IN_BLOCK_ON_FUTURE.with(|f| f.replace(value)))
    }
}

impl Drop for InBlockOnFuture {
    fn drop(&mut self) {
        IN_BLOCK_ON_FUTURE.with(|f| f.set(self.0));
    }
}

/// After this many `yield_now`s on a worker, it polls for I/O before it runs
/// another task. 61 as tokio's `event_interval`: a poll costs five system
/// calls (polling re-arms its timerfd and eventfd each time, about 0.5 µs
/// here), which at 16 was 6–16 % of a `yield_now` ping-pong; a tight yield
/// loop still polls every dozen microseconds or so.
pub(crate) const YIELDS_PER_IO_POLL: u32 = 61;

/// A `yield_now` this long after the worker's last I/O poll makes it poll
/// before it runs another task (when the clock is read: see [`count_yield`]).
pub(crate) const IO_POLL_INTERVAL: Duration = Duration::from_micros(50);

/// True when tasks on this thread asked for an I/O poll:
/// [`YIELDS_PER_IO_POLL`] yields, or one yield at least [`IO_POLL_INTERVAL`]
/// after the last poll. [`reset_poll_io_request`] clears it.
pub(crate) fn take_poll_io_request() -> bool {
    YIELDS.with(Cell::get) >= YIELDS_PER_IO_POLL
}

/// Forgets the yields counted so far: the worker is about to poll I/O. The
/// time of the poll is noted only if tasks yielded since the last one (the
/// clock read is the costly part): after polls with no yield between them
/// the noted time is older than the last poll, which only makes the next
/// yield ask for a poll sooner.
pub(crate) fn reset_poll_io_request() {
    let yields = YIELDS.with(|count| count.replace(0));
    if yields > 0 {
        let now = Instant::now();
        LAST_IO_POLL.with(|last| {
            let dense = yields >= YIELDS_PER_IO_POLL
                && last
                    .get()
                    .is_some_and(|t| now.saturating_duration_since(t) < IO_POLL_INTERVAL);
            DENSE_YIELDS.with(|d| d.set(dense));
            last.set(Some(now));
        });
    }
}

/// Counts a yield; asks for an I/O poll if enough yields or enough time
/// went by since the last one.
///
/// A clock read costs about a quarter of a yield, so the time is not looked
/// at every yield. It is at the first yield since the last poll: a task that
/// yields rarely (every millisecond, say) has I/O polled at each of its
/// yields, each being the first since a poll. Then at the 2nd, 4th, 8th,
/// 16th and 32nd, unless the last stretch between polls was a tight loop (61
/// yields within the interval): there the count polls often enough, and a
/// tight yield loop pays two clock reads per 61 yields (this one and the
/// poll's).
pub(crate) fn count_yield() {
    YIELDS.with(|count| {
        let n = count.get().saturating_add(1);
        let look = n == 1 || (n.is_power_of_two() && !DENSE_YIELDS.with(Cell::get));
        let late = n < YIELDS_PER_IO_POLL
            && look
            && LAST_IO_POLL.with(|last| last.get().is_none_or(|t| t.elapsed() >= IO_POLL_INTERVAL));
        count.set(if late { YIELDS_PER_IO_POLL } else { n });
    });
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{YIELDS_PER_IO_POLL, count_yield, reset_poll_io_request, take_poll_io_request};

    /// Runs `f` on a fresh thread (fresh thread-locals).
    fn fresh(f: impl FnOnce() + Send + 'static) {
        std::thread::spawn(f).join().unwrap();
    }

    #[test]
    fn the_first_yield_ever_asks_for_a_poll() {
        fresh(|| {
            assert!(!take_poll_io_request());
            count_yield();
            assert!(take_poll_io_request());
            reset_poll_io_request();
            assert!(!take_poll_io_request());
        });
    }

    #[test]
    fn sixty_one_yields_ask_for_a_poll_however_fast() {
        fresh(|| {
            for _ in 0..100 {
                reset_poll_io_request();
                for _ in 0..YIELDS_PER_IO_POLL {
                    count_yield();
                }
                assert!(take_poll_io_request());
            }
        });
    }

    #[test]
    fn a_yield_long_after_the_last_poll_asks_for_one() {
        fresh(|| {
            // Tight loops first, so that the count alone would be relied on.
            for _ in 0..10 {
                reset_poll_io_request();
                for _ in 0..YIELDS_PER_IO_POLL {
                    count_yield();
                }
            }
            reset_poll_io_request();
            std::thread::sleep(Duration::from_micros(100));
            count_yield();
            assert!(take_poll_io_request(), "the first yield looks at the clock");
        });
    }

    #[test]
    fn polls_without_yields_between_them_make_the_next_yield_poll_sooner() {
        fresh(|| {
            count_yield();
            reset_poll_io_request();
            std::thread::sleep(Duration::from_micros(100));
            // An idle poll (no yields) does not move the noted time on.
            reset_poll_io_request();
            count_yield();
            assert!(take_poll_io_request());
        });
    }
}
