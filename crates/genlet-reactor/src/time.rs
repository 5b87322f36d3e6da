//! The public time API: `sleep`, `sleep_until`, the `Sleep` future,
//! `interval`, `timeout`, and `yield_now`.
//!
//! Inside a hub, sleeps are filed in the hub's own timer table (see
//! `timer_table.rs`), driven by one async-io timer; elsewhere they are async-io
//! timers. Either way the hub's workers fire them while they wait for I/O.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_io::Timer;
use futures_lite::{FutureExt, Stream};

use crate::context;
use crate::err::Elapsed;
use crate::timer_table::TimerTable;

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
    let mut sleep = Sleep::until(Instant::now().checked_add(duration));
    if duration.is_zero() {
        // Over at once, with no filing and no clock read at the first poll.
        sleep.state = SleepState::Done;
    }
    sleep
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

/// The future of [`sleep`] and [`sleep_until`].
///
/// Inside a hub it is filed in the hub's own timer table (1 ms resolution,
/// rounded up); elsewhere it is an async-io timer. A sleep without a
/// deadline (one longer than [`Instant`] can reach, or more than 292 years
/// ahead) is filed nowhere and never ends. A deadline that has passed ends
/// the sleep at once: at its first poll outside a hub, or in a hub whose
/// timer driver has already fired that millisecond; otherwise (the deadline
/// passed since the driver's last turn, which the hub tells without a clock
/// read per sleep) at the driver's next turn, microseconds later.
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
    // 24 bytes: a sleeping task's whole future.
    deadline: Deadline,
    state: SleepState,
}

/// A deadline in 8 bytes instead of an `Option<Instant>`'s 16: signed
/// nanoseconds from one instant of the process, [`Deadline::NEVER`] for
/// none. Exact for any deadline within 292 years of that instant; one
/// further in the future counts as never, one further in the past as
/// [`Deadline::LONG_PAST`]. (The 8 bytes bring a sleeping task's
/// allocation to 88 bytes, a 96-byte malloc chunk instead of 112.)
#[derive(Clone, Copy, PartialEq, Eq)]
struct Deadline(i64);

impl Deadline {
    const NEVER: Deadline = Deadline(i64::MIN);
    /// A deadline more than 292 years before the origin: passed.
    const LONG_PAST: Deadline = Deadline(i64::MIN + 1);

    /// The instant deadlines count from: the first one's making.
    fn origin() -> Instant {
        static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        *ORIGIN.get_or_init(Instant::now)
    }

    fn new(deadline: Option<Instant>) -> Self {
        let Some(deadline) = deadline else {
            return Deadline::NEVER;
        };
        let origin = Self::origin();
        if deadline >= origin {
            i64::try_from(deadline.duration_since(origin).as_nanos())
                .map_or(Deadline::NEVER, Deadline)
        } else {
            i64::try_from(origin.duration_since(deadline).as_nanos())
                .ok()
                .filter(|&n| n < i64::MAX)
                .map_or(Deadline::LONG_PAST, |n| Deadline(-n))
        }
    }

    fn get(self) -> Option<Instant> {
        match self.0 {
            i64::MIN => None,
            n if n >= 0 => Self::origin().checked_add(Duration::from_nanos(n as u64)),
            // A passed deadline stays passed, even where `Instant` cannot
            // go that far back.
            n => {
                let origin = Self::origin();
                Some(
                    origin
                        .checked_sub(Duration::from_nanos(n.unsigned_abs()))
                        .unwrap_or(origin),
                )
            }
        }
    }
}

enum SleepState {
    /// Not polled yet.
    Start,
    /// Filed in a hub's table.
    Filed {
        timers: Arc<TimerTable>,
        key: u32,
    },
    /// Outside any hub (boxed: it is the rare case, and 56 bytes).
    Io(Box<Timer>),
    Done,
}

impl std::fmt::Debug for Sleep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline.get())
            .finish_non_exhaustive()
    }
}

impl Sleep {
    pub(crate) fn until(deadline: Option<Instant>) -> Self {
        Sleep {
            deadline: Deadline::new(deadline),
            state: SleepState::Start,
        }
    }

    /// When the sleep ends; `None` when it never does (its duration went
    /// beyond what [`Instant`] can hold, such as [`Duration::MAX`], or beyond
    /// 292 years).
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
        self.deadline.get()
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
                let Some(deadline) = this.deadline.get() else {
                    // Never: nothing to file, nobody to wake.
                    return Poll::Pending;
                };
                // In a hub the table tells a passed deadline (one in a tick
                // that fired) without reading the clock; one that passed
                // since is filed and fires at the driver's next turn.
                this.state = match context::current_timers() {
                    Some(timers) => match timers.register(deadline, cx.waker()) {
                        Some(key) => SleepState::Filed { timers, key },
                        None => {
                            this.state = SleepState::Done;
                            return Poll::Ready(());
                        }
                    },
                    None if Instant::now() >= deadline => {
                        this.state = SleepState::Done;
                        return Poll::Ready(());
                    }
                    None => return Self::poll_io(this, deadline, cx),
                };
                Poll::Pending
            }
            SleepState::Filed { timers, key } => {
                let Some(deadline) = this.deadline.get() else {
                    debug_assert!(false, "only a sleep with a deadline is filed");
                    return Poll::Pending;
                };
                let polled = timers.poll_fired(*key, deadline, cx.waker());
                if polled.is_ready() {
                    this.state = SleepState::Done;
                } else if timers.is_closed() {
                    // The hub that would fire it is gone: wait on async-io.
                    timers.cancel(*key, deadline);
                    this.state = SleepState::Start;
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
        if let SleepState::Filed { timers, key } = &self.state
            && let Some(deadline) = self.deadline.get()
        {
            timers.cancel(*key, deadline);
        }
    }
}

/// A stream that yields the time every `period`, starting one period from now.
///
/// Ticks are due a period apart, counted from the first deadline, so they
/// do not drift however long each takes to be taken (within a period). Ticks
/// missed while nobody polled are not made up: a tick taken a whole period
/// or more late makes the next one due a period after it was taken. A
/// period beyond what
/// [`Instant`] can reach, such as [`Duration::MAX`], never ticks; one under
/// a millisecond (the hub's timer resolution), zero included, counts as a
/// millisecond, so that a loop over the stream still waits between ticks.
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
    let period = period.max(Duration::from_millis(1));
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
                let now = Instant::now();
                let at = self.next.deadline().unwrap_or(now);
                let period = self.period;
                self.next = match at.checked_add(period) {
                    // On time, or late by less than a period: no drift.
                    Some(next) if next > now => sleep_until(next),
                    // A tick or more missed: from now, none made up.
                    _ => sleep(period),
                };
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

/// Lets every other ready task run before this task goes on, and keeps I/O
/// flowing: gevent's `sleep(0)`, without its starving of I/O (gevent #1071).
///
/// The worker polls the reactor for I/O before it runs another task at the
/// latest every 61 yields (and every 200 tasks it runs, yields or not), and
/// sooner when yields are sparse: a yield that finds 50 µs passed since the
/// last poll makes it poll at once. So tasks that loop on `yield_now` cannot
/// keep sockets and timers from being served, and a CPU-heavy task that
/// yields every millisecond lets I/O in every millisecond. A tight yield
/// loop pays neither a system call nor a clock read per yield: the clock is
/// looked at on the 1st, 2nd, 4th, 8th, 16th and 32nd yield after a poll,
/// and only on the 1st while yields come faster than 61 per 50 µs.
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
    if context::in_block_on_future() {
        return crate::hub::let_ready_tasks_run().await;
    }
    context::count_yield();
    futures_lite::future::yield_now().await;
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Deadline;

    #[test]
    fn deadlines_round_trip() {
        let now = Instant::now();
        for d in [
            Some(now),
            Some(now + Duration::from_nanos(1)),
            Some(now + Duration::from_secs(100 * 365 * 86_400)),
            now.checked_sub(Duration::from_secs(1)),
            Deadline::origin().checked_sub(Duration::from_nanos(3)),
            None,
        ] {
            assert_eq!(Deadline::new(d).get(), d);
        }
        let far = now.checked_add(Duration::from_secs(300 * 365 * 86_400));
        assert_eq!(
            Deadline::new(far).get(),
            None,
            "further than 292 years: never"
        );
    }

    #[test]
    fn a_sleep_is_small() {
        assert!(
            size_of::<super::Sleep>() <= 24,
            "{}",
            size_of::<super::Sleep>()
        );
    }
}
