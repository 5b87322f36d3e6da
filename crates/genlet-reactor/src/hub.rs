//! The hub's public face and its run loop: [`Hub`], [`Builder`], [`Handle`],
//! [`TaskBuilder`], [`spawn_local`], the loop each worker (and each thread
//! inside `block_on`) runs over the scheduler's run queues, and the `yield_now`
//! of a `block_on` future. Each worker drives async-io's reactor (timers and
//! sockets) while it waits. The state the threads share is in `shared.rs`,
//! the per-thread context in `context.rs`.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::cell::Cell;
use std::io;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use async_executor::LocalExecutor;
use async_task::Task;
use futures_lite::future;

use crate::catch_drop::CatchDrop;
use crate::context::{self, Enter, EnterLocal, InBlockOnFuture, InHubTask};
use crate::detector::{self, BlockingReport, Detector, OnBlocking, Watched};
use crate::priority::Priority;
use crate::report;
use crate::scheduler::Levels;
use crate::shared::{Shared, Ticker};

/// Runs tasks until `stop` completes: one scheduling point at a time,
/// returning to the caller's `block_on` (which polls for I/O and `stop`)
/// every 200 points and after 61 `yield_now`s (see `context.rs`).
///
/// When no task is ready, the thread registers to be woken (one lock, see
/// `scheduler.rs`) and sleeps in the reactor at once: going round
/// `block_on` first, for a poll that does not wait, would cost five system
/// calls (polling re-arms its timerfd and eventfd on each wait), and on a
/// server answering one request at a time it came right before the
/// blocking poll, once per request.
///
/// When a task that ran here woke `stop` (a `block_on` future awaiting a
/// task it spawned, say), `stop` is polled again here at once, without
/// registering and without the trip through `block_on`, which would poll
/// for I/O first (see [`RunUntil`]).
///
/// `local` is the executor of [`spawn_local`] tasks when this is a
/// `block_on` on a hub without workers: they run when no hub task is ready,
/// and at each return to the caller's `block_on` all that are ready run (so
/// a busy hub slows them down, never stops them). Driven here with `try_tick` rather than by
/// `LocalExecutor::run` around this loop, which would take the local
/// executor's sleeper lock each time this loop returns.
///
/// `ticker` is marked busy for each scheduling point, for the
/// `yield_now` of a `block_on` future on another thread (see
/// [`let_ready_tasks_run`]).
async fn run<T>(
    shared: &Shared,
    local: Option<&LocalExecutor<'static>>,
    ticker: &Ticker,
    stop: impl Future<Output = T>,
) -> T {
    let outer = core::future::poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
    let stop_waker = Arc::new(StopWaker {
        woken: AtomicBool::new(false),
        outer,
    });
    let handed_back = Cell::new(false);
    let work = async {
        let mut turn: u32 = 0;
        loop {
            for _ in 0..200 {
                let ran = {
                    let _busy = ticker.busy();
                    let hub_task = local.map(|_| InHubTask::enter());
                    let ran = shared.scheduler.try_tick(turn);
                    drop(hub_task);
                    ran || local.is_some_and(LocalExecutor::try_tick)
                };
                if ran {
                } else if stop_waker.woken.load(Ordering::Relaxed) {
                    // A task that ran here woke `stop`: let `RunUntil` poll
                    // it, then go on.
                    handed_back.set(true);
                    hand_back().await;
                } else {
                    let mut tick = core::pin::pin!(shared.scheduler.tick(turn));
                    let mut local_tick = core::pin::pin!(async {
                        match local {
                            Some(local) => local.tick().await,
                            None => future::pending().await,
                        }
                    });
                    core::future::poll_fn(|cx| {
                        let _busy = ticker.busy();
                        let hub_task = local.map(|_| InHubTask::enter());
                        if tick.as_mut().poll(cx).is_ready() {
                            return Poll::Ready(());
                        }
                        drop(hub_task);
                        local_tick.as_mut().poll(cx)
                    })
                    .await;
                }
                turn = turn.wrapping_add(1);
                if context::take_poll_io_request() {
                    break;
                }
            }
            if let Some(local) = local {
                for _ in 0..200 {
                    let _busy = ticker.busy();
                    if !local.try_tick() {
                        break;
                    }
                }
            }
            context::reset_poll_io_request();
            future::yield_now().await;
        }
    };
    RunUntil {
        waker: Waker::from(stop_waker.clone()),
        stop_waker: &stop_waker,
        handed_back: &handed_back,
        stop,
        work,
    }
    .await
}

/// Pending once, without arranging a wake-up: [`run`]'s work loop handing
/// control back to [`RunUntil`], which polls it again at once.
fn hand_back() -> impl Future<Output = ()> {
    let mut first = true;
    core::future::poll_fn(move |_| {
        if core::mem::replace(&mut first, false) {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
}

pin_project_lite::pin_project! {
    /// [`run`]'s `stop.or(work)`, except that a wake-up of `stop` by a
    /// task that `work` ran on this thread does not go through the
    /// caller's `block_on`: `stop` is polled with a [`StopWaker`], which
    /// notes such a wake-up instead of passing it on, and `work` hands
    /// back (instead of registering to sleep) when it finds no task ready
    /// and `stop` woken; then `stop` is polled again here. Through
    /// async-io's `block_on` each such wake-up cost a poll for I/O (five
    /// system calls) before `stop` was polled again, whenever the thread
    /// got the reactor's lock: a spawn and join inside a `block_on` on a
    /// hub without workers measured 3.3 µs that way, 0.3 µs this way.
    ///
    /// Wake-ups from other threads, and from this thread outside `work`'s
    /// poll (`stop` waking itself, the reactor), go to the `block_on` as
    /// before, so a `stop` that keeps waking itself still lets I/O be
    /// polled between its polls.
    struct RunUntil<'a, S, W> {
        waker: Waker,
        stop_waker: &'a StopWaker,
        handed_back: &'a Cell<bool>,
        #[pin]
        stop: S,
        #[pin]
        work: W,
    }
}

impl<S: Future, W: Future<Output = ()>> Future for RunUntil<'_, S, W> {
    type Output = S::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S::Output> {
        let mut this = self.project();
        loop {
            if let Poll::Ready(out) = this
                .stop
                .as_mut()
                .poll(&mut Context::from_waker(this.waker))
            {
                return Poll::Ready(out);
            }
            this.stop_waker.woken.store(false, Ordering::Relaxed);
            let polled = {
                let _working = Working::enter(this.stop_waker);
                this.work.as_mut().poll(cx)
            };
            if polled.is_ready() {
                unreachable!("genlet-reactor: the hub's work loop never ends");
            }
            if this.handed_back.replace(false) {
                continue;
            }
            if this.stop_waker.woken.load(Ordering::Relaxed) {
                // `stop` was woken after `work` last looked (by a task that
                // ran while it waited): pass the wake-up on.
                this.stop_waker.outer.wake_by_ref();
            }
            #[cfg(test)]
            tests::RETURNS_TO_BLOCK_ON.with(|n| n.set(n.get() + 1));
            return Poll::Pending;
        }
    }
}

thread_local! {
    /// The [`StopWaker`] whose `work` this thread is polling, if any.
    static WORKING_FOR: Cell<*const StopWaker> = const { Cell::new(core::ptr::null()) };
}

/// Marks this thread as polling the `work` of `stop_waker`'s [`RunUntil`]
/// while it lives (restoring the mark of an outer one after a nested
/// `block_on`).
struct Working(*const StopWaker);

impl Working {
    fn enter(stop_waker: &StopWaker) -> Self {
        Working(WORKING_FOR.with(|w| w.replace(stop_waker)))
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        WORKING_FOR.with(|w| w.set(self.0));
    }
}

/// The waker [`RunUntil`] polls `stop` with: a wake-up on this thread while
/// `work` is polled is only noted (`RunUntil` looks before it returns);
/// any other goes to the `block_on`'s waker.
struct StopWaker {
    woken: AtomicBool,
    outer: Waker,
}

impl std::task::Wake for StopWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if WORKING_FOR.with(Cell::get) == Arc::as_ptr(self) {
            self.woken.store(true, Ordering::Relaxed);
        } else {
            self.outer.wake_by_ref();
        }
    }
}

/// The `yield_now` of a `block_on` future: returns once every task that was
/// ready when it was first polled has run (its poll finished), on whichever
/// thread.
///
/// The hub's three run queues and the `block_on`'s local executor are each
/// one FIFO queue of ready tasks, so a marker task spawned into each runs
/// only after every task queued before it was taken out. A task taken out
/// may still be running on another thread; so once the markers ran, this
/// also waits until every other thread that was inside a scheduling point
/// left it.
pub(crate) async fn let_ready_tasks_run() {
    let Some((shared, markers)) = spawn_markers() else {
        return future::yield_now().await;
    };
    core::future::poll_fn(|cx| markers.poll_all_ran(cx)).await;
    drop(markers);
    let me = thread::current().id();
    let mut busy: Vec<(Arc<Ticker>, u64)> = shared
        .tickers()
        .iter()
        .filter(|t| t.thread != me)
        .filter_map(|t| {
            let points = t.points();
            (points % 2 == 1).then(|| (t.clone(), points))
        })
        .collect();
    drop(shared);
    core::future::poll_fn(|cx| {
        busy.retain(|(t, points)| t.points() == *points);
        if busy.is_empty() {
            return Poll::Ready(());
        }
        // Another thread is still inside one poll: give it the core.
        thread::yield_now();
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// Spawns the markers of [`let_ready_tasks_run`]; `None` outside a hub.
fn spawn_markers() -> Option<(Arc<Shared>, Arc<Markers>)> {
    let shared = context::current_shared()?;
    let local = context::local();
    let markers = Arc::new(Markers {
        left: AtomicUsize::new(3 + usize::from(local.is_some())),
        waker: Mutex::new(None),
    });
    for priority in [Priority::High, Priority::Normal, Priority::Low] {
        shared
            .scheduler
            .spawn(priority, markers.clone().run())
            .detach();
    }
    if let Some(local) = local {
        local.spawn(markers.clone().run()).detach();
    }
    Some((shared, markers))
}

/// The marker tasks of one [`let_ready_tasks_run`].
struct Markers {
    left: AtomicUsize,
    waker: Mutex<Option<Waker>>,
}

impl Markers {
    /// One marker task: counts itself as run.
    async fn run(self: Arc<Self>) {
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            let waker = self.waker.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    fn poll_all_ran(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.left.load(Ordering::Acquire) == 0 {
            return Poll::Ready(());
        }
        *self.waker.lock().unwrap_or_else(|e| e.into_inner()) = Some(cx.waker().clone());
        if self.left.load(Ordering::Acquire) == 0 {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

pin_project_lite::pin_project! {
    /// The future given to `block_on`, polled with `IN_BLOCK_ON_FUTURE` set.
    struct BlockOnFuture<F> {
        #[pin]
        future: F,
    }
}

impl<F: Future> Future for BlockOnFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _in = InBlockOnFuture::set(true);
        self.project().future.poll(cx)
    }
}

/// The future of a `block_on` on a hub with workers: after each poll of
/// `future` that is pending, runs the hub's tasks that are ready (up to 200),
/// then this thread's [`spawn_local`] tasks (up to 200). While it then waits
/// it is registered to be woken for local tasks and, while any sleep is
/// filed, for high priority hub tasks, which include the hub's timer
/// driver: so the future's own sleeps and timeouts fire even while every
/// worker is busy. It is never
/// registered while it polls the future or runs a task: a busy thread is
/// not the one to wake for a task (see `Scheduler::tick`).
async fn helping<F: Future>(
    future: F,
    shared: &Shared,
    local: &LocalExecutor<'static>,
    ticker: &Ticker,
) -> F::Output {
    let mut future = core::pin::pin!(BlockOnFuture { future });
    let outer = core::future::poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
    let woken = Arc::new(FutureWaker {
        woken: AtomicBool::new(false),
        outer,
    });
    let waker = Waker::from(woken.clone());
    let mut turn: u32 = 0;
    loop {
        woken.woken.store(false, Ordering::Relaxed);
        if let Poll::Ready(out) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
            return out;
        }
        for _ in 0..200 {
            let ran = {
                let _busy = ticker.busy();
                let _hub_task = InHubTask::enter();
                shared.scheduler.try_tick(turn)
            };
            turn = turn.wrapping_add(1);
            if !ran {
                break;
            }
        }
        for _ in 0..200 {
            let _busy = ticker.busy();
            if !local.try_tick() {
                break;
            }
        }
        // The tasks here ask no I/O poll of this thread: the workers poll.
        context::reset_poll_io_request();
        if woken.woken.load(Ordering::Acquire) {
            // A task that ran readied the future (a spawned task it awaits,
            // say): look at it again before registering to wait.
            continue;
        }
        // Wait until woken: by a local task, a high one, or the future (one
        // waker serves all three). A wait that finds a task runs it; the
        // local one first, so that a local task never runs while this thread
        // is registered for high ones.
        // With no sleep filed there is no timer to fire: it waits for local
        // tasks alone (the future filing a sleep wakes it, as any wake-up).
        let timers = !shared.timers.is_idle();
        let mut local_wait = core::pin::pin!(local.tick());
        let mut high_wait = core::pin::pin!(shared.scheduler.wait(Levels::HIGH));
        let mut registered = false;
        core::future::poll_fn(|cx| {
            if registered {
                // Woken. A high-priority wake-up is taken here, so that the
                // wait's drop does not pass it on to a worker: this thread
                // runs the ready tasks itself next.
                if timers {
                    let _ = high_wait.as_mut().poll(cx);
                }
                return Poll::Ready(());
            }
            registered = true;
            let _busy = ticker.busy();
            if local_wait.as_mut().poll(cx).is_ready()
                || (timers && {
                    let _hub_task = InHubTask::enter();
                    high_wait.as_mut().poll(cx).is_ready()
                })
            {
                return Poll::Ready(());
            }
            Poll::Pending
        })
        .await;
    }
}

/// The waker [`helping`] polls its future with: the `block_on`'s own, and
/// a flag saying the future was woken since it was last polled.
struct FutureWaker {
    woken: AtomicBool,
    outer: Waker,
}

impl std::task::Wake for FutureWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.outer.wake_by_ref();
    }
}

/// A cheap, cloneable way to spawn onto a hub from anywhere, including from
/// inside its tasks ([`Handle::current`]).
///
/// A handle does not keep its hub alive: after the hub shut down, tasks spawned
/// through it are cancelled at once.
///
/// # Examples
///
/// ```
/// use genlet_reactor::{Handle, Hub};
///
/// let hub = Hub::new().unwrap();
/// let handle = hub.handle();
/// let answer = hub.block_on(async move {
///     let inner = Handle::current().expect("inside a hub").spawn(async { 21 });
///     handle.spawn(async move { inner.await * 2 }).await
/// });
/// assert_eq!(answer, 42);
/// ```
#[derive(Clone)]
pub struct Handle {
    shared: Weak<Shared>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("open", &self.open().is_some())
            .finish()
    }
}

impl Handle {
    /// The handle of the hub running the current task (or the current
    /// [`Hub::block_on`]); `None` outside any hub.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_reactor::{Handle, Hub};
    ///
    /// assert!(Handle::current().is_none());
    /// let hub = Hub::new().unwrap();
    /// assert!(hub.block_on(async { Handle::current().is_some() }));
    /// ```
    pub fn current() -> Option<Handle> {
        context::current().map(|shared| Handle { shared })
    }

    /// Spawns `future` at normal priority, unnamed. Dropping the returned
    /// [`Task`] cancels it; [`Task::detach`] lets it run on. Once the hub
    /// started shutting down (its drop began), the task is cancelled at
    /// once, as [`TaskBuilder::spawn`]'s.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::new().unwrap();
    /// let task = hub.handle().spawn(async { "done" });
    /// assert_eq!(hub.block_on(task), "done");
    /// ```
    pub fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Task<T> {
        match self.open() {
            Some(shared) => spawn_on(&shared, Priority::Normal, None, future),
            None => cancelled(future),
        }
    }

    /// The hub's state while the hub is open. Once it started shutting
    /// down, `None`: the reference is let go at once, so that the hub's
    /// `drop` is the one to drop its state and the tasks left in it (see
    /// [`drop_last`]).
    fn open(&self) -> Option<Arc<Shared>> {
        self.shared.upgrade().filter(|shared| !shared.is_closing())
    }

    /// A [`TaskBuilder`] to spawn a task with a name or a priority.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_reactor::{Hub, Priority};
    ///
    /// let hub = Hub::new().unwrap();
    /// let task = hub.handle().task().name("batch").priority(Priority::Low).spawn(async { 5 });
    /// assert_eq!(hub.block_on(task), 5);
    /// ```
    pub fn task(&self) -> TaskBuilder {
        TaskBuilder {
            handle: self.clone(),
            name: None,
            priority: Priority::Normal,
        }
    }
}

/// Spawns one task with a name (shown by the blocking detector) and a
/// [`Priority`]. Made by [`Hub::task`] or [`Handle::task`].
///
/// # Examples
///
/// ```
/// use genlet_reactor::{Hub, Priority};
///
/// let hub = Hub::new().unwrap();
/// let urgent = hub.task().name("echo").priority(Priority::High).spawn(async { "now" });
/// assert_eq!(hub.block_on(urgent), "now");
/// ```
#[derive(Clone, Debug)]
#[must_use = "a task builder does nothing until `spawn`"]
pub struct TaskBuilder {
    handle: Handle,
    name: Option<Arc<str>>,
    priority: Priority,
}

/// Spawns `future` onto `shared`'s run queue for `priority`; watched under
/// `name` when the hub has a blocking detector.
fn spawn_on<T: Send + 'static>(
    shared: &Shared,
    priority: Priority,
    name: Option<Arc<str>>,
    future: impl Future<Output = T> + Send + 'static,
) -> Task<T> {
    if shared.detector.is_some() {
        let name = name.unwrap_or_else(|| "<unnamed>".into());
        shared.scheduler.spawn(priority, Watched { name, future })
    } else {
        shared.scheduler.spawn(priority, future)
    }
}

/// A task that is already cancelled: what spawning onto a hub that is gone
/// gives.
fn cancelled<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Task<T> {
    let (runnable, task) = async_task::spawn(CatchDrop::new(future), |_| {});
    drop(runnable);
    task
}

impl TaskBuilder {
    /// Names the task.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::new().unwrap();
    /// hub.block_on(hub.task().name("greeter").spawn(async {}));
    /// ```
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the task's priority (default [`Priority::Normal`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_reactor::{Hub, Priority};
    ///
    /// let hub = Hub::new().unwrap();
    /// hub.block_on(hub.task().priority(Priority::High).spawn(async {}));
    /// ```
    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = priority;
        self
    }

    /// Spawns `future`. Dropping the returned [`Task`] cancels it;
    /// [`Task::detach`] lets it run on. Once the hub started shutting down
    /// (its drop began), the task is cancelled at once (awaiting it panics;
    /// [`Task::fallible`] gives `None`).
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::new().unwrap();
    /// let task = hub.task().name("adder").spawn(async { 1 + 2 });
    /// assert_eq!(hub.block_on(task), 3);
    /// ```
    pub fn spawn<T: Send + 'static>(
        self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Task<T> {
        match self.handle.open() {
            Some(shared) => spawn_on(&shared, self.priority, self.name, future),
            // The hub is gone: hand back a task that is already cancelled.
            None => cancelled(future),
        }
    }
}

/// Configures and builds a [`Hub`].
///
/// # Examples
///
/// ```
/// use genlet_reactor::Hub;
///
/// let hub = Hub::builder().workers(2).thread_name("web").build().unwrap();
/// assert_eq!(hub.block_on(async { 1 }), 1);
/// ```
#[derive(Clone)]
pub struct Builder {
    workers: Option<usize>,
    thread_name: String,
    blocking_threshold: Option<Duration>,
    on_blocking: Option<OnBlocking>,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("workers", &self.workers)
            .field("thread_name", &self.thread_name)
            .field("blocking_threshold", &self.blocking_threshold)
            .finish_non_exhaustive()
    }
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            workers: None,
            thread_name: "genlet-hub".into(),
            blocking_threshold: detector::threshold_from_env(),
            on_blocking: None,
        }
    }
}

impl Builder {
    /// The number of worker threads. The default is the number of available
    /// cores. With `0` the hub has no threads of its own: its tasks run only
    /// while some thread is inside [`Hub::block_on`], and so do its timers
    /// (as a tokio current-thread runtime's do). A [`sleep`](crate::sleep)
    /// first polled inside such a hub's `block_on` and then awaited outside
    /// it (on another executor, or after the `block_on` returned) fires
    /// only once some thread is in that hub's `block_on` again, or the hub
    /// is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// // A single-threaded hub, driven by the caller.
    /// let hub = genlet_reactor::Hub::builder().workers(0).build().unwrap();
    /// let task = hub.spawn(async { 3 });
    /// assert_eq!(hub.block_on(task), 3);
    /// ```
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// The workers' thread names: `name-0`, `name-1`, … (default `genlet-hub`).
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::builder().workers(1).thread_name("io").build().unwrap();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// // Only the worker runs the hub's tasks.
    /// hub.spawn(async move {
    ///     tx.send(std::thread::current().name().map(String::from)).unwrap();
    /// })
    /// .detach();
    /// assert_eq!(rx.recv().unwrap().as_deref(), Some("io-0"));
    /// ```
    pub fn thread_name(mut self, name: impl Into<String>) -> Self {
        self.thread_name = name.into();
        self
    }

    /// Turns on the blocking detector: a task whose single poll keeps a worker,
    /// or a thread inside [`Hub::block_on`], busy longer than `threshold` is
    /// reported by the name given to [`TaskBuilder::name`] (see
    /// [`BlockingReport`]), once, as soon as it has been busy that long.
    /// Also on when the `GENLET_DETECT_BLOCKING` environment variable is `1`
    /// (100 ms) or a number of milliseconds. A threshold under a millisecond
    /// counts as one millisecond (the monitor would spin).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let hub = genlet_reactor::Hub::builder()
    ///     .detect_blocking(Duration::from_millis(100))
    ///     .build()
    ///     .unwrap();
    /// # drop(hub);
    /// ```
    pub fn detect_blocking(mut self, threshold: Duration) -> Self {
        self.blocking_threshold = Some(threshold.max(detector::MIN_THRESHOLD));
        self
    }

    /// Where the blocking detector's reports go (default: one line on stderr).
    /// Setting it does not turn the detector on. It is called on the
    /// detector's own thread; should it panic, that report is lost (the
    /// panic is reported on stderr) and the detector carries on. It should
    /// return soon: while it runs no other blocking is detected, and the
    /// hub's drop waits for it (one that never returns hangs the drop).
    ///
    /// # Examples
    ///
    /// See [`BlockingReport`].
    pub fn on_blocking(
        mut self,
        callback: impl Fn(&BlockingReport) + Send + Sync + 'static,
    ) -> Self {
        self.on_blocking = Some(Arc::new(callback));
        self
    }

    /// Starts the hub's threads.
    ///
    /// # Errors
    ///
    /// When the operating system refuses to start a thread; the threads
    /// already started are stopped and joined first.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::builder().workers(1).build()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn build(self) -> io::Result<Hub> {
        let workers = self
            .workers
            .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()));
        let names: Vec<String> = (0..workers)
            .map(|i| format!("{}-{i}", self.thread_name))
            .collect();
        let detector = self.blocking_threshold.map(|threshold| {
            let on_blocking = self
                .on_blocking
                .clone()
                .unwrap_or_else(report::print_blocking);
            Arc::new(Detector::new(threshold, &names, on_blocking))
        });
        let shared = Arc::new(Shared::new(detector.clone()));
        // The timer driver: one high-priority task for every sleep of the hub.
        shared
            .scheduler
            .spawn(Priority::High, shared.timers.clone().drive())
            .detach();
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let mut hub = Hub {
            shared: Some(shared),
            stop,
            threads: Vec::with_capacity(workers + 1),
            workers,
        };
        for (i, name) in names.into_iter().enumerate() {
            let shared = hub.shared.clone().expect("set above");
            let stopped = stopped.clone();
            let thread = thread::Builder::new().name(name).spawn(move || {
                if let Some(detector) = &shared.detector {
                    detector.enter_worker(i);
                }
                let _enter = Enter::new(&shared);
                let ticker = Ticker::new();
                let _enlisted = shared.enlist(ticker.clone());
                async_io::block_on(run(&shared, None, &ticker, async {
                    let _ = stopped.recv().await;
                }));
            })?;
            hub.threads.push(thread);
        }
        if let Some(detector) = detector {
            let monitor = thread::Builder::new()
                .name(format!("{}-monitor", self.thread_name))
                .spawn(move || detector.monitor())?;
            hub.threads.push(monitor);
        }
        Ok(hub)
    }
}

/// The hub: a pool of worker threads that run tasks by priority and, while
/// they wait, poll the reactor for timers and socket readiness.
///
/// Dropping the hub stops and joins its threads, then cancels every task that
/// has not finished (their destructors run). No thread outlives it, except
/// when one of its own tasks drops it: then a thread of its own finishes the
/// shutdown once that task returned.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_reactor::{sleep, Hub};
///
/// let hub = Hub::new().unwrap();
/// let tasks: Vec<_> = (0..100)
///     .map(|i| hub.spawn(async move {
///         sleep(Duration::from_millis(1)).await;
///         i
///     }))
///     .collect();
/// let total: u32 = hub.block_on(async {
///     let mut total = 0;
///     for t in tasks { total += t.await; }
///     total
/// });
/// assert_eq!(total, 4950);
/// ```
pub struct Hub {
    shared: Option<Arc<Shared>>,
    stop: async_channel::Sender<()>,
    /// The workers, then the detector's monitor if there is one.
    threads: Vec<JoinHandle<()>>,
    /// How many of `threads` are workers.
    workers: usize,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let monitors = usize::from(self.shared().detector.is_some());
        f.debug_struct("Hub")
            .field("workers", &(self.threads.len() - monitors))
            .finish()
    }
}

impl Hub {
    /// A hub with one worker per available core.
    ///
    /// # Errors
    ///
    /// When a worker thread cannot be started.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::new()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new() -> io::Result<Hub> {
        Builder::default().build()
    }

    /// A [`Builder`] to configure a hub.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::builder().workers(1).build().unwrap();
    /// # drop(hub);
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    fn shared(&self) -> &Arc<Shared> {
        self.shared
            .as_ref()
            .expect("the hub's state lives until it is dropped")
    }

    /// A handle to spawn onto this hub from anywhere.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::new().unwrap();
    /// let handle = hub.handle();
    /// std::thread::spawn(move || handle.spawn(async {}).detach()).join().unwrap();
    /// ```
    pub fn handle(&self) -> Handle {
        Handle {
            shared: Arc::downgrade(self.shared()),
        }
    }

    /// Spawns `future` at normal priority. Dropping the returned [`Task`]
    /// cancels it; [`Task::detach`] lets it run on.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::new().unwrap();
    /// assert_eq!(hub.block_on(hub.spawn(async { 2 + 2 })), 4);
    /// ```
    pub fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Task<T> {
        spawn_on(self.shared(), Priority::Normal, None, future)
    }

    /// A [`TaskBuilder`] to spawn a task with a name or a priority.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_reactor::{Hub, Priority};
    ///
    /// let hub = Hub::new().unwrap();
    /// let urgent = hub.task().priority(Priority::High).spawn(async { "now" });
    /// assert_eq!(hub.block_on(urgent), "now");
    /// ```
    pub fn task(&self) -> TaskBuilder {
        TaskBuilder {
            handle: self.handle(),
            name: None,
            priority: Priority::Normal,
        }
    }

    /// Runs `future` to completion on the calling thread, which meanwhile
    /// also runs the `!Send` tasks of [`spawn_local`].
    ///
    /// On a hub with workers, the workers poll the reactor and are the ones
    /// woken for the hub's tasks. This thread runs the ready ones only while
    /// it is awake for its future anyway (after each poll of it that is
    /// pending), and sleeps while the future waits: a future that spawns a
    /// task and awaits it often runs it here, and a future that waits for a
    /// long time (a server's `pending()`) costs nothing. On a hub with no
    /// workers (`workers(0)`) this thread is the hub: it runs the hub's tasks
    /// and polls the reactor.
    ///
    /// Why the calling thread is not woken for the hub's tasks, nor polls
    /// the reactor, when there are workers: the default hub has a worker per
    /// core, and one thread more made the threads hand each socket event to
    /// one another. An echo server on one core answered one connection's
    /// requests at 32k/s with this thread polling and woken like a worker,
    /// and at 46k/s without, as fast as tokio (46k/s), in the same run. It is
    /// woken for high priority tasks, though, which include the hub's timer
    /// driver: the future's sleeps fire even while every worker is busy.
    ///
    /// # Panics
    ///
    /// When called from inside one of this hub's own tasks ([`spawn_local`]
    /// ones included): it would block a thread the hub's tasks need, and
    /// could wait for ever. Await the future instead. (Inside the future of
    /// another `block_on`, it is fine.)
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let hub = genlet_reactor::Hub::new().unwrap();
    /// let out = hub.block_on(async {
    ///     genlet_reactor::sleep(Duration::from_millis(1)).await;
    ///     "woke up"
    /// });
    /// assert_eq!(out, "woke up");
    /// ```
    pub fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        let same_hub =
            context::current().is_some_and(|h| Weak::ptr_eq(&h, &Arc::downgrade(self.shared())));
        if same_hub && !context::in_block_on_future() {
            block_on_inside_a_task();
        }
        let _enter = Enter::new(self.shared());
        // Nested in this hub's own `block_on` future, it goes on running that
        // `block_on`'s local tasks, which its future may well wait on; they
        // and the ones spawned here live as long as the outer `block_on`.
        let local = match context::local() {
            Some(outer) if same_hub => outer,
            _ => Rc::new(LocalExecutor::new()),
        };
        let _local = EnterLocal::new(local.clone());
        // Tasks polled here, even from inside a task, are not the future's.
        let _in = InBlockOnFuture::set(false);
        let ticker = Ticker::new();
        let shared = self.shared();
        // The tasks this thread polls are watched like a worker's.
        let _guest = shared.detector.as_ref().map(|d| d.enter_guest());
        let _enlisted = shared.enlist(ticker.clone());
        if self.workers > 0 {
            return future::block_on(helping(future, shared, &local, &ticker));
        }
        async_io::block_on(run(shared, Some(&local), &ticker, BlockOnFuture { future }))
    }
}

#[cold]
#[inline(never)]
fn block_on_inside_a_task() -> ! {
    panic!(
        "genlet-reactor: Hub::block_on called from inside one of the hub's own tasks; \
         it would wait for tasks that need the very thread it blocks: `.await` the \
         future instead"
    )
}

/// Spawns a `!Send` future on the calling thread's [`Hub::block_on`]: it runs
/// on that thread only, while the `block_on` lasts (the outermost one, when
/// a `block_on` of the same hub is nested in its future: the nested one runs
/// the same local tasks).
///
/// # Panics
///
/// When the calling thread is not inside [`Hub::block_on`]'s future or one
/// of its local tasks: outside any `block_on`, and inside a hub task, even
/// one the `block_on` thread happens to run (a hub task may run on any of
/// the hub's threads, so it gets the same answer on all of them).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
///
/// let hub = genlet_reactor::Hub::new().unwrap();
/// let n = hub.block_on(async {
///     let shared = Rc::new(5); // not Send
///     let task = genlet_reactor::spawn_local(async move { *shared * 2 });
///     task.await
/// });
/// assert_eq!(n, 10);
/// ```
pub fn spawn_local<T: 'static>(future: impl Future<Output = T> + 'static) -> Task<T> {
    context::with_local(|local| match local {
        Some(local) if detector::watching() => local.spawn(CatchDrop::new(Watched {
            name: "<unnamed>".into(),
            future,
        })),
        Some(local) => local.spawn(CatchDrop::new(future)),
        None => panic!(
            "genlet-reactor: spawn_local called outside Hub::block_on; \
             !Send tasks run on the thread inside block_on"
        ),
    })
}

impl Drop for Hub {
    fn drop(&mut self) {
        // Stop every worker (each takes one message, or sees the channel
        // closed), join them, then drop the scheduler: that cancels the tasks
        // left in them, running their destructors here.
        self.shared().close();
        self.stop.close();
        if let Some(detector) = &self.shared().detector {
            detector.stop();
        }
        let threads = core::mem::take(&mut self.threads);
        let shared = self.shared.take();
        let me = thread::current().id();
        if threads.iter().any(|t| t.thread().id() == me) {
            // Dropped by one of its own tasks: this worker cannot join
            // itself. A thread of its own finishes the shutdown once the
            // task returned and the worker left.
            let finish = move || shut_down(threads, shared);
            if let Err(e) = thread::Builder::new()
                .name("genlet-hub-shutdown".into())
                .spawn(finish)
            {
                report::hub_trouble(&format!(
                    "cannot start a thread to finish the hub's shutdown ({e}); \
                     its workers are left to exit on their own"
                ));
            }
            return;
        }
        shut_down(threads, shared);
    }
}

/// Drops the hub's state here, as the last one to hold it, so that the
/// destructors of the tasks left run before `Hub::drop` returns.
///
/// A [`Handle`] holds the state only while it spawns (it keeps a `Weak`),
/// and lets it go at once when the hub is closing: one spawning on another
/// thread would otherwise drop it last, with every task left, at the end of
/// its spawn. Waits for spawns already under way; once this holds the only
/// reference, no new spawn can take one. Best effort against a spawning
/// thread the OS keeps descheduled: after a second of waiting, the state is
/// left to it, and so are the destructors.
fn drop_last(mut shared: Arc<Shared>) {
    let start = std::time::Instant::now();
    loop {
        match Arc::try_unwrap(shared) {
            Ok(state) => return drop(state),
            Err(again) if start.elapsed() < Duration::from_secs(1) => {
                shared = again;
                thread::yield_now();
            }
            Err(again) => return drop(again),
        }
    }
}

/// Joins the hub's threads, then drops its state: that cancels the tasks
/// left in it, running their destructors here.
fn shut_down(threads: Vec<JoinHandle<()>>, shared: Option<Arc<Shared>>) {
    for thread in threads {
        thread.thread().unpark();
        let _ = thread.join();
    }
    if let Some(shared) = shared {
        let timers = shared.timers.clone();
        drop_last(shared);
        // Sleeps kept past the hub (from a `block_on`) fall back to
        // async-io timers instead of waiting for a driver that is gone.
        timers.close();
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::Hub;

    thread_local! {
        /// How many times a `RunUntil` on this thread returned to its
        /// `block_on`.
        pub(super) static RETURNS_TO_BLOCK_ON: Cell<u64> = const { Cell::new(0) };
    }

    #[test]
    fn a_block_on_future_woken_by_tasks_it_ran_is_polled_again_at_once() {
        // A thread of its own: fresh thread-locals.
        std::thread::spawn(|| {
            let hub = Hub::builder().workers(0).build().unwrap();
            let before = RETURNS_TO_BLOCK_ON.with(Cell::get);
            hub.block_on(async {
                for _ in 0..1000 {
                    hub.spawn(async {}).await;
                }
            });
            let returns = RETURNS_TO_BLOCK_ON.with(Cell::get) - before;
            // Only the returns for an I/O poll every 200 scheduling points
            // (two per spawn and join): each join used to be one.
            assert!(
                returns <= 50,
                "{returns} returns to block_on for 1000 joins"
            );
        })
        .join()
        .unwrap();
    }
}
