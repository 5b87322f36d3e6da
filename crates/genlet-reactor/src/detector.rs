//! The blocking detector: gevent's monitor thread for the hub.
//!
//! Off by default. When on ([`Builder::detect_blocking`](crate::Builder::detect_blocking)
//! or the `GENLET_DETECT_BLOCKING` environment variable), every task poll on a
//! worker records when it started and which task it is, and a monitor thread
//! checks the workers every half threshold. A poll that has kept its worker
//! busy longer than the threshold (default 100 ms) is reported once, naming
//! the task, through a callback whose default prints one line to stderr.
//!
//! Only polls count: a task that is merely waiting (on a timer, a socket, a
//! channel) holds no worker and is never reported. The tasks a thread inside
//! `Hub::block_on` polls (the hub's and its `spawn_local` ones) are watched
//! as well as the workers': such a thread has its own slot, named after the
//! thread, for as long as its `block_on` lasts.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::cell::RefCell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The environment variable that turns the detector on for every hub: `1`
/// for the default threshold, or a threshold in milliseconds (`GENLET_DETECT_BLOCKING=250`).
pub const ENV_VAR: &str = "GENLET_DETECT_BLOCKING";

/// The default threshold.
pub const DEFAULT_THRESHOLD: Duration = Duration::from_millis(100);

/// The smallest threshold: a smaller one is raised to it, so the monitor
/// never spins.
pub(crate) const MIN_THRESHOLD: Duration = Duration::from_millis(1);

/// What the detector saw: a task that kept a worker busy too long.
///
/// # Examples
///
/// ```
/// use std::sync::mpsc;
/// use std::time::Duration;
/// use genlet_reactor::Hub;
///
/// let (tx, rx) = mpsc::channel();
/// let tx = std::sync::Mutex::new(tx);
/// let hub = Hub::builder()
///     .workers(1)
///     .detect_blocking(Duration::from_millis(20))
///     .on_blocking(move |report| tx.lock().unwrap().send(report.task().to_string()).unwrap())
///     .build()
///     .unwrap();
/// hub.task().name("spinner").spawn(async {
///     std::thread::sleep(Duration::from_millis(100)); // blocks the worker
/// })
/// .detach();
/// assert_eq!(rx.recv_timeout(Duration::from_secs(30)).unwrap(), "spinner");
/// ```
#[derive(Clone, Debug)]
pub struct BlockingReport {
    task: Arc<str>,
    worker: Arc<str>,
    busy_for: Duration,
}

impl BlockingReport {
    /// The task's name (`"<unnamed>"` when it was spawned without one).
    ///
    /// # Examples
    ///
    /// See [`BlockingReport`].
    pub fn task(&self) -> &str {
        &self.task
    }

    /// The name of the thread it kept busy: a worker's (`genlet-hub-0`, …),
    /// or that of a thread inside [`Hub::block_on`](crate::Hub::block_on)
    /// (`"<unnamed>"` for a thread without a name).
    ///
    /// # Examples
    ///
    /// See [`BlockingReport`].
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// How long the poll had been running when it was seen.
    ///
    /// # Examples
    ///
    /// See [`BlockingReport`].
    pub fn busy_for(&self) -> Duration {
        self.busy_for
    }
}

impl fmt::Display for BlockingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "genlet: task '{}' has kept worker '{}' busy for {} ms without yielding",
            self.task,
            self.worker,
            self.busy_for.as_millis()
        )
    }
}

/// The callback that receives reports.
pub(crate) type OnBlocking = Arc<dyn Fn(&BlockingReport) + Send + Sync>;

/// The threshold the environment asks for, if any.
pub(crate) fn threshold_from_env() -> Option<Duration> {
    parse_threshold(&std::env::var(ENV_VAR).ok()?)
}

/// `1`/`true`/`on`: the default threshold; a number above 1: that many
/// milliseconds; anything else: off.
fn parse_threshold(value: &str) -> Option<Duration> {
    match value.trim() {
        "1" | "true" | "on" => Some(DEFAULT_THRESHOLD),
        ms => ms
            .parse::<u64>()
            .ok()
            .filter(|&ms| ms > 1)
            .map(Duration::from_millis),
    }
}

/// One thread's current poll, as the monitor sees it.
pub(crate) struct WorkerSlot {
    name: Arc<str>,
    /// Nanoseconds since `epoch` when the current poll started; 0 when idle.
    started: AtomicU64,
    /// Bumped at each poll, so a long poll is reported once.
    polls: AtomicU64,
    /// The poll last reported (only the monitor writes it).
    reported: AtomicU64,
    task: Mutex<Arc<str>>,
}

impl WorkerSlot {
    fn new(name: Arc<str>) -> Arc<Self> {
        Arc::new(WorkerSlot {
            name,
            started: AtomicU64::new(0),
            polls: AtomicU64::new(0),
            reported: AtomicU64::new(u64::MAX),
            task: Mutex::new("<idle>".into()),
        })
    }
}

/// The detector's shared state: one slot per worker and per thread inside
/// `block_on`, and the stop flag.
pub(crate) struct Detector {
    epoch: Instant,
    threshold: Duration,
    workers: Vec<Arc<WorkerSlot>>,
    /// The threads inside `block_on` right now.
    guests: Mutex<Vec<Arc<WorkerSlot>>>,
    stopped: AtomicBool,
    on_blocking: OnBlocking,
}

/// Watches the calling thread, inside `block_on`, until dropped; then puts
/// back what the thread had before.
pub(crate) struct Guest {
    detector: Arc<Detector>,
    slot: Arc<WorkerSlot>,
    previous: Option<(Arc<Detector>, Arc<WorkerSlot>)>,
}

impl Drop for Guest {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SLOT.with(|s| *s.borrow_mut() = previous);
        let mut guests = self.detector.guests();
        if let Some(i) = guests.iter().position(|g| Arc::ptr_eq(g, &self.slot)) {
            guests.swap_remove(i);
        }
    }
}

/// True when the calling thread's polls are watched.
pub(crate) fn watching() -> bool {
    SLOT.with(|s| s.borrow().is_some())
}

std::thread_local! {
    /// The slot of the worker running on this thread, if watched.
    static SLOT: RefCell<Option<(Arc<Detector>, Arc<WorkerSlot>)>> = const { RefCell::new(None) };
}

impl Detector {
    pub(crate) fn new(threshold: Duration, workers: &[String], on_blocking: OnBlocking) -> Self {
        Detector {
            epoch: Instant::now(),
            threshold,
            workers: workers
                .iter()
                .map(|name| WorkerSlot::new(name.as_str().into()))
                .collect(),
            guests: Mutex::new(Vec::new()),
            stopped: AtomicBool::new(false),
            on_blocking,
        }
    }

    /// Marks the calling thread as worker `index`.
    pub(crate) fn enter_worker(self: &Arc<Self>, index: usize) {
        SLOT.with(|s| *s.borrow_mut() = Some((self.clone(), self.workers[index].clone())));
    }

    fn guests(&self) -> std::sync::MutexGuard<'_, Vec<Arc<WorkerSlot>>> {
        self.guests.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Watches the calling thread (inside `block_on`) until the guard drops.
    pub(crate) fn enter_guest(self: &Arc<Self>) -> Guest {
        let name = std::thread::current().name().unwrap_or("<unnamed>").into();
        let slot = WorkerSlot::new(name);
        self.guests().push(slot.clone());
        let previous = SLOT.with(|s| s.replace(Some((self.clone(), slot.clone()))));
        Guest {
            detector: self.clone(),
            slot,
            previous,
        }
    }

    fn now(&self) -> u64 {
        // At least 1: 0 means idle.
        (self.epoch.elapsed().as_nanos() as u64).max(1)
    }

    /// The monitor thread's loop, until `stop`.
    ///
    /// It sleeps until the first poll in progress reaches the threshold, or
    /// for one threshold when none is in progress (a poll that starts
    /// meanwhile is seen at the next look, before it reaches the threshold,
    /// and then waited for exactly): each poll is reported as soon as it has
    /// lasted the threshold, at most one look per threshold when idle.
    pub(crate) fn monitor(&self) {
        let mut guests = Vec::new();
        let mut nap = self.threshold;
        while !self.stopped.load(Ordering::Acquire) {
            std::thread::park_timeout(nap);
            guests.clone_from(&*self.guests());
            let now = self.now();
            nap = self.threshold;
            for slot in self.workers.iter().chain(&guests) {
                if let Some(due_in) = self.check(slot, now) {
                    nap = nap.min(due_in);
                }
            }
        }
    }

    /// Reports `slot`'s poll if it has run the threshold and was not
    /// reported; otherwise how long until it will have, if it is running.
    fn check(&self, slot: &WorkerSlot, now: u64) -> Option<Duration> {
        let started = slot.started.load(Ordering::Acquire);
        let poll = slot.polls.load(Ordering::Acquire);
        if started == 0 || poll == slot.reported.load(Ordering::Relaxed) {
            return None;
        }
        let busy_for = Duration::from_nanos(now.saturating_sub(started));
        if busy_for < self.threshold {
            return Some(self.threshold - busy_for);
        }
        slot.reported.store(poll, Ordering::Relaxed);
        let task = slot.task.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let report = BlockingReport {
            task,
            worker: slot.name.clone(),
            busy_for,
        };
        let on_blocking = &self.on_blocking;
        if catch_unwind(AssertUnwindSafe(|| on_blocking(&report))).is_err() {
            crate::report::hub_trouble(
                "the blocking detector's callback panicked; the detector carries on",
            );
        }
        None
    }

    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
    }
}

pin_project_lite::pin_project! {
    /// A task's future, timed at each poll when its worker is watched.
    pub(crate) struct Watched<F> {
        pub(crate) name: Arc<str>,
        #[pin]
        pub(crate) future: F,
    }
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let watch = SLOT.with(|s| s.borrow().clone());
        let Some((detector, slot)) = watch else {
            return this.future.poll(cx);
        };
        *slot.task.lock().unwrap_or_else(|e| e.into_inner()) = this.name.clone();
        slot.polls.fetch_add(1, Ordering::AcqRel);
        slot.started.store(detector.now(), Ordering::Release);
        /// Marks the worker idle even if the poll panics.
        struct Idle<'a>(&'a WorkerSlot);
        impl Drop for Idle<'_> {
            fn drop(&mut self) {
                self.0.started.store(0, Ordering::Release);
            }
        }
        let _idle = Idle(&slot);
        this.future.poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_THRESHOLD, parse_threshold};
    use std::time::Duration;

    #[test]
    fn environment_values() {
        assert_eq!(parse_threshold("1"), Some(DEFAULT_THRESHOLD));
        assert_eq!(parse_threshold(" on "), Some(DEFAULT_THRESHOLD));
        assert_eq!(parse_threshold("250"), Some(Duration::from_millis(250)));
        for off in ["", "0", "off", "false", "soon", "-5"] {
            assert_eq!(parse_threshold(off), None, "{off:?}");
        }
    }
}
