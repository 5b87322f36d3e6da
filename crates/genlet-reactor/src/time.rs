//! Time: sleeping, intervals, timeouts, and yielding to the hub.
//!
//! Inside a hub, sleeps are filed in the hub's own timer table (see
//! `timers.rs`), driven by one async-io timer; elsewhere they are async-io
//! timers. Either way the hub's workers fire them while they wait for I/O.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::cell::Cell;
use std::time::{Duration, Instant};

use futures_lite::{FutureExt, Stream};

use crate::err::Elapsed;
pub use crate::timers::Sleep;

/// Waits for `duration`. A duration that reaches beyond what [`Instant`] can
/// hold, such as [`Duration::MAX`], means "forever": the sleep never ends
/// (and never panics).
///
/// # Cancel safety
///
/// Dropping the future cancels the wait.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// let hub = genlet_reactor::Hub::new().unwrap();
/// let start = Instant::now();
/// hub.block_on(genlet_reactor::sleep(Duration::from_millis(5)));
/// assert!(start.elapsed() >= Duration::from_millis(5));
///
/// // Forever: it loses any race.
/// let never = genlet_reactor::timeout(Duration::from_millis(1), genlet_reactor::sleep(Duration::MAX));
/// assert!(hub.block_on(never).is_err());
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::until(Instant::now().checked_add(duration))
}

/// Waits until `deadline`.
///
/// # Cancel safety
///
/// Dropping the future cancels the wait.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// let hub = genlet_reactor::Hub::new().unwrap();
/// let deadline = Instant::now() + Duration::from_millis(5);
/// hub.block_on(genlet_reactor::sleep_until(deadline));
/// assert!(Instant::now() >= deadline);
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::until(Some(deadline))
}

/// A stream that yields the time every `period`, starting one period from now.
///
/// Ticks missed while nobody polled are not made up: the next one is due a
/// whole period after the late one was taken. A period beyond what
/// [`Instant`] can reach, such as [`Duration::MAX`], never ticks.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use futures_lite::StreamExt;
///
/// let hub = genlet_reactor::Hub::new().unwrap();
/// let ticks: Vec<_> = hub.block_on(genlet_reactor::interval(Duration::from_millis(1)).take(3).collect());
/// assert_eq!(ticks.len(), 3);
/// assert!(ticks.windows(2).all(|w| w[0] < w[1]));
/// ```
pub fn interval(period: Duration) -> Interval {
    Interval {
        period,
        next: sleep(period),
    }
}

/// The stream returned by [`interval`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use futures_lite::StreamExt;
///
/// let hub = genlet_reactor::Hub::new().unwrap();
/// let mut every = genlet_reactor::interval(Duration::from_millis(1));
/// hub.block_on(async { every.next().await });
/// ```
#[derive(Debug)]
pub struct Interval {
    period: Duration,
    /// The wait for the next tick: filed in the hub's table like any sleep.
    next: Sleep,
}

impl Stream for Interval {
    type Item = Instant;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        match Pin::new(&mut self.next).poll(cx) {
            Poll::Ready(()) => {
                // Only a sleep with a deadline ends.
                let at = self.next.deadline().unwrap_or_else(Instant::now);
                let period = self.period;
                self.next = sleep(period);
                Poll::Ready(Some(at))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Runs `future` for at most `duration`: `Ok` with its output, or
/// `Err(Elapsed)`, in which case `future` is dropped (its destructors run)
/// before this returns.
///
/// The error is a distinct type, not a panic or an error of the future's own
/// kind, so a catch-all on the future's errors cannot swallow a timeout by
/// accident (gevent's `Timeout` slips past `except Exception`, #838).
///
/// A duration beyond what [`Instant`] can reach, such as [`Duration::MAX`],
/// means no limit: the future is simply awaited.
///
/// # Errors
///
/// [`Elapsed`] when the time ran out first.
///
/// # Cancel safety
///
/// As cancel-safe as `future`: dropping this drops it.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_reactor::{sleep, timeout};
///
/// let hub = genlet_reactor::Hub::new().unwrap();
/// let quick = hub.block_on(timeout(Duration::from_secs(5), async { 7 }));
/// assert_eq!(quick, Ok(7));
/// let slow = hub.block_on(timeout(Duration::from_millis(1), sleep(Duration::from_secs(60))));
/// assert!(slow.is_err());
/// ```
pub async fn timeout<T>(duration: Duration, future: impl Future<Output = T>) -> Result<T, Elapsed> {
    if Instant::now().checked_add(duration).is_none() {
        return Ok(future.await);
    }
    let deadline = async {
        sleep(duration).await;
        Err(Elapsed { after: duration })
    };
    async { Ok(future.await) }.or(deadline).await
}

/// After this many `yield_now`s on a worker, it polls for I/O before it runs
/// another task.
pub(crate) const YIELDS_PER_IO_POLL: u32 = 16;

/// A `yield_now` this long after the worker's last I/O poll makes it poll
/// before it runs another task.
pub(crate) const IO_POLL_INTERVAL: Duration = Duration::from_micros(50);

std::thread_local! {
    /// Counts `yield_now`s on this thread since the worker last polled I/O.
    static YIELDS: Cell<u32> = const { Cell::new(0) };
    /// When this thread's worker last went to poll I/O.
    static LAST_IO_POLL: Cell<Option<Instant>> = const { Cell::new(None) };
}

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
fn count_yield() {
    YIELDS.with(|count| {
        let n = count.get().saturating_add(1);
        let late = n < YIELDS_PER_IO_POLL
            && LAST_IO_POLL.with(|last| last.get().is_none_or(|t| t.elapsed() >= IO_POLL_INTERVAL));
        count.set(if late { YIELDS_PER_IO_POLL } else { n });
    });
}

/// Lets every other ready task run before this task goes on, and keeps I/O
/// flowing: gevent's `sleep(0)`, without its starving of I/O (gevent #1071).
///
/// The worker polls the reactor for I/O before it runs another task when
/// 50 µs passed since its last poll, and at the latest every 16 yields (and
/// every 200 tasks it runs, yields or not). So tasks that loop on
/// `yield_now` cannot keep sockets and timers from being served, and a
/// CPU-heavy task that yields every millisecond lets I/O in every
/// millisecond. A tight yield loop does not pay a system call per yield.
///
/// Awaited by the future given to [`Hub::block_on`](crate::Hub::block_on)
/// (gevent's `sleep(0)` in the main greenlet), it returns only after every
/// task that was ready when it was called has run, on whichever thread,
/// including the `block_on`'s [`spawn_local`](crate::spawn_local) tasks.
/// Tasks woken meanwhile may run too, or after. A task that is in the middle
/// of a poll on another thread is waited for until that poll returns: so,
/// as with gevent's `sleep(0)` beside a greenlet that never yields, a task
/// that blocks its thread (which the blocking detector reports) holds this
/// `yield_now` up for as long.
///
/// # Cancel safety
///
/// Dropping it before it returns is harmless: the tasks keep their turns,
/// and the marker tasks a `block_on` future's `yield_now` queued still run,
/// doing nothing.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
/// use genlet_reactor::{yield_now, Hub};
///
/// let hub = Hub::builder().workers(0).build().unwrap();
/// let ran = Arc::new(AtomicBool::new(false));
/// let r = ran.clone();
/// let task = hub.spawn(async move { r.store(true, Ordering::SeqCst) });
/// hub.block_on(async {
///     yield_now().await;
///     assert!(ran.load(Ordering::SeqCst), "the ready task ran");
///     task.await;
/// });
/// ```
///
/// # Examples
///
/// ```
/// use genlet_reactor::{yield_now, Hub};
///
/// let hub = Hub::builder().workers(1).build().unwrap();
/// let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
/// let (a, b) = (log.clone(), log.clone());
/// let first = hub.spawn(async move {
///     a.lock().unwrap().push("a1");
///     yield_now().await;
///     a.lock().unwrap().push("a2");
/// });
/// let second = hub.spawn(async move { b.lock().unwrap().push("b") });
/// hub.block_on(async { first.await; second.await });
/// assert_eq!(log.lock().unwrap().len(), 3);
/// ```
pub async fn yield_now() {
    if crate::hub::in_block_on_future() {
        return crate::hub::let_ready_tasks_run().await;
    }
    count_yield();
    futures_lite::future::yield_now().await;
}
