//! Task priorities, and the scheduling loop that honours them.
//!
//! The hub keeps one async-executor per [`Priority`] (the construction of
//! async-executor's `examples/priority.rs`). At every scheduling point a worker
//! tries the levels in order, highest first, and runs one task from the first
//! level that has one ready.
//!
//! Strict order would let a busy higher level starve a lower one forever, so
//! every `FAIR_TURN`th (32nd) scheduling point starts from a lower level instead,
//! alternately normal and low. Under full load a ready normal task therefore
//! runs at least once every `2 * FAIR_TURN` scheduling points, and so does a
//! ready low one: lower levels are slowed down, never stopped.

use core::pin::pin;
use core::task::Poll;

use async_executor::Executor;

/// How urgently a task should run.
///
/// Priorities compare the way they read: `Low < Normal < High`, so the
/// greatest of several priorities is the most urgent.
///
/// # Examples
///
/// ```
/// use genlet_reactor::{Hub, Priority};
///
/// assert!(Priority::High > Priority::Low);
/// assert_eq!([Priority::Low, Priority::High, Priority::Normal].into_iter().max(), Some(Priority::High));
///
/// let hub = Hub::builder().workers(1).build().unwrap();
/// let task = hub.task().priority(Priority::High).spawn(async { 1 + 1 });
/// assert_eq!(hub.block_on(task), 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Runs when nothing more urgent is ready (e.g. CPU-heavy batch work), and
    /// under full load at least once every 64 scheduling points.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Runs before any ready normal or low task (e.g. latency-sensitive I/O).
    High,
}

impl Priority {
    /// Its executor's place in the hub's array: highest first.
    pub(crate) const fn index(self) -> usize {
        match self {
            Priority::High => 0,
            Priority::Normal => 1,
            Priority::Low => 2,
        }
    }
}

/// Every this many scheduling points, a lower level goes first.
pub(crate) const FAIR_TURN: u32 = 32;

/// The order in which scheduling point `turn` tries the levels.
fn order<'a>(executors: &'a [Executor<'static>; 3], turn: u32) -> [&'a Executor<'static>; 3] {
    let [high, normal, low] = executors;
    if turn % FAIR_TURN != FAIR_TURN - 1 {
        [high, normal, low]
    } else if (turn / FAIR_TURN).is_multiple_of(2) {
        [normal, low, high]
    } else {
        [low, normal, high]
    }
}

/// Runs one ready task, trying the levels in the order this scheduling point
/// calls for; `false` if none was ready.
///
/// It costs one queue pop per level tried (`try_tick`).
pub(crate) fn try_tick(executors: &[Executor<'static>; 3], turn: u32) -> bool {
    let [first, second, third] = order(executors, turn);
    first.try_tick() || second.try_tick() || third.try_tick()
}

/// Waits until some level has a task ready, and runs one (with
/// [`try_tick`], in the order of scheduling point `turn`).
///
/// The worker registers to be woken by all three executors, and once woken
/// drops all three registrations before it runs anything. A worker running
/// a task is thus registered nowhere (but for a task that came in the very
/// instant it registered: that one runs with the levels below its own still
/// registered, see below). (Were it still registered with the
/// other levels, as `high.tick().or(normal.tick())` leaves it while the
/// normal task runs, an executor would wake it, busy, for the next task of
/// its level, and async-executor wakes no other worker until that one comes
/// back: one long poll held up every high task, the timer driver included,
/// with another worker idle.)
///
/// Registering takes a lock per executor, so the run loop calls this only
/// when [`try_tick`] found nothing twice in a row.
pub(crate) async fn tick(executors: &[Executor<'static>; 3], turn: u32) {
    let [high, normal, low] = executors;
    loop {
        let ran = {
            let (mut high, mut normal, mut low) =
                (pin!(high.tick()), pin!(normal.tick()), pin!(low.tick()));
            let mut registered = false;
            core::future::poll_fn(|cx| {
                if registered {
                    // Woken: go and look, registered nowhere.
                    return Poll::Ready(false);
                }
                registered = true;
                // A tick that finds a task runs it (one came since the
                // caller's `try_tick`), with the levels polled before it
                // still registered. Lowest first, so that only levels below
                // the task's are: a normal task never holds up the next high
                // one (the timer driver's wake-up), whatever the race.
                let ran = low.as_mut().poll(cx).is_ready()
                    || normal.as_mut().poll(cx).is_ready()
                    || high.as_mut().poll(cx).is_ready();
                if ran {
                    Poll::Ready(true)
                } else {
                    Poll::Pending
                }
            })
            .await
        };
        if ran || try_tick(executors, turn) {
            return;
        }
    }
}
