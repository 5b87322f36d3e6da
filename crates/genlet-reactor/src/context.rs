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
    /// True while this thread polls the future given to `block_on` (and not
    /// one of the tasks it runs meanwhile).
    static IN_BLOCK_ON_FUTURE: Cell<bool> = const { Cell::new(false) };
    /// Counts `yield_now`s on this thread since the worker last polled I/O.
    static YIELDS: Cell<u32> = const { Cell::new(0) };
    /// When this thread's worker last went to poll I/O.
    static LAST_IO_POLL: Cell<Option<Instant>> = const { Cell::new(None) };
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

/// Runs `f` with the local executor of the `block_on` this thread is inside.
pub(crate) fn with_local<R>(f: impl FnOnce(Option<&Rc<LocalExecutor<'static>>>) -> R) -> R {
    LOCAL.with(|l| f(l.borrow().as_ref()))
}

/// Makes `local` the thread's local executor for the life of the guard,
/// restoring the previous one after.
pub(crate) struct EnterLocal(Option<Rc<LocalExecutor<'static>>>);

impl EnterLocal {
    pub(crate) fn new(local: Rc<LocalExecutor<'static>>) -> Self {
        EnterLocal(LOCAL.with(|l| l.replace(Some(local))))
    }
}

impl Drop for EnterLocal {
    fn drop(&mut self) {
        let previous = self.0.take();
        LOCAL.with(|l| *l.borrow_mut() = previous);
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
/// another task.
pub(crate) const YIELDS_PER_IO_POLL: u32 = 16;

/// A `yield_now` this long after the worker's last I/O poll makes it poll
/// before it runs another task.
pub(crate) const IO_POLL_INTERVAL: Duration = Duration::from_micros(50);

/// True (and the count reset) when tasks on this thread asked for an I/O
/// poll: [`YIELDS_PER_IO_POLL`] yields, or one yield at least
/// [`IO_POLL_INTERVAL`] after the last poll.
pub(crate) fn take_poll_io_request() -> bool {
    YIELDS.with(|count| {
        let due = count.get() >= YIELDS_PER_IO_POLL;
        if due {
            count.set(0);
        }
        due
    })
}

/// Forgets the yields counted so far and notes the time: the worker is
/// about to poll I/O.
pub(crate) fn reset_poll_io_request() {
    YIELDS.with(|count| count.set(0));
    LAST_IO_POLL.with(|last| last.set(Some(Instant::now())));
}

/// Counts a yield; asks for an I/O poll if enough yields or enough time
/// went by since the last one.
pub(crate) fn count_yield() {
    YIELDS.with(|count| {
        let n = count.get().saturating_add(1);
        let late = n < YIELDS_PER_IO_POLL
            && LAST_IO_POLL.with(|last| last.get().is_none_or(|t| t.elapsed() >= IO_POLL_INTERVAL));
        count.set(if late { YIELDS_PER_IO_POLL } else { n });
    });
}
