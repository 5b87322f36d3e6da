//! The hub's own scheduler: one FIFO run queue per [`Priority`], one list
//! of the threads asleep waiting for work (for all three queues), and the
//! set of live tasks, which dropping the hub cancels.
//!
//! Tasks are async-task's, as async-executor's are (the hub's [`Task`] is
//! the same type), and each queue is a `ConcurrentQueue` as in
//! async-executor. Three things differ from three async-executors side by
//! side, and each is measured in the README's hub section:
//!
//! * **One sleeper list for the three levels.** A worker waiting for work
//!   registers once, not once per executor (three locks), and a
//!   thread inside `block_on` registers for high priority tasks alone.
//! * **No wake-up per task taken.** async-executor wakes another sleeper
//!   each time a thread takes a task, in case the task runs long. Here a
//!   thread that takes a task wakes another only if work is still queued
//!   behind it; a task that comes in while every thread is busy wakes a
//!   sleeper when it is pushed, as before. And a wake-up goes first to the
//!   thread that pushed the task, if that thread is itself asleep waiting
//!   for work: a worker in the reactor that readies a task (a socket
//!   became readable) runs it itself once the reactor returns, at the cost
//!   of no system call, instead of waking another thread to run it.
//! * **A ring buffer, and two vectors behind it.** Each level's queue is a
//!   bounded ring of [`RING`] slots, and locked `VecDeque`s for what does
//!   not fit. async-executor's global queue is unbounded alone: it
//!   allocates a block every 31 pushes and the thread that pops a block's
//!   last task frees it, so with one thread spawning and the workers
//!   running, the workers' frees fought the spawner's allocations for the
//!   allocator's lock (13% of a million sleepers' profile, in futex waits
//!   and wakes). The ring allocates nothing, and the vectors only as they
//!   grow. While anything is in the vectors, pushes go there too, and a
//!   thread that finds the ring empty moves a batch over: tasks still run
//!   in the order they were queued. Pushes go to one vector and the moves
//!   come from the other (the two swap when the second runs dry), each
//!   under a lock of its own: with one vector, a push waited while a
//!   thread moved its batch, and with ten million sleepers 5% of the
//!   pushes through it found the lock taken (752k of 14.1M), putting the
//!   spawning thread to sleep in the kernel some 21k times.
//! * **The live-task set is sharded.** async-executor keeps its live tasks
//!   in one locked slab, which every spawn and every completion takes:
//!   with one thread spawning and the workers completing, that lock was
//!   the most contended in the hub. Here a spawn picks one of
//!   [`SHARDS`] slabs in turn, and the task's completion takes only that
//!   one.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_task::{Runnable, Task};
use concurrent_queue::ConcurrentQueue;
use slab::Slab;

use crate::catch_drop::CatchDrop;
use crate::priority::{self, Priority};

/// How many slabs the live tasks are spread over.
const SHARDS: usize = 16;

/// Slots in each level's ring buffer (16 bytes each), before the overflow.
const RING: usize = 1024;

/// Which levels a sleeping thread waits for: bit `i` is the level of index
/// `i` (see [`Priority::index`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Levels(u8);

impl Levels {
    /// Every level: a worker.
    pub(crate) const ALL: Levels = Levels(0b111);
    /// High priority tasks alone: a thread inside `block_on`.
    pub(crate) const HIGH: Levels = Levels(1 << Priority::High.index());

    fn covers(self, level: usize) -> bool {
        self.0 & (1 << level) != 0
    }
}

/// The hub's run queues, sleepers and live tasks. Dropping it cancels every
/// task still live, running its destructor (see [`Drop`]).
pub(crate) struct Scheduler {
    state: Arc<State>,
}

/// Each part on cache lines of its own: the `Arc`'s counts (taken and
/// dropped per task), the queues (every push and pop), the quiet flags (read
/// by every push) and the sleepers (written on each sleep) would otherwise
/// share lines that every thread writes.
struct State {
    /// The ready tasks of each level, highest first.
    queues: Padded<[RunQueue; 3]>,
    /// Per level: true when a task pushed there needs to wake nobody, as
    /// no sleeper waits for the level or one already woken for it has not
    /// yet looked. Kept by `Sleepers::quiet`, under the sleepers' lock.
    quiet: Padded<[AtomicBool; 3]>,
    sleepers: Padded<Mutex<Sleepers>>,
    /// The wakers of the tasks not finished yet, spread over slabs (each
    /// shared with its tasks, which leave it when they finish).
    live: [Arc<Padded<LiveSet>>; SHARDS],
}

type LiveSet = Mutex<Slab<Waker>>;

/// A value on a cache line (two, for the adjacent-line prefetcher) of its
/// own.
#[repr(align(128))]
struct Padded<T>(T);

impl<T> core::ops::Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

thread_local! {
    /// The sleeper this thread registered and is waiting as, if any (0 if
    /// none): a task this thread readies wakes it first.
    static SLEEPING_AS: Cell<u64> = const { Cell::new(0) };
    /// Which live-task slab this thread's next spawn goes to.
    static NEXT_SHARD: Cell<usize> = const { Cell::new(0) };
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Scheduler {
    pub(crate) fn new() -> Self {
        Scheduler {
            state: Arc::new(State {
                queues: Padded([RunQueue::new(), RunQueue::new(), RunQueue::new()]),
                quiet: Padded([const { AtomicBool::new(true) }; 3]),
                sleepers: Padded(Mutex::new(Sleepers::default())),
                live: core::array::from_fn(|_| Arc::new(Padded(Mutex::new(Slab::new())))),
            }),
        }
    }

    /// Spawns `future` at `priority`: queued to run at once.
    pub(crate) fn spawn<T: Send + 'static>(
        &self,
        priority: Priority,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Task<T> {
        let shard = NEXT_SHARD.with(|next| {
            let shard = next.get();
            next.set((shard + 1) % SHARDS);
            shard
        });
        let set = &self.state.live[shard];
        let mut live = lock(set);
        let entry = live.vacant_entry();
        let future = Live {
            future: CatchDrop::new(future),
            _left: Leave {
                set: set.clone(),
                key: entry.key(),
            },
        };
        // The level is in the schedule function's type, not in a field: a
        // field would make every task 8 bytes (with glibc, 16) bigger.
        let (runnable, task) = match priority {
            Priority::High => self.create::<{ Priority::High.index() }, _>(future),
            Priority::Normal => self.create::<{ Priority::Normal.index() }, _>(future),
            Priority::Low => self.create::<{ Priority::Low.index() }, _>(future),
        };
        entry.insert(runnable.waker());
        drop(live);
        runnable.schedule();
        task
    }

    /// Creates the task of `future`, scheduled into queue `LEVEL`.
    fn create<const LEVEL: usize, F>(&self, future: F) -> (Runnable, Task<F::Output>)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let state = self.state.clone();
        async_task::Builder::new()
            .propagate_panic(true)
            .spawn(|()| future, move |runnable| state.push(LEVEL, runnable))
    }

    /// Runs one ready task, trying the levels in the order scheduling point
    /// `turn` calls for (see [`priority`]); `false` if none was ready.
    ///
    /// It costs one queue pop per level tried.
    pub(crate) fn try_tick(&self, turn: u32) -> bool {
        let state = &*self.state;
        for level in priority::order(turn) {
            if let Some(runnable) = state.queues[level].pop() {
                // Work left behind this task: wake a sleeper for it, as this
                // thread may be busy with this one for long.
                state.notify_queued(Levels::ALL);
                runnable.run();
                return true;
            }
        }
        false
    }

    /// Waits until some level in `levels` may have a task ready: registered
    /// as a sleeper while it waits, registered nowhere once it returns.
    pub(crate) fn wait(&self, levels: Levels) -> Wait<'_> {
        Wait {
            state: &self.state,
            levels,
            id: 0,
            outer: 0,
        }
    }

    /// Waits until some level has a task ready, and runs one (with
    /// [`Scheduler::try_tick`], in the order of scheduling point `turn`).
    /// A thread running the task is registered as no sleeper, so no task
    /// pushed meanwhile waits for it while another thread is idle.
    pub(crate) async fn tick(&self, turn: u32) {
        loop {
            self.wait(Levels::ALL).await;
            if self.try_tick(turn) {
                return;
            }
        }
    }
}

impl Drop for Scheduler {
    /// Cancels every task still live: wakes each, so that its runnable is
    /// queued, and drops the runnables queued (dropping a runnable drops
    /// its future). Destructors that wake or spawn more are drained too.
    fn drop(&mut self) {
        let state = &*self.state;
        loop {
            let mut wakers = Vec::new();
            for shard in &state.live {
                wakers.extend(lock(shard).drain());
            }
            for waker in wakers {
                waker.wake();
            }
            let mut dropped = false;
            for queue in state.queues.iter() {
                while let Some(runnable) = queue.pop() {
                    drop(runnable);
                    dropped = true;
                }
            }
            if !dropped {
                return;
            }
        }
    }
}

impl State {
    /// Queues a woken task, and wakes a sleeper for it unless one is awake
    /// for its level already.
    fn push(&self, level: usize, runnable: Runnable) {
        self.queues[level].push(runnable);
        self.notify(level);
    }

    /// Wakes a sleeper waiting for `level`, unless one was woken for it and
    /// has not looked yet: this thread's own sleeper first, else the one
    /// that went to sleep last.
    fn notify(&self, level: usize) {
        // SeqCst, with the queue's SeqCst push before it and a sleeper's
        // SeqCst store and fence before it looks at the queues: either the
        // sleeper sees the task, or this sees that the sleeper sleeps. A
        // load first, as the flag is mostly set: it leaves the line shared.
        let quiet = &self.quiet[level];
        if quiet.load(Ordering::SeqCst)
            || quiet
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
        {
            return;
        }
        let mut sleepers = lock(&self.sleepers);
        let me = SLEEPING_AS.with(Cell::get);
        let waker = sleepers.take_waker(level, me);
        sleepers.quiet(&self.quiet);
        drop(sleepers);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Wakes a sleeper for the first level in `levels` that has a task
    /// queued and no sleeper woken for it yet. The flag is read before the
    /// queue: under load every level is quiet, and this costs three loads.
    fn notify_queued(&self, levels: Levels) {
        let needed = (0..3).find(|&level| {
            levels.covers(level)
                && !self.quiet[level].load(Ordering::SeqCst)
                && !self.queues[level].is_empty()
        });
        if let Some(level) = needed {
            self.notify(level);
        }
    }

    fn any_queued(&self, levels: Levels) -> bool {
        (0..3).any(|level| levels.covers(level) && !self.queues[level].is_empty())
    }
}

/// One level's ready tasks, first in first out: a ring buffer, and a
/// growable one behind a lock for what does not fit.
struct RunQueue<T = Runnable> {
    ring: ConcurrentQueue<T>,
    /// The tasks pushed while the ring was full, and every task pushed
    /// after them until the overflow is empty again: all of them are
    /// younger than the ring's, which are popped first. Two vectors, each
    /// with a lock of its own, so that pushes and the moves into the ring
    /// do not wait for each other: pushes go to `incoming`; a thread that
    /// finds the ring empty moves a batch from `outgoing` into it, after
    /// swapping the two if `outgoing` is empty. Every task in `outgoing`
    /// is older than every task in `incoming`.
    incoming: Padded<Mutex<VecDeque<T>>>,
    outgoing: Padded<Mutex<VecDeque<T>>>,
    /// How many tasks the two vectors hold, for the pushes and the
    /// sleepers to read without a lock. Raised after a push into
    /// `incoming` and lowered after a move into the ring: a task is always
    /// counted in one of the two.
    overflowed: AtomicUsize,
}

impl<T> RunQueue<T> {
    fn new() -> Self {
        RunQueue {
            ring: ConcurrentQueue::bounded(RING),
            incoming: Padded(Mutex::new(VecDeque::new())),
            outgoing: Padded(Mutex::new(VecDeque::new())),
            overflowed: AtomicUsize::new(0),
        }
    }

    fn push(&self, runnable: T) {
        let runnable = if self.overflowed.load(Ordering::SeqCst) == 0 {
            match self.ring.push(runnable) {
                Ok(()) => return,
                Err(full) => full.into_inner(),
            }
        } else {
            runnable
        };
        let mut incoming = lock(&self.incoming);
        incoming.push_back(runnable);
        // Under the lock, so that a swap sees the count with its task.
        self.overflowed.fetch_add(1, Ordering::SeqCst);
    }

    fn pop(&self) -> Option<T> {
        if let Ok(runnable) = self.ring.pop() {
            return Some(runnable);
        }
        if self.overflowed.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let mut outgoing = lock(&self.outgoing);
        // The ring first, still: it may have filled again meanwhile.
        if let Ok(runnable) = self.ring.pop() {
            return Some(runnable);
        }
        if outgoing.is_empty() {
            let mut incoming = lock(&self.incoming);
            core::mem::swap(&mut *outgoing, &mut *incoming);
            if incoming.capacity() > RING {
                // A burst's memory goes with it.
                *incoming = VecDeque::new();
            }
        }
        let first = outgoing.pop_front()?;
        // Refill the ring with a batch, in order; pushes go on into
        // `incoming` meanwhile, as the count says the overflow is not empty.
        let mut moved = 1;
        while self.ring.len() < RING / 2 {
            let Some(runnable) = outgoing.pop_front() else {
                break;
            };
            if let Err(full) = self.ring.push(runnable) {
                outgoing.push_front(full.into_inner());
                break;
            }
            moved += 1;
        }
        self.overflowed.fetch_sub(moved, Ordering::SeqCst);
        if outgoing.is_empty() && outgoing.capacity() > RING {
            *outgoing = VecDeque::new();
        }
        Some(first)
    }

    fn is_empty(&self) -> bool {
        // The overflow first: a task moving into the ring is counted there
        // until it is in the ring.
        self.overflowed.load(Ordering::SeqCst) == 0 && self.ring.is_empty()
    }
}

/// The threads asleep waiting for work.
#[derive(Default)]
struct Sleepers {
    list: Vec<Sleeper>,
    last_id: u64,
}

struct Sleeper {
    id: u64,
    levels: Levels,
    /// `None` once woken: it has not looked at the queues since.
    waker: Option<Waker>,
}

impl Sleepers {
    /// Takes the waker of a sleeper for `level` not woken yet, `me`'s if
    /// it is one, else the last one to sleep.
    fn take_waker(&mut self, level: usize, me: u64) -> Option<Waker> {
        let waiting = |s: &Sleeper| s.waker.is_some() && s.levels.covers(level);
        let at = self
            .list
            .iter()
            .position(|s| s.id == me && waiting(s))
            .or_else(|| self.list.iter().rposition(waiting))?;
        self.list[at].waker.take()
    }

    /// Stores, per level, whether a push needs to wake nobody.
    fn quiet(&self, quiet: &[AtomicBool; 3]) {
        for (level, flag) in quiet.iter().enumerate() {
            let waiting = self
                .list
                .iter()
                .any(|s| s.waker.is_some() && s.levels.covers(level));
            let woken = self
                .list
                .iter()
                .any(|s| s.waker.is_none() && s.levels.covers(level));
            flag.store(!waiting || woken, Ordering::SeqCst);
        }
    }

    /// Removes sleeper `id`; true if it had been woken.
    fn remove(&mut self, id: u64) -> bool {
        match self.list.iter().position(|s| s.id == id) {
            Some(at) => self.list.swap_remove(at).waker.is_none(),
            None => false,
        }
    }
}

/// The future of [`Scheduler::wait`].
pub(crate) struct Wait<'a> {
    state: &'a State,
    levels: Levels,
    /// Its sleeper's id while registered, else 0.
    id: u64,
    /// This thread's `SLEEPING_AS` before it registered.
    outer: u64,
}

impl Wait<'_> {
    /// Leaves the sleeper list; true if it had been woken.
    fn leave(&mut self) -> bool {
        let mut sleepers = lock(&self.state.sleepers);
        self.leave_locked(&mut sleepers)
    }

    /// [`Wait::leave`], with the sleepers' lock held.
    fn leave_locked(&mut self, sleepers: &mut Sleepers) -> bool {
        let id = core::mem::replace(&mut self.id, 0);
        SLEEPING_AS.with(|me| me.set(self.outer));
        let woken = sleepers.remove(id);
        sleepers.quiet(&self.state.quiet);
        woken
    }
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let state = this.state;
        if this.id == 0 {
            if state.any_queued(this.levels) {
                return Poll::Ready(());
            }
            let mut sleepers = lock(&state.sleepers);
            sleepers.last_id += 1;
            this.id = sleepers.last_id;
            sleepers.list.push(Sleeper {
                id: this.id,
                levels: this.levels,
                waker: Some(cx.waker().clone()),
            });
            sleepers.quiet(&state.quiet);
            drop(sleepers);
            this.outer = SLEEPING_AS.with(|me| me.replace(this.id));
            // See `State::notify`.
            fence(Ordering::SeqCst);
            if state.any_queued(this.levels) {
                this.leave();
                return Poll::Ready(());
            }
            return Poll::Pending;
        }
        let mut sleepers = lock(&state.sleepers);
        let me = sleepers.list.iter_mut().find(|s| s.id == this.id);
        match me {
            Some(Sleeper {
                waker: Some(waker), ..
            }) => {
                waker.clone_from(cx.waker());
                Poll::Pending
            }
            _ => {
                this.leave_locked(&mut sleepers);
                Poll::Ready(())
            }
        }
    }
}

impl Drop for Wait<'_> {
    /// A wait dropped after it was woken, without returning, passes the
    /// wake-up on, so the task it was woken for does not wait for a busy
    /// thread.
    fn drop(&mut self) {
        if self.id != 0 && self.leave() {
            self.state.notify_queued(self.levels);
        }
    }
}

pin_project_lite::pin_project! {
    /// A live task's future: leaves the live set when dropped (finished or
    /// cancelled), after the future, whose destructor's panic is caught.
    struct Live<F> {
        #[pin]
        future: CatchDrop<F>,
        // Dropped after the future.
        _left: Leave,
    }
}

impl<F: Future> Future for Live<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().future.poll(cx)
    }
}

/// Removes a task's waker from its live-task slab when dropped.
struct Leave {
    set: Arc<Padded<LiveSet>>,
    key: usize,
}

impl Drop for Leave {
    fn drop(&mut self) {
        drop(lock(&self.set).try_remove(self.key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn noop_cx() -> Context<'static> {
        Context::from_waker(Waker::noop())
    }

    /// A waker, and how many times it was woken.
    fn counting_waker() -> (Arc<AtomicUsize>, Waker) {
        struct Count(Arc<AtomicUsize>);
        impl std::task::Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let woken = Arc::new(AtomicUsize::new(0));
        (woken.clone(), Waker::from(Arc::new(Count(woken))))
    }

    #[test]
    fn tasks_run_in_priority_order() {
        let scheduler = Scheduler::new();
        let order = Arc::new(Mutex::new(Vec::new()));
        for (priority, name) in [
            (Priority::Low, "low"),
            (Priority::Normal, "normal"),
            (Priority::High, "high"),
        ] {
            let order = order.clone();
            scheduler
                .spawn(priority, async move { order.lock().unwrap().push(name) })
                .detach();
        }
        while scheduler.try_tick(0) {}
        assert_eq!(*order.lock().unwrap(), ["high", "normal", "low"]);
    }

    #[test]
    fn a_wait_returns_at_once_when_a_task_is_queued() {
        let scheduler = Scheduler::new();
        scheduler.spawn(Priority::Low, async {}).detach();
        let mut wait = core::pin::pin!(scheduler.wait(Levels::ALL));
        assert!(wait.as_mut().poll(&mut noop_cx()).is_ready());
    }

    #[test]
    fn a_high_only_wait_ignores_normal_tasks_and_wakes_for_high() {
        let scheduler = Scheduler::new();
        let mut wait = core::pin::pin!(scheduler.wait(Levels::HIGH));
        assert!(wait.as_mut().poll(&mut noop_cx()).is_pending());
        scheduler.spawn(Priority::Normal, async {}).detach();
        assert!(wait.as_mut().poll(&mut noop_cx()).is_pending());
        scheduler.spawn(Priority::High, async {}).detach();
        assert!(wait.as_mut().poll(&mut noop_cx()).is_ready());
    }

    #[test]
    fn one_push_wakes_one_sleeper() {
        let (woken, waker) = counting_waker();
        let scheduler = Scheduler::new();
        let mut a = Box::pin(scheduler.wait(Levels::ALL));
        let mut b = Box::pin(scheduler.wait(Levels::ALL));
        let mut cx = Context::from_waker(&waker);
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(b.as_mut().poll(&mut cx).is_pending());
        scheduler.spawn(Priority::Normal, async {}).detach();
        scheduler.spawn(Priority::Normal, async {}).detach();
        // The second push finds a sleeper woken and not yet looking.
        assert_eq!(woken.load(Ordering::SeqCst), 1);
        // `b`, the last to sleep, was woken: it takes a task with one left
        // behind it, and that wakes `a`.
        assert!(b.as_mut().poll(&mut cx).is_ready());
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(scheduler.try_tick(0));
        assert_eq!(woken.load(Ordering::SeqCst), 2);
        assert!(a.as_mut().poll(&mut cx).is_ready());
        assert!(scheduler.try_tick(0));
    }

    #[test]
    fn a_dropped_woken_wait_passes_its_wakeup_on() {
        let (woken, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let scheduler = Scheduler::new();
        let mut a = Box::pin(scheduler.wait(Levels::ALL));
        let mut b = Box::pin(scheduler.wait(Levels::ALL));
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(b.as_mut().poll(&mut cx).is_pending());
        scheduler.spawn(Priority::Normal, async {}).detach();
        assert_eq!(woken.load(Ordering::SeqCst), 1);
        // `b` went to sleep last, so it was woken; dropped without looking.
        drop(b);
        assert_eq!(woken.load(Ordering::SeqCst), 2);
        assert!(a.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn dropping_the_scheduler_drops_pending_and_queued_tasks() {
        struct Flag(Arc<AtomicUsize>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let scheduler = Scheduler::new();
        // One that waits forever, its waker kept nowhere but the live set.
        let flag = Flag(dropped.clone());
        scheduler
            .spawn(Priority::Normal, async move {
                let _flag = flag;
                core::future::pending::<()>().await
            })
            .detach();
        assert!(scheduler.try_tick(0));
        // One still queued.
        let flag = Flag(dropped.clone());
        scheduler
            .spawn(Priority::Low, async move { drop(flag) })
            .detach();
        drop(scheduler);
        assert_eq!(dropped.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_run_queue_keeps_order_past_its_ring() {
        let queue = RunQueue::new();
        let n = 3 * RING + 7;
        for i in 0..n {
            queue.push(i);
        }
        assert!(queue.overflowed.load(Ordering::SeqCst) > 0);
        let popped: Vec<usize> = core::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(popped, (0..n).collect::<Vec<_>>());
        assert!(queue.is_empty());
        // The burst's vectors went with it.
        assert_eq!(lock(&queue.incoming).capacity(), 0);
        assert_eq!(lock(&queue.outgoing).capacity(), 0);
    }

    #[test]
    fn a_run_queue_interleaving_pushes_and_pops_keeps_order() {
        let queue = RunQueue::new();
        let (mut next_in, mut next_out) = (0, 0);
        for round in 0..50 {
            for _ in 0..(RING / 3 + round * 97) {
                queue.push(next_in);
                next_in += 1;
            }
            for _ in 0..(RING / 4 + round * 61) {
                match queue.pop() {
                    Some(got) => {
                        assert_eq!(got, next_out);
                        next_out += 1;
                    }
                    None => break,
                }
            }
        }
        while let Some(got) = queue.pop() {
            assert_eq!(got, next_out);
            next_out += 1;
        }
        assert_eq!(next_out, next_in);
    }

    #[test]
    fn a_run_queue_under_threads_loses_and_repeats_nothing() {
        const PRODUCERS: usize = 2;
        let per_producer = 2 * RING;
        for _ in 0..200 {
            let queue = Arc::new(RunQueue::new());
            let done = Arc::new(AtomicUsize::new(0));
            let producers: Vec<_> = (0..PRODUCERS)
                .map(|p| {
                    let (queue, done) = (queue.clone(), done.clone());
                    std::thread::spawn(move || {
                        for i in 0..per_producer {
                            queue.push((p, i));
                        }
                        done.fetch_add(1, Ordering::SeqCst);
                    })
                })
                .collect();
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let (queue, done) = (queue.clone(), done.clone());
                    std::thread::spawn(move || {
                        let mut got = Vec::new();
                        loop {
                            match queue.pop() {
                                Some(item) => got.push(item),
                                None if done.load(Ordering::SeqCst) == PRODUCERS
                                    && queue.is_empty() =>
                                {
                                    return got;
                                }
                                None => std::thread::yield_now(),
                            }
                        }
                    })
                })
                .collect();
            for producer in producers {
                producer.join().unwrap();
            }
            let mut seen = vec![vec![0u32; per_producer]; PRODUCERS];
            for consumer in consumers {
                let got = consumer.join().unwrap();
                // One consumer sees each producer's tasks in the order
                // they were pushed.
                for p in 0..PRODUCERS {
                    let mine: Vec<usize> = got
                        .iter()
                        .filter(|(q, _)| *q == p)
                        .map(|&(_, i)| i)
                        .collect();
                    assert!(mine.windows(2).all(|w| w[0] < w[1]), "reordered");
                }
                for (p, i) in got {
                    seen[p][i] += 1;
                }
            }
            assert!(
                seen.iter().flatten().all(|&count| count == 1),
                "a task was lost or popped twice"
            );
        }
    }

    #[test]
    fn threads_lose_no_task() {
        for _ in 0..200 {
            let scheduler = Arc::new(Scheduler::new());
            let ran = Arc::new(AtomicUsize::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let (scheduler, stop) = (scheduler.clone(), stop.clone());
                    std::thread::spawn(move || {
                        let mut turn = 0;
                        while !stop.load(Ordering::SeqCst) {
                            turn += 1;
                            if !scheduler.try_tick(turn) {
                                let thread = std::thread::current();
                                let waker = Waker::from(Arc::new(Unpark(thread)));
                                let mut wait = core::pin::pin!(scheduler.wait(Levels::ALL));
                                while wait
                                    .as_mut()
                                    .poll(&mut Context::from_waker(&waker))
                                    .is_pending()
                                {
                                    if stop.load(Ordering::SeqCst) {
                                        return;
                                    }
                                    std::thread::park();
                                }
                            }
                        }
                    })
                })
                .collect();
            for i in 0..100 {
                let ran = ran.clone();
                let priority = [Priority::Low, Priority::Normal, Priority::High][i % 3];
                scheduler
                    .spawn(priority, async move {
                        ran.fetch_add(1, Ordering::SeqCst);
                    })
                    .detach();
            }
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while ran.load(Ordering::SeqCst) < 100 && std::time::Instant::now() < deadline {
                std::thread::yield_now();
            }
            assert_eq!(ran.load(Ordering::SeqCst), 100, "a task was left queued");
            stop.store(true, Ordering::SeqCst);
            for worker in &workers {
                worker.thread().unpark();
            }
            for worker in workers {
                worker.join().unwrap();
            }
        }
    }

    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
}
