//! [`Group`]: greenlets owned by a scope, cancelled when it goes away (a
//! nursery); [`Pool`]: a group with a bound on how many run at once.

use core::future::Future;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use event_listener::Event;
use futures_lite::FutureExt;
use genlet_reactor::Task;

use crate::err::TaskError;
use crate::greenlet::{Greenlet, Shared};
use crate::imap::Imap;
use crate::semaphore::{Semaphore, SemaphoreGuardArc};
use crate::spawn::GreenletBuilder;

/// A member as the group sees it, whatever its output type.
trait Member: Send + Sync {
    /// Cancels it without waiting: the hub drops its future (destructors
    /// run) shortly.
    fn cancel(&self);
    /// Its panic, kept by the group, was returned by the group's `join`.
    fn observe(&self);
    /// The group is done with its result.
    fn release(&self);
}

impl<T: Send> Member for Shared<T> {
    fn cancel(&self) {
        Shared::cancel(self);
    }

    fn observe(&self) {
        Shared::observe(self);
    }

    fn release(&self) {
        Shared::release(self);
    }
}

/// The first panic of a member, kept for the group's `join`, with the
/// member (so that a panic its own handle joined is not reported again).
struct FirstError {
    error: TaskError,
    member: Arc<dyn Member>,
}

impl FirstError {
    /// The group hands the error to its caller.
    fn into_observed(self) -> TaskError {
        self.member.observe();
        self.member.release();
        self.error
    }

    /// Nobody will ask the group for it: reported unless seen elsewhere.
    fn discard(self) {
        self.member.release();
    }
}

pub(crate) struct Inner {
    /// Unique for the process's life, never 0 (0: no group).
    id: u64,
    state: Mutex<GroupState>,
    /// Notified whenever a member leaves (and when a refused `add` gives
    /// its slot back): what `join` listens to. (A spawner waiting for a
    /// slot, an `Imap`'s too, queues in `slots` instead, which hands the
    /// slot to the first.)
    left: Event,
    fail_fast: bool,
    /// Report every member's panic through the hook at once instead of
    /// keeping the first for `join` (servers: nobody joins a handler).
    report_each: bool,
    /// Set for a pool: members hold a permit while they run.
    slots: Option<Arc<Semaphore>>,
    size: usize,
}

#[derive(Default)]
struct GroupState {
    /// By [`key`]: the address of the greenlet's state, unique while it
    /// lives (and the entry keeps it alive), so that finding a member
    /// costs no scan.
    members: HashMap<usize, Arc<dyn Member>>,
    first_error: Option<FirstError>,
    /// Failed (a fail-fast group, until `join` or `kill` returns) or
    /// dropped: no new members.
    closed: bool,
    /// `kill`s in progress: no new members while one runs. A count, not a
    /// flag, and given back by a guard: a `kill` that is cancelled (by a
    /// timeout, or because its caller was a member it killed) leaves the
    /// group open.
    killing: usize,
}

impl GroupState {
    /// The key of the member `shared`, if it is one.
    fn key_of<T>(&self, shared: &Arc<Shared<T>>) -> Option<usize> {
        let key = key(shared);
        self.members.contains_key(&key).then_some(key)
    }

    /// New members are killed before they run.
    fn refuses(&self) -> bool {
        self.closed || self.killing > 0
    }
}

/// A greenlet's key among a group's members.
fn key<T>(shared: &Arc<Shared<T>>) -> usize {
    Arc::as_ptr(shared).addr()
}

impl Drop for Inner {
    fn drop(&mut self) {
        // A panic kept for a `join` that can no longer come: a member that
        // panicked in a poll the group's drop could not cancel, while a
        // `GroupHandle` (waiting for a pool slot) kept this state alive.
        // Reported unless its own handle saw it, as `Group::drop` does.
        let state = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(first) = state.first_error.take() {
            first.discard();
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, GroupState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Cancels every member (non-blocking).
    fn cancel_all(&self) {
        let members: Vec<_> = self.lock().members.values().cloned().collect();
        for member in members {
            member.cancel();
        }
    }

    fn spawn<T: Send + 'static>(
        self: &Arc<Self>,
        builder: GreenletBuilder,
        future: impl Future<Output = T> + Send + 'static,
        permit: Option<SemaphoreGuardArc>,
    ) -> Greenlet<T> {
        let shared = builder.prepare::<T>();
        let (key, closed) = {
            let mut state = self.lock();
            let key = key(&shared);
            state.members.insert(key, shared.clone());
            (key, state.refuses())
        };
        let weak = Arc::downgrade(self);
        let member: Arc<dyn Member> = shared.clone();
        // Runs once the member's result is stored and its links (`as_completed`'s
        // among them) ran: only then does it leave, and its slot free.
        shared.join_group(
            self.id,
            Box::new(move |panic| match weak.upgrade() {
                Some(inner) => inner.leave(key, member, panic, permit),
                None => member.release(),
            }),
        );
        if closed {
            // The group is being killed or is gone: killed before it is
            // spawned, so it never runs.
            shared.cancel();
        }
        builder.launch(shared, None, future)
    }

    /// Makes a greenlet already running a member (holding `permit`, for a
    /// pool); false if it finished or belongs to a group already.
    fn adopt<T: Send + 'static>(
        self: &Arc<Self>,
        shared: &Arc<Shared<T>>,
        permit: Option<SemaphoreGuardArc>,
    ) -> bool {
        let weak = Arc::downgrade(self);
        let member: Arc<dyn Member> = shared.clone();
        let closed = {
            // Under the group's lock, so that no kill sees a member that is
            // then refused, and the member cannot leave (its hook takes this
            // lock) before it is in. Group, then greenlet: the order every
            // path takes.
            let mut state = self.lock();
            let key = key(shared);
            let settled: crate::greenlet::Settled = Box::new(move |panic| match weak.upgrade() {
                Some(inner) => inner.leave(key, member, panic, permit),
                None => member.release(),
            });
            if let Err(refused) = shared.adopt(self.id, settled) {
                drop(state);
                drop(refused); // frees the permit
                self.left.notify(usize::MAX);
                return false;
            }
            state.members.insert(key, shared.clone());
            state.refuses()
        };
        if closed {
            shared.cancel(); // the group is being killed: so is its new member
        }
        true
    }

    /// The key of the member `shared`, if it is one.
    fn key_of<T>(&self, shared: &Arc<Shared<T>>) -> Option<usize> {
        self.lock().key_of(shared)
    }

    /// Marks member `shared` killed and takes its task out (the caller
    /// cancels it), under the group's lock so that a racing `discard` cannot
    /// slip in between the membership check and the kill; `None` (and no
    /// kill) if it is not a member.
    fn take_member_task<T>(&self, shared: &Arc<Shared<T>>) -> Option<Option<Task<()>>> {
        let state = self.lock();
        // Group, then greenlet: the order every path takes.
        state.key_of(shared).map(|_| shared.take_task())
    }

    /// Lets a member go on running outside the group; false if it is not a
    /// member (or is finishing, and leaves by itself).
    fn discard<T: Send>(&self, shared: &Arc<Shared<T>>) -> bool {
        {
            // All under the group's lock: no kill sees it between leaving
            // and being removed, and only this group's hook is taken.
            let mut state = self.lock();
            let Some(key) = state.key_of(shared) else {
                return false;
            };
            let Some(hook) = shared.leave_group(self.id) else {
                return false; // finishing: it leaves by itself
            };
            state.members.remove(&key);
            drop(hook); // frees its slot, under the lock `len` reads
        }
        shared.release();
        self.left.notify(usize::MAX);
        true
    }

    /// Spawns `future` as a member once a pool slot is free (at once for a
    /// plain group).
    /// A pool's slots; `None` for a plain group.
    pub(crate) fn slots(&self) -> Option<&Arc<Semaphore>> {
        self.slots.as_ref()
    }

    /// Spawns `future` as a member in the slot `permit` holds.
    pub(crate) fn spawn_in<T: Send + 'static>(
        self: &Arc<Self>,
        permit: SemaphoreGuardArc,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        self.spawn(crate::task(), future, Some(permit))
    }

    async fn spawn_in_slot<T: Send + 'static>(
        self: &Arc<Self>,
        builder: GreenletBuilder,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        let permit = match &self.slots {
            Some(slots) => Some(slots.acquire_arc().await),
            None => None,
        };
        self.spawn(builder, future, permit)
    }

    fn leave(
        &self,
        key: usize,
        member: Arc<dyn Member>,
        panic: Option<TaskError>,
        permit: Option<SemaphoreGuardArc>,
    ) {
        let (cancel_rest, release) = {
            let mut state = self.lock();
            state.members.remove(&key);
            // Freed under the lock that `join` and `len` read: once the
            // member is gone its slot is free, and no spawner can count it.
            drop(permit);
            match panic {
                // Only panics fail a group: a killed member (by the group,
                // or by whoever holds its handle) is not a failure. The
                // first is kept for `join`; the others are left to their
                // handles, and reported if nobody sees them.
                Some(error) if state.first_error.is_none() && !self.report_each => {
                    state.first_error = Some(FirstError { error, member });
                    // Closed in the same step as the member left: a `join`
                    // that sees the group empty sees it closed too.
                    state.closed |= self.fail_fast;
                    (self.fail_fast, None)
                }
                _ => (false, Some(member)),
            }
        };
        if let Some(member) = release {
            member.release();
        }
        if cancel_rest {
            self.cancel_all();
        }
        self.left.notify(usize::MAX);
    }

    /// Spawns `future` as a member if a slot is free (always, for a plain
    /// group), else gives it back.
    pub(crate) fn try_spawn<T: Send + 'static, F>(
        self: &Arc<Self>,
        future: F,
    ) -> Result<Greenlet<T>, F>
    where
        F: Future<Output = T> + Send + 'static,
    {
        let permit = match &self.slots {
            Some(slots) => match slots.try_acquire_arc() {
                Some(permit) => Some(permit),
                None => return Err(future),
            },
            None => None,
        };
        Ok(self.spawn(crate::task(), future, permit))
    }

    /// Waits until no member is left.
    async fn emptied(&self) {
        loop {
            if self.lock().members.is_empty() {
                return;
            }
            let listener = self.left.listen();
            if self.lock().members.is_empty() {
                return;
            }
            listener.await;
        }
    }

    async fn join(&self) -> Result<(), TaskError> {
        self.emptied().await;
        let first = {
            let mut state = self.lock();
            state.closed = false;
            state.first_error.take()
        };
        match first {
            Some(first) => Err(first.into_observed()),
            None => Ok(()),
        }
    }

    async fn kill(&self) {
        /// Ends this `kill`'s refusal of new members, however it ends.
        struct Killing<'a>(&'a Inner);

        impl Drop for Killing<'_> {
            fn drop(&mut self) {
                self.0.lock().killing -= 1;
            }
        }

        self.lock().killing += 1;
        let killing = Killing(self);
        self.cancel_all();
        self.emptied().await;
        let first = {
            let mut state = self.lock();
            state.closed = false;
            state.first_error.take()
        };
        drop(killing);
        if let Some(first) = first {
            first.discard();
        }
    }
}

/// Greenlets owned by a scope: dropping the group (or leaving the scope that
/// holds it) cancels the ones still running, and their destructors run. A
/// nursery, like trio's or `asyncio.TaskGroup`.
///
/// [`join`](Group::join) waits for every member and returns the first
/// error. A group made with [`Group::fail_fast`] also cancels the other
/// members as soon as one fails. A panic that reaches the group is not
/// reported by the panic hook as well.
///
/// Members that spawn more members use a [`GroupHandle`] (from
/// [`Group::handle`]), which does not keep the group alive.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let group = genlet::Group::new();
///     for i in 1..=3u64 {
///         group.spawn(async move { genlet::sleep(Duration::from_millis(i)).await });
///     }
///     group.join().await.unwrap();
///     assert!(group.is_empty());
/// });
/// ```
pub struct Group {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group").field("len", &self.len()).finish()
    }
}

impl Default for Group {
    fn default() -> Self {
        Group::new()
    }
}

impl Group {
    fn with(fail_fast: bool, size: Option<usize>) -> Self {
        Group::build(fail_fast, size, false)
    }

    /// The handlers of a server: bounded by `size` if given; their panics
    /// are reported as they happen.
    pub(crate) fn for_server(size: Option<usize>) -> Self {
        Group::build(false, size, true)
    }

    fn build(fail_fast: bool, size: Option<usize>, report_each: bool) -> Self {
        Group {
            inner: Arc::new(Inner {
                id: {
                    static NEXT: AtomicU64 = AtomicU64::new(1);
                    NEXT.fetch_add(1, Ordering::Relaxed)
                },
                state: Mutex::new(GroupState::default()),
                left: Event::new(),
                fail_fast,
                report_each,
                slots: size.map(|n| Arc::new(Semaphore::new(n))),
                size: size.unwrap_or(usize::MAX),
            }),
        }
    }

    /// An empty group: `join` waits for all members and returns the first
    /// error.
    ///
    /// # Examples
    ///
    /// See [`Group`].
    pub fn new() -> Self {
        Group::with(false, None)
    }

    /// An empty group that cancels all its members when one fails (panics),
    /// as a nursery does. Once failed it takes no new members (they come
    /// back killed, before they run) until [`join`](Group::join) or
    /// [`kill`](Group::kill) returns, which hands the failure over.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let group = genlet::Group::fail_fast();
    ///     let sibling = group.spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     group.spawn(async { panic!("broken") });
    ///     assert!(group.join().await.unwrap_err().is_panic());
    ///     assert!(sibling.join().await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn fail_fast() -> Self {
        Group::with(true, None)
    }

    /// Spawns `future` as a member; the handle may be joined, or dropped
    /// (the group still owns the member).
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let g = group.spawn(async { 2 });
    ///     assert_eq!(g.join().await.unwrap(), 2);
    /// });
    /// ```
    pub fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        self.inner.spawn(crate::task(), future, None)
    }

    /// Spawns `future` as a member, with a name or priority from `builder`.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let g = group.spawn_with(genlet::task().name("worker"), async {});
    ///     assert_eq!(g.name(), "worker");
    /// });
    /// ```
    pub fn spawn_with<T: Send + 'static>(
        &self,
        builder: GreenletBuilder,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        self.inner.spawn(builder, future, None)
    }

    /// Waits until every member is done; returns the first error, if any.
    ///
    /// # Errors
    ///
    /// The first member to panic. A killed member (by the group, or through
    /// its own handle) is not an error here: its join says it was killed.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: members keep running and a later `join` sees them.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     group.spawn(async {});
    ///     group.spawn_with(genlet::task().name("bad"), async { panic!("x") });
    ///     assert_eq!(group.join().await.unwrap_err().name(), "bad");
    ///
    ///     // Killed through its handle: not an error of the group's.
    ///     let sleeper = group.spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     sleeper.kill().await;
    ///     assert!(group.join().await.is_ok());
    ///     assert!(sleeper.join().await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub async fn join(&self) -> Result<(), TaskError> {
        self.inner.join().await
    }

    /// Kills every member and waits until all are gone. Members spawned
    /// while it runs are killed before they run, and greenlets added while
    /// it runs are killed too.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: the members are killed at the first poll; dropped before
    /// they are all gone (a timeout, or a member killing its own group),
    /// it stops waiting, and the group takes new members again.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     group.spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     group.kill().await;
    ///     assert!(group.is_empty());
    /// });
    /// ```
    pub async fn kill(&self) {
        self.inner.kill().await;
    }

    /// The number of members still running.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(genlet::Group::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.lock().members.len()
    }

    /// True when no member is running.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(genlet::Group::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes `greenlet`, spawned elsewhere and still running, a member
    /// (gevent's `Group.add`): the group now owns it, as if spawned in it
    /// (dropping or killing the group cancels it; its panic reaches
    /// [`join`](Group::join)). Returns false, changing nothing, if it has
    /// finished or belongs to a group already (a greenlet has one owner).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let stray = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     let group = genlet::Group::new();
    ///     assert!(group.add(&stray));
    ///     assert!(group.contains(&stray));
    ///     drop(group); // the owner goes: the stray is cancelled
    ///     assert!(stray.join().await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn add<T: Send + 'static>(&self, greenlet: &Greenlet<T>) -> bool {
        self.inner.adopt(greenlet.shared(), None)
    }

    /// Lets a member run on outside the group (gevent's `discard`): the
    /// group no longer owns, counts or waits for it. Returns false if it is
    /// not a member (or is finishing).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let go = Arc::new(genlet::Event::new());
    ///     let wait = go.clone();
    ///     let g = group.spawn(async move {
    ///         wait.wait().await; // still running when discarded
    ///         "kept"
    ///     });
    ///     assert!(group.discard(&g));
    ///     assert!(group.is_empty());
    ///     drop(group); // does not cancel it any more
    ///     go.set();
    ///     assert_eq!(g.join().await.unwrap(), "kept");
    /// });
    /// ```
    pub fn discard<T: Send>(&self, greenlet: &Greenlet<T>) -> bool {
        self.inner.discard(greenlet.shared())
    }

    /// Whether `greenlet` is a member still running.
    ///
    /// # Examples
    ///
    /// See [`Group::add`].
    pub fn contains<T>(&self, greenlet: &Greenlet<T>) -> bool {
        self.inner.key_of(greenlet.shared()).is_some()
    }

    /// Kills one member and waits until it is gone (gevent's `killone`);
    /// false (and no kill) if it is not a member.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let g = group.spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     assert!(group.killone(&g).await);
    ///     assert!(group.is_empty());
    ///     assert!(!group.killone(&g).await); // gone already
    /// });
    /// ```
    pub async fn killone<T>(&self, greenlet: &Greenlet<T>) -> bool {
        let shared = greenlet.shared();
        let Some(task) = self.inner.take_member_task(shared) else {
            return false;
        };
        shared.finish_kill(task).await;
        true
    }

    /// Runs `f` on every item, at most as many at once as the group allows,
    /// and returns the results in the items' order (gevent's `map`).
    ///
    /// # Errors
    ///
    /// The first failure, in the items' order; the other calls are left to
    /// finish in the group.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let squares = group.map(1..=4u64, |i| async move { i * i }).await.unwrap();
    ///     assert_eq!(squares, [1, 4, 9, 16]);
    /// });
    /// ```
    pub async fn map<I, F, Fut, T>(&self, items: I, f: F) -> Result<Vec<T>, TaskError>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let handles = self.spawn_all(items, f).await;
        let mut out = Vec::with_capacity(handles.len());
        for handle in handles {
            out.push(handle.join().await?);
        }
        Ok(out)
    }

    /// Runs `f` on every item, lazily, and yields the results in the
    /// items' order (gevent's `imap`); see [`Imap`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let mut done = group.imap([30u64, 1], |ms| async move {
    ///         genlet::sleep(Duration::from_millis(ms)).await;
    ///         ms
    ///     });
    ///     assert_eq!(done.next().await.unwrap().1.unwrap(), 30); // the first item's, though it finished last
    ///     assert_eq!(done.next().await.unwrap().1.unwrap(), 1);
    /// });
    /// ```
    pub fn imap<I, F, Fut, T>(&self, items: I, f: F) -> Imap<T>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        F: FnMut(I::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        Imap::new(Arc::downgrade(&self.inner), items, f, true)
    }

    /// Runs `f` on every item, lazily, and yields the results as they
    /// finish (gevent's `imap_unordered`); see [`Imap`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let mut done = group.imap_unordered([100u64, 1], |ms| async move {
    ///         genlet::sleep(Duration::from_millis(ms)).await;
    ///         ms
    ///     });
    ///     assert_eq!(done.next().await.unwrap().1.unwrap(), 1);
    ///     assert_eq!(done.next().await.unwrap().1.unwrap(), 100);
    /// });
    /// ```
    pub fn imap_unordered<I, F, Fut, T>(&self, items: I, f: F) -> Imap<T>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        F: FnMut(I::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        Imap::new(Arc::downgrade(&self.inner), items, f, false)
    }

    /// [`imap`](Group::imap) over a [`Stream`](futures_core::Stream) of
    /// items (a queue, a socket's lines, another `Imap`), waited for when it
    /// has none yet; with a [`maxsize`](Imap::maxsize), read only as fast as
    /// results are taken.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let jobs = genlet::Queue::unbounded();
    ///     for n in 1..=3u64 {
    ///         jobs.try_put(n).unwrap();
    ///     }
    ///     jobs.close(); // the stream ends once drained
    ///     let group = genlet::Group::new();
    ///     let mut doubled = group.imap_stream(jobs, |n| async move { n * 2 });
    ///     let mut all = Vec::new();
    ///     while let Some((_, r)) = doubled.next().await {
    ///         all.push(r.unwrap());
    ///     }
    ///     assert_eq!(all, [2, 4, 6]);
    /// });
    /// ```
    pub fn imap_stream<S, F, Fut, T>(&self, items: S, f: F) -> Imap<T>
    where
        S: futures_core::Stream + Send + 'static,
        F: FnMut(S::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        Imap::from_stream(Arc::downgrade(&self.inner), items, f, true)
    }

    /// [`imap_unordered`](Group::imap_unordered) over a
    /// [`Stream`](futures_core::Stream) of items.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let items = futures_lite::stream::iter(0..3);
    ///     let group = genlet::Group::new();
    ///     let mut done = group.imap_unordered_stream(items, |i| async move { i });
    ///     let mut seen = Vec::new();
    ///     while let Some((_, r)) = done.next().await {
    ///         seen.push(r.unwrap());
    ///     }
    ///     seen.sort();
    ///     assert_eq!(seen, [0, 1, 2]);
    /// });
    /// ```
    pub fn imap_unordered_stream<S, F, Fut, T>(&self, items: S, f: F) -> Imap<T>
    where
        S: futures_core::Stream + Send + 'static,
        F: FnMut(S::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        Imap::from_stream(Arc::downgrade(&self.inner), items, f, false)
    }

    async fn spawn_all<I, F, Fut, T>(&self, items: I, mut f: F) -> Vec<Greenlet<T>>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let mut handles = Vec::new();
        for item in items {
            handles.push(self.inner.spawn_in_slot(crate::task(), f(item)).await);
        }
        handles
    }

    /// A handle for members to spawn more members; it does not keep the
    /// group alive.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let group = genlet::Group::new();
    ///     let handle = group.handle();
    ///     group.spawn(async move {
    ///         handle.spawn(async { "grandchild" }).await.join().await.unwrap()
    ///     });
    ///     group.join().await.unwrap();
    /// });
    /// ```
    pub fn handle(&self) -> GroupHandle {
        GroupHandle {
            inner: Arc::downgrade(&self.inner),
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        // Cancels without waiting: each member's future is dropped (its
        // destructors run) on the hub as soon as it is not running.
        let unjoined = {
            let mut state = self.inner.lock();
            state.closed = true;
            state.first_error.take()
        };
        self.inner.cancel_all();
        // A member's panic the group kept but nobody joined: reported
        // unless its own handle saw it.
        if let Some(first) = unjoined {
            first.discard();
        }
    }
}

/// A way for members to spawn into their [`Group`] or [`Pool`] without
/// keeping it alive. Spawning after the group is gone gives a greenlet that
/// is already killed.
///
/// # Examples
///
/// See [`Group::handle`].
#[derive(Clone, Debug)]
pub struct GroupHandle {
    inner: Weak<Inner>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group").finish_non_exhaustive()
    }
}

impl GroupHandle {
    /// Spawns `future` into the group, waiting while a pool is full.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     let g = pool.handle().spawn(async { 1 }).await;
    ///     assert_eq!(g.join().await.unwrap(), 1);
    /// });
    /// ```
    pub async fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        self.spawn_with(crate::task(), future).await
    }

    /// Spawns `future` into the group with a name or priority from
    /// `builder`, waiting while a pool is full.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     let g = pool.handle().spawn_with(genlet::task().name("one"), async { 1 }).await;
    ///     assert_eq!(g.name(), "one");
    /// });
    /// ```
    pub async fn spawn_with<T: Send + 'static>(
        &self,
        builder: GreenletBuilder,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        let Some(inner) = self.inner.upgrade() else {
            return gone(future);
        };
        inner.spawn_in_slot(builder, future).await
    }

    /// Runs `future` in the pool and waits for its output (gevent's
    /// `Pool.apply`). Called from one of the pool's own members, it runs the
    /// future right there instead of waiting for a slot, so it cannot
    /// deadlock a full pool (gevent #131).
    ///
    /// # Errors
    ///
    /// A [`TaskError`] when the future panicked (also when it ran in the
    /// calling member: the error then has that member's name) or the group
    /// is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     let handle = pool.handle();
    ///     // The only slot is taken by this member, which applies more work.
    ///     let outer = pool.spawn(async move { handle.apply(async { 21 }).await.unwrap() * 2 }).await;
    ///     assert_eq!(outer.join().await.unwrap(), 42);
    /// });
    /// ```
    pub async fn apply<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, TaskError> {
        let Some(inner) = self.inner.upgrade() else {
            return gone(future).join().await;
        };
        if crate::greenlet::current_group() == inner.id {
            drop(inner);
            // Run as the member's own code, but a panic comes back as an
            // error, as it does from a greenlet of the pool's.
            return AssertUnwindSafe(future)
                .catch_unwind()
                .await
                .map_err(|payload| {
                    let name = crate::current()
                        .map_or_else(|| Arc::from("apply"), |c| Arc::from(c.name()));
                    TaskError::panic(name, payload)
                });
        }
        let greenlet = inner.spawn_in_slot(crate::task(), future).await;
        drop(inner);
        greenlet.join().await
    }
}

/// A greenlet for a group that is gone: killed before it is spawned, so it
/// never runs.
fn gone<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Greenlet<T> {
    let builder = crate::task();
    let shared = builder.prepare();
    shared.cancel();
    builder.launch(shared, None, future)
}

/// A [`Group`] that runs at most `size` members at once: `spawn` waits while
/// it is full (gevent's `Pool`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let pool = genlet::Pool::new(2);
///     for _ in 0..5 {
///         pool.spawn(genlet::sleep(Duration::from_millis(2))).await; // waits for a slot
///         assert!(pool.len() <= 2);
///     }
///     pool.join().await.unwrap();
///     assert_eq!(pool.free_count(), 2);
/// });
/// ```
#[derive(Debug)]
pub struct Pool {
    group: Group,
}

impl Pool {
    /// A pool of `size` slots (at least one).
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(genlet::Pool::new(3).size(), 3);
    /// ```
    pub fn new(size: usize) -> Self {
        Pool {
            group: Group::with(false, Some(size.max(1))),
        }
    }

    /// How many members may run at once.
    ///
    /// # Examples
    ///
    /// See [`Pool::new`].
    pub fn size(&self) -> usize {
        self.group.inner.size
    }

    /// Slots free right now.
    ///
    /// # Examples
    ///
    /// See [`Pool`].
    pub fn free_count(&self) -> usize {
        self.group
            .inner
            .slots
            .as_ref()
            .map_or(usize::MAX, |s| s.available_permits())
    }

    /// Waits until a slot comes to this caller's turn, behind the spawners
    /// already waiting, then gives it on (so a spawner after it may still
    /// take it first).
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     pool.wait_available().await;
    ///     assert_eq!(pool.free_count(), 1);
    /// });
    /// ```
    pub async fn wait_available(&self) {
        if let Some(slots) = &self.group.inner.slots {
            // Its turn in the queue of spawners, then the slot goes on to
            // the next one.
            drop(slots.acquire().await);
        }
    }

    /// Spawns `future` once a slot is free.
    ///
    /// # Examples
    ///
    /// See [`Pool`].
    pub async fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        self.handle().spawn(future).await
    }

    /// Waits until every member is done; returns the first error, as
    /// [`Group::join`].
    ///
    /// # Errors
    ///
    /// The first member to panic.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe.
    ///
    /// # Examples
    ///
    /// See [`Pool`].
    pub async fn join(&self) -> Result<(), TaskError> {
        self.group.join().await
    }

    /// Kills every member and waits until all are gone, as [`Group::kill`].
    ///
    /// # Cancel safety
    ///
    /// As [`Group::kill`]: dropped early, it leaves the pool taking new
    /// members again.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     pool.spawn(genlet::sleep(std::time::Duration::from_secs(60))).await;
    ///     pool.kill().await;
    ///     assert_eq!(pool.free_count(), 1);
    /// });
    /// ```
    pub async fn kill(&self) {
        self.group.kill().await;
    }

    /// The number of members running.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(genlet::Pool::new(2).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.group.len()
    }

    /// True when no member is running.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(genlet::Pool::new(2).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.group.is_empty()
    }

    /// True when every slot is taken: a spawn would wait (gevent's `full`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     let g = pool.spawn(genlet::sleep(Duration::from_secs(3600))).await;
    ///     assert!(pool.is_full());
    ///     pool.killone(&g).await;
    ///     assert!(!pool.is_full());
    /// });
    /// ```
    pub fn is_full(&self) -> bool {
        self.free_count() == 0
    }

    /// Makes `greenlet`, spawned elsewhere and still running, a member once
    /// a slot is free, which it then holds until it finishes (gevent's
    /// `Pool.add`, which waits the same way). Returns false, taking no
    /// slot, if it has finished or belongs to a group already.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: cancelled while waiting for a slot, it adopts nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     let stray = genlet::spawn(genlet::sleep(Duration::from_millis(5)));
    ///     assert!(pool.add(&stray).await);
    ///     assert_eq!(pool.free_count(), 0); // it holds the slot
    ///     pool.join().await.unwrap();
    ///     assert_eq!(pool.free_count(), 1);
    /// });
    /// ```
    pub async fn add<T: Send + 'static>(&self, greenlet: &Greenlet<T>) -> bool {
        if greenlet.is_ready() || greenlet.shared().has_owner() {
            return false; // at once, without waiting for a slot
        }
        let permit = match &self.group.inner.slots {
            Some(slots) => Some(slots.acquire_arc().await),
            None => None,
        };
        self.group.inner.adopt(greenlet.shared(), permit)
    }

    /// Lets a member run on outside the pool, freeing its slot (gevent's
    /// `discard`); false if it is not a member (or is finishing).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     let long = pool.spawn(genlet::sleep(Duration::from_secs(3600))).await;
    ///     assert!(pool.discard(&long));
    ///     assert_eq!(pool.free_count(), 1); // its slot is free for others
    ///     long.kill().await;
    /// });
    /// ```
    pub fn discard<T: Send>(&self, greenlet: &Greenlet<T>) -> bool {
        self.group.discard(greenlet)
    }

    /// Whether `greenlet` is a member still running.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(1);
    ///     let outsider = genlet::spawn(async {});
    ///     assert!(!pool.contains(&outsider));
    /// });
    /// ```
    pub fn contains<T>(&self, greenlet: &Greenlet<T>) -> bool {
        self.group.contains(greenlet)
    }

    /// Kills one member and waits until it is gone (gevent's `killone`);
    /// false (and no kill) if it is not a member.
    ///
    /// # Examples
    ///
    /// See [`Pool::is_full`].
    pub async fn killone<T>(&self, greenlet: &Greenlet<T>) -> bool {
        self.group.killone(greenlet).await
    }

    /// [`Group::map`], at most `size` at once.
    ///
    /// # Errors
    ///
    /// The first failure, in the items' order.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(2);
    ///     assert_eq!(pool.map(1..=3, |i| async move { i + 1 }).await.unwrap(), [2, 3, 4]);
    /// });
    /// ```
    pub async fn map<I, F, Fut, T>(&self, items: I, f: F) -> Result<Vec<T>, TaskError>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.group.map(items, f).await
    }

    /// [`Group::imap`], at most `size` at once.
    ///
    /// # Examples
    ///
    /// See [`Imap`].
    pub fn imap<I, F, Fut, T>(&self, items: I, f: F) -> Imap<T>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        F: FnMut(I::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.group.imap(items, f)
    }

    /// [`Group::imap_unordered`], at most `size` at once.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(2);
    ///     let mut done = pool.imap_unordered(0..3, |i| async move { i });
    ///     let mut seen = Vec::new();
    ///     while let Some((_, r)) = done.next().await {
    ///         seen.push(r.unwrap());
    ///     }
    ///     seen.sort();
    ///     assert_eq!(seen, [0, 1, 2]);
    /// });
    /// ```
    pub fn imap_unordered<I, F, Fut, T>(&self, items: I, f: F) -> Imap<T>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        F: FnMut(I::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.group.imap_unordered(items, f)
    }

    /// [`Group::imap_stream`], at most `size` at once; with a
    /// [`maxsize`](Imap::maxsize), an endless stream is read only as fast
    /// as results are taken.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(2);
    ///     let endless = futures_lite::stream::iter(0u64..);
    ///     let mut squares = pool.imap_stream(endless, |i| async move { i * i }).maxsize(2);
    ///     assert_eq!(squares.next().await.unwrap().1.unwrap(), 0);
    ///     assert_eq!(squares.next().await.unwrap().1.unwrap(), 1);
    /// });
    /// ```
    pub fn imap_stream<S, F, Fut, T>(&self, items: S, f: F) -> Imap<T>
    where
        S: futures_core::Stream + Send + 'static,
        F: FnMut(S::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.group.imap_stream(items, f)
    }

    /// [`Group::imap_unordered_stream`], at most `size` at once.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(2);
    ///     let mut done = pool.imap_unordered_stream(futures_lite::stream::iter([5u8]), |i| async move { i });
    ///     let (index, result) = done.next().await.unwrap();
    ///     assert_eq!((index, result.unwrap()), (0, 5));
    /// });
    /// ```
    pub fn imap_unordered_stream<S, F, Fut, T>(&self, items: S, f: F) -> Imap<T>
    where
        S: futures_core::Stream + Send + 'static,
        F: FnMut(S::Item) -> Fut + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.group.imap_unordered_stream(items, f)
    }

    /// A handle for members: spawn into the pool, or `apply` without
    /// deadlocking it.
    ///
    /// # Examples
    ///
    /// See [`GroupHandle::apply`].
    pub fn handle(&self) -> GroupHandle {
        self.group.handle()
    }

    /// Runs `future` in the pool and waits for its output; see
    /// [`GroupHandle::apply`].
    ///
    /// # Errors
    ///
    /// A [`TaskError`] when the future panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let pool = genlet::Pool::new(2);
    ///     assert_eq!(pool.apply(async { 5 }).await.unwrap(), 5);
    /// });
    /// ```
    pub async fn apply<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, TaskError> {
        self.handle().apply(future).await
    }
}
