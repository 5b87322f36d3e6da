//! Task priorities, and the order in which each scheduling point tries them.
//!
//! The hub's scheduler keeps one run queue per [`Priority`] (see
//! `scheduler.rs`). At every scheduling point a worker
//! tries the levels in order, highest first, and runs one task from the first
//! level that has one ready.
//!
//! Strict order would let a busy higher level starve a lower one forever, so
//! every `FAIR_TURN`th (32nd) scheduling point starts from a lower level instead,
//! alternately normal and low. Under full load a ready normal task therefore
//! runs at least once every `2 * FAIR_TURN` scheduling points, and so does a
//! ready low one: lower levels are slowed down, never stopped.

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

/// The order in which scheduling point `turn` tries the levels, as indices
/// into the scheduler's queues (see [`Priority::index`]).
pub(crate) fn order(turn: u32) -> [usize; 3] {
    let [high, normal, low] = [
        Priority::High.index(),
        Priority::Normal.index(),
        Priority::Low.index(),
    ];
    if turn % FAIR_TURN != FAIR_TURN - 1 {
        [high, normal, low]
    } else if (turn / FAIR_TURN).is_multiple_of(2) {
        [normal, low, high]
    } else {
        [low, normal, high]
    }
}
