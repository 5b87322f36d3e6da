//! [`Greenlet`]: the handle of a spawned task, with gevent's vocabulary
//! (`join`, `get`, `kill`, `ready`, `successful`, links) and typed results.
//!
//! A greenlet's state is shared by its handle, the task running it, and the
//! [`Group`](crate::Group) that owns it, if any. The task completes the
//! state exactly once: with its output, its panic, or, when its future is
//! dropped unfinished (killed, its group dropped, its hub shut down), as
//! cancelled. A guard owned by the future does the last, so a greenlet killed
//! before its first poll completes too, without running its body.

use core::any::Any;
use core::cell::Cell;
use core::fmt;
use core::future::{Future, IntoFuture};
use core::panic::AssertUnwindSafe;
use core::pin::Pin;
use core::task::{Context, Poll, Waker, ready};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use event_listener::Event;
use genlet_reactor::{Sleep, Task};

use crate::err::{GetError, TaskError};
use crate::local::Locals;
use crate::report::report;

pub(crate) type Link<T> = Box<dyn FnOnce(&Result<T, TaskError>) + Send>;

/// Run once the result is stored and every link ran: a group's bookkeeping
/// (it gets a copy of the panic, if the greenlet panicked).
pub(crate) type Settled = Box<dyn FnOnce(Option<TaskError>) + Send>;

enum Outcome<T> {
    Running,
    Done(Result<T, TaskError>),
    /// Out of the lock for a moment, to be read by a link added after the
    /// end or by the panic hook; what the queries of other threads see
    /// meanwhile: whether it was a value, and a copy of the error.
    Lent(Lent),
    /// Taken by `join` or `get`.
    Taken,
}

/// What a lent result was, for the queries made while it is out.
struct Lent {
    ok: bool,
    error: Option<TaskError>,
}

impl Lent {
    fn of<T>(result: &Result<T, TaskError>) -> Outcome<T> {
        Outcome::Lent(Lent {
            ok: result.is_ok(),
            error: result.as_ref().err().map(TaskError::duplicate),
        })
    }
}

struct State<T> {
    outcome: Outcome<T>,
    links: Vec<Link<T>>,
    /// Run after the result is stored and the links ran.
    settled: Option<Settled>,
    /// The result reached someone who handles errors: a join, a get, a link,
    /// a group's join. Unobserved panics are reported.
    observed: bool,
    /// Who may still observe the result: the `Greenlet` handle, and the
    /// group that owns the greenlet. An unobserved panic is reported when
    /// the last of them lets go.
    holders: u32,
    reported: bool,
    /// The waker of the `join` (or `get`) waiting for the result.
    joiner: Option<Waker>,
    /// Someone listens on `done` (`wait`, `kill`): notifying it is only
    /// worth its cost then (the event allocates on first use).
    listening: bool,
    /// The task, for `kill`. Dropping it cancels the task.
    task: Option<Task<()>>,
    /// Why it was killed, if a reason was given.
    kill_reason: Option<Arc<str>>,
}

impl<T> State<T> {
    /// An unobserved panic that nobody left could observe is due to be
    /// reported (once).
    fn report_due(&self, result: &Result<T, TaskError>) -> bool {
        self.holders == 0
            && !self.observed
            && !self.reported
            && matches!(result, Err(e) if e.is_panic())
    }
}

/// A greenlet's name: given, or `greenlet-N`, spelt out only when asked
/// for (most greenlets never are, and formatting costs an allocation).
/// The number `N` is taken when the name is first spelt out, so the
/// numbers count the greenlets whose names were asked for.
pub(crate) struct Name {
    given: OnceLock<Arc<str>>,
}

impl Name {
    pub(crate) fn given(name: Arc<str>) -> Self {
        Name {
            given: OnceLock::from(name),
        }
    }

    pub(crate) fn anonymous() -> Self {
        Name {
            given: OnceLock::new(),
        }
    }

    pub(crate) fn get(&self) -> &Arc<str> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        self.given.get_or_init(|| {
            let number = NEXT.fetch_add(1, Ordering::Relaxed);
            format!("greenlet-{number}").into()
        })
    }

    /// The name if it was given (the hub's detector shows given names).
    pub(crate) fn explicit(&self) -> Option<Arc<str>> {
        self.given.get().cloned()
    }
}

pub(crate) struct Shared<T> {
    name: Name,
    state: Mutex<State<T>>,
    /// Notified when the outcome becomes `Done`, for `wait` and `kill`
    /// (`join` keeps its waker in the state: no listener to allocate).
    done: Event,
    /// The body was polled at least once.
    started: AtomicBool,
    /// A kill was asked for: the body stops at its next poll, and a task
    /// stored after that is dropped at once (a greenlet can be killed from
    /// inside its first poll, before its spawner stored its task).
    killed: AtomicBool,
    /// Its [`Local`](crate::Local) values, dropped when it completes.
    locals: Locals,
    /// The id of the group that owns it (0: none), for `apply` to tell a
    /// member from an outsider and for a group to take only its own hook.
    group: AtomicU64,
}

impl<T> Shared<T> {
    pub(crate) fn new(name: Name) -> Arc<Self> {
        Arc::new(Shared {
            name,
            state: Mutex::new(State {
                outcome: Outcome::Running,
                links: Vec::new(),
                settled: None,
                observed: false,
                holders: 1,
                reported: false,
                joiner: None,
                listening: false,
                task: None,
                kill_reason: None,
            }),
            done: Event::new(),
            started: AtomicBool::new(false),
            killed: AtomicBool::new(false),
            locals: Locals::default(),
            group: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Links and hooks run outside the lock: poisoning means a bug here.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_task(&self, task: Task<()>) {
        let killed = {
            let mut state = self.lock();
            if self.killed.load(Ordering::SeqCst) {
                Some(task)
            } else {
                state.task = Some(task);
                None
            }
        };
        // Killed while it was being spawned: cancelled now.
        drop(killed);
    }

    pub(crate) fn name(&self) -> &str {
        self.name.get()
    }

    pub(crate) fn explicit_name(&self) -> Option<Arc<str>> {
        self.name.explicit()
    }

    pub(crate) fn is_ready(&self) -> bool {
        !matches!(self.lock().outcome, Outcome::Running)
    }

    /// Makes a group a holder of the result, with `settled` to run once it
    /// is stored (before the greenlet starts).
    pub(crate) fn join_group(&self, group: u64, settled: Settled) {
        let mut state = self.lock();
        state.holders += 1;
        state.settled = Some(settled);
        self.group.store(group, Ordering::Relaxed);
    }

    /// True while a group owns it.
    pub(crate) fn has_owner(&self) -> bool {
        self.group.load(Ordering::Relaxed) != 0
    }

    /// Makes group `group` the holder of a greenlet already running, as
    /// [`join_group`](Shared::join_group) does; refused (and `settled` given
    /// back) when it finished or belongs to a group already.
    pub(crate) fn adopt(&self, group: u64, settled: Settled) -> Result<(), Settled> {
        let mut state = self.lock();
        if state.settled.is_some() || !matches!(state.outcome, Outcome::Running) {
            return Err(settled);
        }
        state.holders += 1;
        state.settled = Some(settled);
        self.group.store(group, Ordering::Relaxed);
        Ok(())
    }

    /// Leaves group `group` without finishing: its hook, for the group to
    /// drop (`None` if it is finishing and leaves by itself, or is not that
    /// group's). The group must [`release`](Shared::release) it after.
    pub(crate) fn leave_group(&self, group: u64) -> Option<Settled> {
        let mut state = self.lock();
        if !matches!(state.outcome, Outcome::Running) || self.group.load(Ordering::Relaxed) != group
        {
            return None;
        }
        self.group.store(0, Ordering::Relaxed);
        state.settled.take()
    }

    /// Stores the result, after running the links with it; then runs the
    /// group's bookkeeping and reports an unobserved panic nobody can see
    /// any more.
    fn complete(&self, result: Result<T, TaskError>) {
        // Its local values go with it, before its result is stored; one whose
        // destructor panics makes the result a panic.
        let locals = self.locals.take();
        let result = match std::panic::catch_unwind(AssertUnwindSafe(|| drop(locals))) {
            Ok(()) => result,
            Err(payload) => result.and(Err(TaskError::panic(self.name.get().clone(), payload))),
        };
        self.put_back(result);
    }

    /// Runs pending links with `result`, reports it if that is due, then
    /// stores it as `Done`, wakes the waiters and runs the `settled` hook,
    /// if it is still there. While the links run the greenlet is ready
    /// (gevent runs links once the greenlet is dead): queries made meanwhile
    /// see it lent.
    fn put_back(&self, result: Result<T, TaskError>) {
        loop {
            let mut state = self.lock();
            if !state.links.is_empty() {
                let links = core::mem::take(&mut state.links);
                if matches!(state.outcome, Outcome::Running) {
                    state.outcome = Lent::of(&result);
                }
                drop(state);
                for link in links {
                    self.run_link(link, &result);
                }
                continue;
            }
            if state.report_due(&result) {
                state.reported = true;
                if matches!(state.outcome, Outcome::Running) {
                    state.outcome = Lent::of(&result);
                }
                drop(state);
                if let Err(e) = &result {
                    report(e);
                }
                continue;
            }
            let settled = state.settled.take();
            let panic = match (&settled, &result) {
                (Some(_), Err(e)) if e.is_panic() => Some(e.duplicate()),
                _ => None,
            };
            state.outcome = Outcome::Done(result);
            let wake = (state.joiner.take(), state.listening);
            drop(state);
            self.notify(wake);
            if let Some(settled) = settled {
                settled(panic);
            }
            return;
        }
    }

    fn notify(&self, (joiner, listening): (Option<Waker>, bool)) {
        if let Some(joiner) = joiner {
            joiner.wake();
        }
        if listening {
            self.done.notify(usize::MAX);
        }
    }

    fn run_link(&self, link: Link<T>, result: &Result<T, TaskError>) {
        if let Err(payload) = std::panic::catch_unwind(AssertUnwindSafe(|| link(result))) {
            crate::report::link_panicked(self.name(), &*payload);
        }
    }

    /// Adds a link, or runs it now if the greenlet is done.
    pub(crate) fn link(&self, link: Link<T>, observes: bool) {
        let result = {
            let mut state = self.lock();
            state.observed |= observes;
            let Outcome::Done(result) = &state.outcome else {
                // Running, or lent: whoever holds the result runs it.
                // Taken: the result is gone; nobody can link any more.
                state.links.push(link);
                return;
            };
            let lent = Lent::of(result);
            match core::mem::replace(&mut state.outcome, lent) {
                Outcome::Done(result) => result,
                _ => unreachable!("matched Done above"),
            }
        };
        self.run_link(link, &result);
        self.put_back(result);
    }

    /// Takes the result if it is there, else keeps `cx`'s waker to be woken
    /// when it is (one taker at a time: the handle's `join` or `get`).
    pub(crate) fn poll_take(&self, cx: &mut Context<'_>) -> Poll<Result<T, TaskError>> {
        let mut state = self.lock();
        match core::mem::replace(&mut state.outcome, Outcome::Taken) {
            Outcome::Done(result) => {
                state.observed = true;
                Poll::Ready(result)
            }
            other => {
                state.outcome = other;
                if !state
                    .joiner
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    state.joiner = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }

    /// Waits until the greenlet is done, without taking its result.
    pub(crate) async fn wait(&self) {
        loop {
            if self.settled() {
                return;
            }
            let listener = self.done.listen();
            if self.settled() {
                return;
            }
            listener.await;
        }
    }

    /// True once done; otherwise marks that someone listens on `done`.
    fn settled(&self) -> bool {
        let mut state = self.lock();
        let settled = matches!(state.outcome, Outcome::Done(_) | Outcome::Taken);
        state.listening |= !settled;
        settled
    }

    /// Cancels the task (its future is dropped, destructors run) and waits
    /// until the greenlet is done.
    pub(crate) async fn kill(&self) {
        self.finish_kill(self.take_task()).await;
    }

    /// The rest of a kill whose task [`take_task`](Self::take_task) took
    /// out: cancels it and waits until the greenlet is done.
    pub(crate) async fn finish_kill(&self, task: Option<Task<()>>) {
        if let Some(task) = task {
            task.cancel().await;
        }
        self.wait().await;
    }

    /// Marks the panic as seen (a group's join returned it).
    pub(crate) fn observe(&self) {
        self.lock().observed = true;
    }

    /// A holder lets go of the result (the handle dropped, or the group is
    /// done with it): report its panic now if nobody saw it.
    pub(crate) fn release(&self) {
        let result = {
            let mut state = self.lock();
            state.holders -= 1;
            let due = matches!(&state.outcome, Outcome::Done(result) if state.report_due(result));
            if !due {
                return;
            }
            let Outcome::Done(result) = &state.outcome else {
                unreachable!("matched Done above")
            };
            let lent = Lent::of(result);
            match core::mem::replace(&mut state.outcome, lent) {
                Outcome::Done(result) => result,
                _ => unreachable!("matched Done above"),
            }
        };
        // Reported by `put_back`, which finds it due.
        self.put_back(result);
    }

    /// Takes the task out, to cancel it by dropping it; marks the kill if
    /// the task is not stored yet.
    pub(crate) fn take_task(&self) -> Option<Task<()>> {
        let mut state = self.lock();
        self.killed.store(true, Ordering::SeqCst);
        state.task.take()
    }

    /// Cancels the task without waiting.
    pub(crate) fn cancel(&self) {
        drop(self.take_task());
    }

    /// Cancels the task without waiting, with `reason` for its error.
    pub(crate) fn abort(&self, reason: Option<Arc<str>>) {
        let task = {
            let mut state = self.lock();
            if reason.is_some() && state.kill_reason.is_none() {
                state.kill_reason = reason;
            }
            self.killed.store(true, Ordering::SeqCst);
            state.task.take()
        };
        drop(task);
    }
}

/// A greenlet as [`current`] sees it, whatever its output type.
pub(crate) trait Running: Send + Sync {
    fn name(&self) -> &str;
    fn locals(&self) -> &Locals;
    fn group(&self) -> u64;
    fn abort(&self, reason: Option<Arc<str>>);
    /// Back to the typed state (a downcast: no reference count changes).
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl<T: Send + 'static> Running for Shared<T> {
    fn name(&self) -> &str {
        Shared::name(self)
    }

    fn locals(&self) -> &Locals {
        &self.locals
    }

    fn group(&self) -> u64 {
        self.group.load(Ordering::Relaxed)
    }

    fn abort(&self, reason: Option<Arc<str>>) {
        Shared::abort(self, reason);
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

std::thread_local! {
    /// The greenlet this thread is polling, if any (the innermost, when a
    /// greenlet blocks on another hub).
    static CURRENT: Cell<Option<Arc<dyn Running>>> = const { Cell::new(None) };
}

/// A look at the current greenlet, leaving it in place. While the thread
/// exits (in the destructor of a thread-local) there is none.
fn with_current<R>(f: impl FnOnce(Option<&Arc<dyn Running>>) -> R) -> R {
    let Ok(current) = CURRENT.try_with(Cell::take) else {
        return f(None);
    };
    let seen = f(current.as_ref());
    // Put back; the thread cannot be exiting meanwhile.
    let _ = CURRENT.try_with(|c| c.set(current));
    seen
}

/// The greenlet this thread polls, to [`run_as`] elsewhere.
pub(crate) fn current_running() -> Option<Arc<dyn Running>> {
    with_current(|c| c.cloned())
}

/// Runs `f` on this thread as greenlet `me` (its [`current`], its
/// `Local`s): a blocking job run for it on a pool thread.
pub(crate) fn run_as<R>(me: Option<Arc<dyn Running>>, f: impl FnOnce() -> R) -> R {
    /// Puts the thread's own current greenlet back, however `f` ends.
    struct Restore(Option<Arc<dyn Running>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            let _ = CURRENT.try_with(|c| c.set(outer));
        }
    }
    let _restore = Restore(CURRENT.try_with(|c| c.replace(me)).ok().flatten());
    f()
}

/// `f` of the current greenlet's local values; `None` outside a greenlet.
pub(crate) fn with_current_locals<R>(f: impl FnOnce(&Locals) -> R) -> Option<R> {
    with_current(|c| c.map(|running| f(running.locals())))
}

/// The id of the group owning the greenlet this thread polls (0: none).
pub(crate) fn current_group() -> u64 {
    with_current(|c| c.map_or(0, |running| running.group()))
}

/// True while this thread polls a greenlet's body.
pub(crate) fn in_greenlet() -> bool {
    with_current(|c| c.is_some())
}

/// The greenlet running on this thread: its name and a way to kill it
/// (gevent's `getcurrent()`); `None` outside a greenlet (in the future given
/// to [`run`](crate::run), on a plain thread, in a task spawned on the hub
/// directly).
///
/// # Examples
///
/// ```
/// let name = genlet::run(async {
///     assert!(genlet::current().is_none()); // `run`'s own future is no greenlet
///     genlet::task()
///         .name("worker")
///         .spawn(async { genlet::current().unwrap().name().to_owned() })
///         .await
/// });
/// assert_eq!(name.unwrap(), "worker");
/// ```
pub fn current() -> Option<Current> {
    with_current(|c| c.cloned()).map(|running| Current { running })
}

/// The greenlet running on this thread, from [`current`].
#[derive(Clone)]
pub struct Current {
    running: Arc<dyn Running>,
}

impl fmt::Debug for Current {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Current").field(&self.name()).finish()
    }
}

impl Current {
    /// Its name: the one given, else `greenlet-N`.
    ///
    /// # Examples
    ///
    /// See [`current`].
    pub fn name(&self) -> &str {
        self.running.name()
    }

    /// Kills it with `reason` without waiting: it is dropped at its next
    /// `.await` (see [`Greenlet::kill_with`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let err = genlet::run(async {
    ///     genlet::spawn(async {
    ///         genlet::current().unwrap().abort_with("giving up");
    ///         genlet::yield_now().await; // killed here
    ///         unreachable!();
    ///     })
    ///     .await
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.kill_reason(), Some("giving up"));
    /// ```
    pub fn abort_with(&self, reason: impl Into<Arc<str>>) {
        self.running.abort(Some(reason.into()));
    }
}

pin_project_lite::pin_project! {
    /// The future a greenlet's task runs: after `delay` (if any), `future`,
    /// as the thread's [`current`] greenlet, its panic caught, its result
    /// stored in `shared`. Dropped before it finished (killed, even before
    /// its first poll; its group dropped; its hub shut down), it completes
    /// the greenlet as killed.
    pub(crate) struct Body<T, F> {
        // `None` once completed.
        shared: Option<Arc<Shared<T>>>,
        // `shared` as the thread's current greenlet (made where `T`'s
        // bounds are known), for the destructors run by a kill.
        as_running: fn(Arc<Shared<T>>) -> Arc<dyn Running>,
        delay: Option<Sleep>,
        // `None` once finished or dropped: its destructors run before the
        // greenlet completes.
        #[pin]
        future: Option<F>,
    }

    impl<T, F> PinnedDrop for Body<T, F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            let mut future = this.future.as_mut();
            // Its destructors run as the greenlet (they see its `Local`s).
            let me = this.shared.clone().map(*this.as_running);
            // (None while the thread exits: its destructors see no greenlet.)
            let outer = CURRENT.try_with(|c| c.replace(me)).ok().flatten();
            let dropped = std::panic::catch_unwind(AssertUnwindSafe(|| future.set(None)));
            let _ = CURRENT.try_with(|c| c.set(outer));
            if let Some(shared) = this.shared.take() {
                let name = shared.name.get().clone();
                let error = match dropped {
                    Ok(()) => TaskError::killed(name, shared.lock().kill_reason.take()),
                    // A destructor that panics: the greenlet still completes.
                    Err(payload) => TaskError::panic(name, payload),
                };
                shared.complete(Err(error));
            }
        }
    }
}

/// [`Body`] for `future` of the greenlet `shared`.
pub(crate) fn body<T: Send + 'static, F>(
    shared: Arc<Shared<T>>,
    delay: Option<Duration>,
    future: F,
) -> Body<T, F> {
    Body {
        shared: Some(shared),
        as_running: |shared| shared,
        delay: delay.map(genlet_reactor::sleep),
        future: Some(future),
    }
}

impl<T: Send + 'static, F: Future<Output = T>> Future for Body<T, F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        if this
            .shared
            .as_ref()
            .is_some_and(|shared| shared.killed.load(Ordering::Relaxed))
        {
            // Killed (its task may not be cancelled yet): it stops here, as
            // at any await; dropping the body completes it as killed.
            return Poll::Ready(());
        }
        if let Some(delay) = this.delay {
            ready!(Pin::new(delay).poll(cx));
            *this.delay = None;
        }
        let Some(shared) = this.shared.take() else {
            return Poll::Ready(()); // completed: not polled again
        };
        shared.started.store(true, Ordering::Relaxed);
        // The greenlet is the thread's current one while it is polled: its
        // state moves into the thread-local and back, no count changes.
        let outer = CURRENT.with(|c| c.replace(Some(shared as Arc<dyn Running>)));
        let future = this
            .future
            .as_mut()
            .as_pin_mut()
            .expect("polled only until it completes");
        let mut polled = std::panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx)));
        if !matches!(polled, Ok(Poll::Pending)) {
            // Finished or panicked: its destructors run before the result is
            // stored; one that panics makes the greenlet's result a panic.
            let mut future = this.future.as_mut();
            if let Err(payload) = std::panic::catch_unwind(AssertUnwindSafe(|| future.set(None))) {
                polled = polled.and(Err(payload));
            }
        }
        let me = CURRENT.with(|c| c.replace(outer)).expect("put in above");
        let shared = match me.into_any().downcast::<Shared<T>>() {
            Ok(shared) => shared,
            Err(_) => unreachable!("the current greenlet is this body's"),
        };
        match polled {
            Ok(Poll::Pending) => {
                *this.shared = Some(shared);
                Poll::Pending
            }
            Ok(Poll::Ready(value)) => {
                shared.complete(Ok(value));
                Poll::Ready(())
            }
            Err(payload) => {
                let name = shared.name.get().clone();
                shared.complete(Err(TaskError::panic(name, payload)));
                Poll::Ready(())
            }
        }
    }
}

/// A spawned greenlet: join it for its result, kill it, link callbacks to
/// its end.
///
/// **Dropping the handle detaches the greenlet**: it runs on, as in gevent.
/// To have tasks cancelled when their owner goes away, spawn them in a
/// [`Group`](crate::Group). If a detached greenlet panics, the panic is
/// reported once through the hook of [`set_panic_hook`](crate::set_panic_hook)
/// (default: one line on stderr), unless a link saw it.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let total = genlet::run(async {
///     let a = genlet::spawn(async { 20 });
///     let b = genlet::task().name("slow").spawn(async {
///         genlet::sleep(Duration::from_millis(5)).await;
///         22
///     });
///     a.join().await.unwrap() + b.join().await.unwrap()
/// });
/// assert_eq!(total, 42);
/// ```
pub struct Greenlet<T> {
    shared: Arc<Shared<T>>,
}

impl<T> fmt::Debug for Greenlet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Greenlet")
            .field("name", &self.name())
            .field("ready", &self.is_ready())
            .finish()
    }
}

impl<T> Greenlet<T> {
    pub(crate) fn from_shared(shared: Arc<Shared<T>>) -> Self {
        Greenlet { shared }
    }

    /// The greenlet's name: the one given to [`GreenletBuilder::name`](crate::GreenletBuilder::name),
    /// else `greenlet-N`.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let g = genlet::task().name("fetch").spawn(async {});
    ///     assert_eq!(g.name(), "fetch");
    ///     assert!(genlet::spawn(async {}).name().starts_with("greenlet-"));
    /// });
    /// ```
    pub fn name(&self) -> &str {
        self.shared.name()
    }

    /// True once the greenlet finished, panicked or was killed.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let g = genlet::spawn(async { 1 });
    ///     g.wait().await;
    ///     assert!(g.is_ready());
    /// });
    /// ```
    pub fn is_ready(&self) -> bool {
        self.shared.is_ready()
    }

    /// True once the greenlet's future began to run (gevent's `started`; a
    /// greenlet killed before its first poll, or before the delay of
    /// [`spawn_later`](crate::spawn_later) was up, never starts).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let g = genlet::spawn_later(Duration::from_secs(60), async {});
    ///     g.kill().await;
    ///     assert!(!g.is_started());
    ///     let h = genlet::spawn(async {});
    ///     h.wait().await;
    ///     assert!(h.is_started());
    /// });
    /// ```
    pub fn is_started(&self) -> bool {
        self.shared.started.load(Ordering::Relaxed)
    }

    /// The greenlet's output once it finished with one, leaving it for
    /// [`join`](Greenlet::join) (gevent's `value`); `None` while it runs,
    /// after a panic or a kill, and once joined. Also `None` while its
    /// [`link`](Greenlet::link)s run, the value lent to them: at its end, and
    /// for the moment a link made after the end runs on the thread that
    /// linked ([`is_ready`](Greenlet::is_ready) and [`is_successful`] say true
    /// meanwhile; a link gets the value itself).
    ///
    /// [`is_successful`]: Greenlet::is_successful
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let g = genlet::spawn(async { String::from("done") });
    ///     g.wait().await;
    ///     assert_eq!(g.value().as_deref(), Some("done"));
    ///     assert_eq!(g.join().await.unwrap(), "done"); // still there to join
    /// });
    /// ```
    pub fn value(&self) -> Option<T>
    where
        T: Clone,
    {
        match &self.shared.lock().outcome {
            Outcome::Done(Ok(value)) => Some(value.clone()),
            _ => None,
        }
    }

    /// Why the greenlet gave no value, once it panicked or was killed
    /// (gevent's `exception`); `None` while it runs, after it succeeded,
    /// and once joined. The error is a copy (a panic's payload becomes its
    /// message); reading it counts as seeing the panic, which the panic hook
    /// then does not report.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let g = genlet::task().name("bad").spawn(async { panic!("no") });
    ///     g.wait().await;
    ///     assert_eq!(g.error().unwrap().to_string(), "greenlet 'bad' panicked: no");
    /// });
    /// ```
    pub fn error(&self) -> Option<TaskError> {
        let mut state = self.shared.lock();
        let copy = match &state.outcome {
            Outcome::Done(Err(error)) => error.duplicate(),
            // A late link has it: its copy was made for this.
            Outcome::Lent(Lent {
                error: Some(error), ..
            }) => error.duplicate(),
            _ => return None,
        };
        state.observed = true;
        Some(copy)
    }

    /// True once the greenlet finished with a value (not a panic, not
    /// killed). gevent counts a kill as success; a typed result cannot.
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let ok = genlet::spawn(async { 1 });
    ///     ok.wait().await;
    ///     assert!(ok.is_successful());
    /// });
    /// ```
    pub fn is_successful(&self) -> bool {
        matches!(
            self.shared.lock().outcome,
            Outcome::Done(Ok(_)) | Outcome::Lent(Lent { ok: true, .. })
        )
    }

    /// Waits for the greenlet and returns its output.
    ///
    /// # Errors
    ///
    /// A [`TaskError`] when it panicked (with the message and its name) or
    /// was killed.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future drops the handle, which detaches the greenlet.
    ///
    /// # Examples
    ///
    /// ```
    /// let out = genlet::run(async { genlet::spawn(async { "hi" }).join().await });
    /// assert_eq!(out.unwrap(), "hi");
    /// ```
    pub fn join(self) -> Join<T> {
        Join { greenlet: self }
    }

    /// Waits at most `timeout` for the greenlet's output.
    ///
    /// # Errors
    ///
    /// [`GetError::Failed`] when it panicked or was killed;
    /// [`GetError::Elapsed`], carrying this handle back, when it was not done
    /// in time.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future drops the handle, which detaches the greenlet.
    ///
    /// # Examples
    ///
    /// See [`GetError`].
    pub async fn get(self, timeout: Duration) -> Result<T, GetError<T>> {
        match genlet_reactor::timeout(timeout, self.shared.wait()).await {
            Ok(()) => self.join().await.map_err(GetError::Failed),
            Err(_) => Err(GetError::Elapsed(self)),
        }
    }

    /// Waits until the greenlet is done, leaving its result for `join`
    /// (gevent's `join(timeout)`; wrap it in [`timeout`](crate::timeout) for
    /// a time limit).
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async {
    ///     let g = genlet::spawn(async { 5 });
    ///     g.wait().await;
    ///     assert_eq!(g.join().await.unwrap(), 5);
    /// });
    /// ```
    pub async fn wait(&self) {
        self.shared.wait().await;
    }

    /// Kills the greenlet and waits until it is gone: its future is dropped
    /// (its destructors run) and its links fire with a cancelled
    /// [`TaskError`]. A greenlet killed before its first poll never runs its
    /// body. Killing a finished greenlet does nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let g = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     g.kill().await;
    ///     assert!(g.join().await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub async fn kill(&self) {
        self.shared.kill().await;
    }

    /// Kills the greenlet as [`kill`](Greenlet::kill) does, with `reason`:
    /// its [`TaskError`] (at the join and in links) carries it, as gevent's
    /// `kill(exception=…)` delivers its exception. The first kill decides:
    /// a greenlet already killed (by [`abort`](Greenlet::abort), say) or
    /// finished keeps its outcome, and its error then has no reason or the
    /// earlier one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let g = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     g.kill_with("shutting down").await;
    ///     let err = g.await.unwrap_err();
    ///     assert_eq!(err.kill_reason(), Some("shutting down"));
    ///     assert!(err.to_string().ends_with("was killed: shutting down"));
    /// });
    /// ```
    pub async fn kill_with(&self, reason: impl Into<Arc<str>>) {
        self.shared.abort(Some(reason.into()));
        self.shared.wait().await;
    }

    /// Kills the greenlet without waiting for it to be gone (gevent's
    /// `kill(block=False)`): it is dropped at its next `.await`, or before
    /// its first poll.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let g = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
    ///     g.abort();
    ///     assert!(g.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        self.shared.abort(None);
    }

    /// Calls `callback` with the greenlet's result once it is done, or at
    /// once if it already is, on the thread that finishes it (or calls
    /// `link`). A panic it links to counts as seen: it is not reported by the
    /// panic hook.
    ///
    /// The greenlet is already dead when its links run, as in gevent:
    /// [`is_ready`](Greenlet::is_ready) is true for the callback and for
    /// whoever it wakes. The callback must not wait for this greenlet (it
    /// runs while the result is lent to it; [`join`](Greenlet::join) returns
    /// once every link ran).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel();
    /// genlet::run(async {
    ///     let g = genlet::spawn(async { 3 });
    ///     g.link(move |result| tx.send(result.is_ok()).unwrap());
    ///     g.join().await.unwrap()
    /// });
    /// assert!(rx.recv().unwrap());
    /// ```
    pub fn link(&self, callback: impl FnOnce(&Result<T, TaskError>) + Send + 'static) {
        self.shared.link(Box::new(callback), true);
    }

    /// Calls `callback` with the output if the greenlet finishes with one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel();
    /// genlet::run(async {
    ///     let g = genlet::spawn(async { 3 });
    ///     g.wait().await;
    ///     g.link_value(move |v| tx.send(*v).unwrap()); // after it finished: runs now
    /// });
    /// assert_eq!(rx.recv().unwrap(), 3);
    /// ```
    pub fn link_value(&self, callback: impl FnOnce(&T) + Send + 'static) {
        self.shared.link(
            Box::new(move |result| {
                if let Ok(value) = result {
                    callback(value);
                }
            }),
            false,
        );
    }

    /// Calls `callback` with the error if the greenlet panics or is killed.
    /// The panic counts as seen: it is not reported by the panic hook.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel();
    /// genlet::run(async {
    ///     let g = genlet::task().name("w").spawn(async { panic!("oops") });
    ///     g.link_exception(move |e| tx.send(e.to_string()).unwrap());
    ///     g.wait().await;
    /// });
    /// assert_eq!(rx.recv().unwrap(), "greenlet 'w' panicked: oops");
    /// ```
    pub fn link_exception(&self, callback: impl FnOnce(&TaskError) + Send + 'static) {
        self.shared.link(
            Box::new(move |result| {
                if let Err(error) = result {
                    callback(error);
                }
            }),
            true,
        );
    }

    /// Lets the greenlet run on without a handle (what dropping the handle
    /// does too; this says so in the code).
    ///
    /// # Examples
    ///
    /// ```
    /// genlet::run(async { genlet::spawn(async {}).detach() });
    /// ```
    pub fn detach(self) {}

    pub(crate) fn shared(&self) -> &Arc<Shared<T>> {
        &self.shared
    }
}

impl<T> Drop for Greenlet<T> {
    fn drop(&mut self) {
        self.shared.release();
    }
}

impl<T> IntoFuture for Greenlet<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = Join<T>;

    /// `greenlet.await` is `greenlet.join().await`.
    fn into_future(self) -> Join<T> {
        self.join()
    }
}

/// The future of [`Greenlet::join`] (and of `greenlet.await`): the
/// greenlet's output, or why it gave none.
///
/// # Cancel safety
///
/// Dropping it drops the handle, which detaches the greenlet.
///
/// # Examples
///
/// ```
/// let n = genlet::run(async { genlet::spawn(async { 6 * 7 }).await });
/// assert_eq!(n.unwrap(), 42);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Join<T> {
    greenlet: Greenlet<T>,
}

impl<T> fmt::Debug for Join<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Join").field(&self.greenlet).finish()
    }
}

impl<T> Future for Join<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.greenlet.shared.poll_take(cx)
    }
}
