//! What a hub's threads share: its scheduler (run queues per priority), its timer table,
//! its blocking detector, and the list of threads running its tasks right now
//! (each a [`Ticker`]). Data only: the run loop that uses it is in `hub.rs`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, ThreadId};

use crate::detector::Detector;
use crate::scheduler::Scheduler;
use crate::timer_table::TimerTable;

/// What the hub's threads share: the scheduler of its tasks, and the rest.
/// Only the [`Hub`](crate::Hub) holds it strongly, so dropping the hub
/// drops the scheduler and cancels every task still in it, even tasks that
/// hold a [`Handle`](crate::Handle).
pub(crate) struct Shared {
    pub(crate) scheduler: Scheduler,
    pub(crate) detector: Option<Arc<Detector>>,
    pub(crate) timers: Arc<TimerTable>,
    /// Every thread running tasks right now: the workers and the threads
    /// inside `block_on`.
    tickers: Mutex<Vec<Arc<Ticker>>>,
    /// Set when the hub starts shutting down: a `Handle` spawns no more.
    closing: AtomicBool,
}

impl Shared {
    pub(crate) fn new(detector: Option<Arc<Detector>>) -> Self {
        Shared {
            scheduler: Scheduler::new(),
            detector,
            timers: Arc::new(TimerTable::new()),
            tickers: Mutex::new(Vec::new()),
            closing: AtomicBool::new(false),
        }
    }

    /// Refuses spawns through a [`Handle`](crate::Handle) from now on.
    pub(crate) fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
    }

    /// True once the hub started shutting down.
    pub(crate) fn is_closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    pub(crate) fn tickers(&self) -> MutexGuard<'_, Vec<Arc<Ticker>>> {
        self.tickers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lists `ticker` as running this hub's tasks until the guard drops.
    pub(crate) fn enlist(&self, ticker: Arc<Ticker>) -> Enlisted<'_> {
        self.tickers().push(ticker.clone());
        Enlisted(self, ticker)
    }
}

/// Removes a ticker from its hub's list when dropped.
pub(crate) struct Enlisted<'a>(&'a Shared, Arc<Ticker>);

impl Drop for Enlisted<'_> {
    fn drop(&mut self) {
        let mut tickers = self.0.tickers();
        if let Some(i) = tickers.iter().position(|t| Arc::ptr_eq(t, &self.1)) {
            tickers.swap_remove(i);
        }
    }
}

/// One thread that runs the hub's tasks (a worker, or a thread inside
/// `block_on`), as a `yield_now` in a `block_on` future sees it: whether it
/// is in the middle of running a task.
pub(crate) struct Ticker {
    pub(crate) thread: ThreadId,
    /// Twice the scheduling points it finished, plus one while it is inside
    /// one. Written only by its own thread.
    points: AtomicU64,
}

impl Ticker {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Ticker {
            thread: thread::current().id(),
            points: AtomicU64::new(0),
        })
    }

    /// Marks the thread busy until the guard drops (even by a panic).
    pub(crate) fn busy(&self) -> Busy<'_> {
        let points = self.points.load(Ordering::Relaxed);
        self.points.store(points | 1, Ordering::Release);
        Busy(self)
    }

    /// Its count of scheduling points: odd while it is inside one.
    pub(crate) fn points(&self) -> u64 {
        self.points.load(Ordering::Acquire)
    }
}

/// Marks its ticker idle again when dropped.
pub(crate) struct Busy<'a>(&'a Ticker);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        let points = self.0.points.load(Ordering::Relaxed);
        self.0.points.store((points | 1) + 1, Ordering::Release);
    }
}
