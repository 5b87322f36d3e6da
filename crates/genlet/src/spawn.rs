//! Entry points: [`run`] on the default hub, [`spawn`] and its variants, and
//! the [`GreenletBuilder`] that names a greenlet, sets its priority or its hub.

use core::future::{Future, IntoFuture};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use genlet_reactor::gen_task::{GenTask, HubDriver};
use genlet_reactor::{Handle, Hub, Priority};
use genlet_ythread::{Apply, Cpu, ThreadPool};

use crate::greenlet::{Greenlet, Name, Shared, body};

/// The process's default hub: one worker per core, started on first use and
/// kept for the life of the process (gevent's default hub).
///
/// # Panics
///
/// When its first worker thread cannot be started.
///
/// # Examples
///
/// ```
/// let hub = genlet::default_hub();
/// assert_eq!(hub.block_on(async { 1 + 1 }), 2);
/// ```
pub fn default_hub() -> &'static Hub {
    static HUB: OnceLock<Hub> = OnceLock::new();
    HUB.get_or_init(|| {
        Hub::builder()
            .thread_name("genlet")
            .build()
            .expect("genlet: cannot start the default hub's threads")
    })
}

/// The hub a greenlet spawned here goes to: the current one, else the
/// default hub.
pub(crate) fn current_hub() -> Handle {
    Handle::current().unwrap_or_else(|| default_hub().handle())
}

/// Runs `future` to completion on the default hub: the calling thread polls
/// it while the hub's workers run the greenlets; the entry point of a genlet program (`genlet.run`-like; gevent
/// needs none, its hub starts implicitly). A [`Greenlet`] may be passed
/// directly: `genlet::run(greenlet)` joins it.
///
/// # Panics
///
/// When the default hub cannot start; and if `future` panics.
///
/// # Examples
///
/// ```
/// let n = genlet::run(async { genlet::spawn(async { 6 * 7 }).join().await.unwrap() });
/// assert_eq!(n, 42);
/// ```
pub fn run<F: IntoFuture>(future: F) -> F::Output {
    default_hub().block_on(future.into_future())
}

/// Spawns `future` as a greenlet on the current hub (inside a hub task or
/// `block_on`), else on the default hub.
///
/// # Examples
///
/// ```
/// let g = genlet::spawn(async { "from anywhere" });
/// assert_eq!(genlet::run(g.join()).unwrap(), "from anywhere");
/// ```
pub fn spawn<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> Greenlet<T> {
    task().spawn(future)
}

/// Spawns `future` to start after `delay` (gevent's `spawn_later`). Killed
/// before then, it never runs.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// let start = Instant::now();
/// let g = genlet::spawn_later(Duration::from_millis(5), async { "later" });
/// assert_eq!(genlet::run(g.join()).unwrap(), "later");
/// assert!(start.elapsed() >= Duration::from_millis(5));
/// ```
pub fn spawn_later<T: Send + 'static>(
    delay: Duration,
    future: impl Future<Output = T> + Send + 'static,
) -> Greenlet<T> {
    task().spawn_later(delay, future)
}

/// Runs the blocking `job` (a database call, a file read, a DNS lookup) on a
/// thread pool sized for blocking I/O ([`ThreadPool::blocking_io`]: up to
/// [`ThreadPool::BLOCKING_IO_LIMIT`] at once, where gevent's hub threadpool
/// runs 10), as a greenlet: join it, kill it (a job not started yet never
/// runs; a running one sees [`ythread::is_cancelled`](genlet_ythread::is_cancelled)
/// turn true), link to it. Usable from any thread, unlike gevent's
/// threadpool. For CPU-heavy work, which gains nothing from more threads
/// than cores, use [`spawn_yieldable`] with [`ThreadPool::new`].
///
/// The job runs as its greenlet: [`current`](crate::current) is the
/// greenlet, and [`Local`](crate::Local)s read and set the greenlet's values
/// (dropped when it ends), not the pool thread's.
///
/// # Examples
///
/// ```
/// let g = genlet::spawn_blocking(|| (1..=1000u64).sum::<u64>());
/// assert_eq!(genlet::run(g.join()).unwrap(), 500_500);
/// ```
pub fn spawn_blocking<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Greenlet<T> {
    task().spawn_blocking(job)
}

/// Spawns a yieldable-thread body as a greenlet: `body` gets a [`Cpu`] to
/// yield its CPU-heavy steps with ([`Cpu::run`]), and `apply` runs them
/// ([`Inline`](genlet_ythread::Inline) on the hub's worker,
/// [`Exclusive`](genlet_ythread::Exclusive) one at a time, or a
/// [`ThreadPool`](genlet_ythread::ThreadPool) of threads, so the hub keeps serving
/// I/O). The body's output is the greenlet's.
///
/// A step that `apply` runs in place (`Inline`, `Exclusive`) runs as the
/// greenlet; one handed to a pool's thread runs outside it, as any code on
/// that thread: [`current`](crate::current) is `None` there and
/// [`Local`](crate::Local)s are the thread's own. Move what a step needs into
/// its closure. ([`spawn_blocking`], whose job is the whole greenlet, runs
/// it as the greenlet.)
///
/// # Examples
///
/// ```
/// use genlet::ythread::ThreadPool;
///
/// let g = genlet::spawn_yieldable(
///     |cpu| async move {
///         let sum = cpu.run(|| (1..=100u64).sum::<u64>()).await.unwrap();
///         format!("sum {sum}")
///     },
///     ThreadPool::new(),
/// );
/// assert_eq!(genlet::run(g).unwrap(), "sum 5050");
/// ```
pub fn spawn_yieldable<B, Fut, A>(body: B, apply: A) -> Greenlet<Fut::Output>
where
    B: FnOnce(Cpu) -> Fut + Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
    A: Apply + Send + 'static,
{
    task().spawn_yieldable(body, apply)
}

/// A [`GreenletBuilder`] to spawn a greenlet with a name, a priority or on a
/// given hub.
///
/// # Examples
///
/// ```
/// use genlet::Priority;
///
/// let g = genlet::task().name("echo").priority(Priority::High).spawn(async { 1 });
/// assert_eq!(genlet::run(g.join()).unwrap(), 1);
/// ```
pub fn task() -> GreenletBuilder {
    GreenletBuilder {
        name: None,
        priority: Priority::Normal,
        hub: None,
    }
}

/// Spawns one greenlet with a name (shown in errors, reports and the
/// blocking detector), a [`Priority`], or on a given hub. Made by [`task`].
///
/// # Examples
///
/// ```
/// let hub = genlet::reactor::Hub::builder().workers(1).build().unwrap();
/// let g = genlet::task().name("on-mine").on(&hub.handle()).spawn(async { 2 });
/// assert_eq!(hub.block_on(g.join()).unwrap(), 2);
/// ```
#[derive(Clone, Debug)]
#[must_use = "a task builder does nothing until `spawn`"]
pub struct GreenletBuilder {
    name: Option<Arc<str>>,
    priority: Priority,
    hub: Option<Handle>,
}

impl GreenletBuilder {
    /// Names the greenlet.
    ///
    /// # Examples
    ///
    /// See [`GreenletBuilder`].
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets its priority (default [`Priority::Normal`]).
    ///
    /// # Examples
    ///
    /// See [`task`].
    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = priority;
        self
    }

    /// Spawns on the hub of `handle` instead of the current or default one.
    ///
    /// # Examples
    ///
    /// See [`GreenletBuilder`].
    pub fn on(mut self, handle: &Handle) -> Self {
        self.hub = Some(handle.clone());
        self
    }

    fn target(&self) -> Handle {
        self.hub.clone().unwrap_or_else(current_hub)
    }

    /// Spawns `future` as a greenlet.
    ///
    /// # Examples
    ///
    /// See [`task`].
    pub fn spawn<T: Send + 'static>(
        self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        let shared = self.prepare();
        self.launch(shared, None, future)
    }

    /// The state of a greenlet about to be spawned with this builder.
    pub(crate) fn prepare<T>(&self) -> Arc<Shared<T>> {
        Shared::new(self.name.clone().map_or_else(Name::anonymous, Name::given))
    }

    /// Spawns `future` as the greenlet of `shared` (from [`prepare`](Self::prepare)).
    pub(crate) fn launch<T: Send + 'static>(
        self,
        shared: Arc<Shared<T>>,
        delay: Option<Duration>,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        let hub = self.target();
        let mut builder = hub.task().priority(self.priority);
        if let Some(name) = shared.explicit_name() {
            builder = builder.name(name);
        }
        let task = builder.spawn(body(shared.clone(), delay, future));
        shared.set_task(task);
        Greenlet::from_shared(shared)
    }

    /// Spawns `future` to start after `delay`.
    ///
    /// # Examples
    ///
    /// See [`spawn_later`].
    pub fn spawn_later<T: Send + 'static>(
        self,
        delay: Duration,
        future: impl Future<Output = T> + Send + 'static,
    ) -> Greenlet<T> {
        let shared = self.prepare();
        self.launch(shared, Some(delay), future)
    }

    /// Spawns a yieldable-thread body as a greenlet; see [`spawn_yieldable`].
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet::ythread::Inline;
    ///
    /// let g = genlet::task()
    ///     .name("summer")
    ///     .spawn_yieldable(|cpu| async move { cpu.run(|| 2 + 2).await.unwrap() }, Inline);
    /// assert_eq!(g.name(), "summer");
    /// assert_eq!(genlet::run(g).unwrap(), 4);
    /// ```
    pub fn spawn_yieldable<B, Fut, A>(self, body: B, apply: A) -> Greenlet<Fut::Output>
    where
        B: FnOnce(Cpu) -> Fut + Send + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
        A: Apply + Send + 'static,
    {
        self.spawn(genlet_ythread::drive(body, apply))
    }

    /// Spawns a generator task (a genlet-coro generator that yields I/O
    /// requests, see [`reactor::gen_task`](genlet_reactor::gen_task)) as a
    /// greenlet, its requests carried out by `driver`. Killing the greenlet
    /// drops the generator at its current request.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use genlet::coro::{Co, Gen};
    /// use genlet::reactor::gen_task::{HubDriver, Reply, Request};
    ///
    /// let driver = HubDriver::with_transcripts(genlet::default_hub().handle());
    /// let g = genlet::task().name("napper").spawn_gen_task(
    ///     &driver,
    ///     Box::pin(Gen::new(|co: Co<Request, Reply>, _: Reply| async move {
    ///         co.yield_(Request::Sleep(Duration::from_millis(1))).await;
    ///     })),
    /// );
    /// assert_eq!(g.name(), "napper");
    /// genlet::run(g).unwrap();
    /// assert_eq!(driver.transcripts()[0].len(), 1);
    /// ```
    pub fn spawn_gen_task(self, driver: &HubDriver, task: GenTask) -> Greenlet<()> {
        self.spawn(driver.drive(task))
    }

    /// Runs the blocking `job` on the shared blocking-I/O pool as a
    /// greenlet; see [`spawn_blocking`].
    ///
    /// # Examples
    ///
    /// See [`spawn_blocking`].
    pub fn spawn_blocking<T: Send + 'static>(
        self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Greenlet<T> {
        static POOL: OnceLock<ThreadPool> = OnceLock::new();
        let pool = POOL.get_or_init(ThreadPool::blocking_io).clone();
        self.spawn(async move {
            // The job runs as this greenlet: `current` and its `Local`s.
            let me = crate::greenlet::current_running();
            let job = move || crate::greenlet::run_as(me, job);
            let result = genlet_ythread::drive(|cpu| async move { cpu.run(job).await }, pool).await;
            match result {
                Ok(value) => value,
                // Re-raised inside the greenlet, whose error then names it.
                Err(e) => std::panic::resume_unwind(Box::new(
                    e.panic_message().unwrap_or("the job was lost").to_owned(),
                )),
            }
        })
    }
}
