//! genlet: gevent's vocabulary in Rust, over genlet's hub.
//!
//! If you know gevent, you know this crate: [`spawn`] a greenlet, [`join`]
//! it (or [`joinall`] of them), [`kill`](Greenlet::kill) it, put them in a
//! [`Group`] or a [`Pool`], bound them with a [`Timeout`], coordinate with an
//! [`Event`] or a [`Queue`], [`wait`] on any mix of them, keep per-greenlet
//! values in a [`Local`], serve with a [`StreamServer`]. Most programs
//! depend on `genlet` alone: it re-exports what they need from the crates
//! below it ([`coro`], [`reactor`], [`ythread`]).
//!
//! ```
//! use std::time::Duration;
//!
//! let lengths = genlet::run(async {
//!     let pool = genlet::Pool::new(2); // at most two at once
//!     pool.map(["a", "bb", "ccc"], |word| async move {
//!         genlet::sleep(Duration::from_millis(1)).await; // stands for I/O
//!         word.len()
//!     })
//!     .await
//! });
//! assert_eq!(lengths.unwrap(), [1, 2, 3]);
//! ```
//!
//! # What differs from gevent, and why
//!
//! * **Errors reach the spawner.** [`Greenlet::join`] (or `greenlet.await`)
//!   returns `Result<T, TaskError>`; a [`TaskError`] tells a panic (with its
//!   message and the greenlet's name) from a kill. genlet reports a panic
//!   only when nobody saw it (no join, `get`, `error`, link, or group
//!   `join`), exactly once, through [`set_panic_hook`] (gevent prints every
//!   one, #83). Rust's own panic hook still prints a line where the panic
//!   happens, as it does for every panic; [`quiet_std_panics`] silences it
//!   for panics inside greenlets.
//! * **Timeouts are values.** [`timeout`] returns `Err(Elapsed)`, which no
//!   catch-all on the future's own errors can swallow (gevent #838).
//! * **Kill is delivered.** [`Greenlet::kill`] drops the greenlet's future
//!   at its next await, running its destructors; a greenlet killed before
//!   its first poll never runs (gevent #330, #1553).
//! * **Structured concurrency.** A [`Group`] owns its greenlets: dropping it
//!   cancels them. [`Group::fail_fast`] is a nursery (trio, asyncio's
//!   `TaskGroup`).
//! * **No monkey-patching.** I/O in Rust is explicit: use [`net`]'s sockets
//!   and [`sleep`], and blocking calls go to [`spawn_blocking`], which any
//!   thread may call and which can be cancelled before it starts (gevent's
//!   threadpool can do neither, #1489). Crates written for tokio run in
//!   greenlets through `compat::Compat` (feature `tokio-compat`).
//! * **Everything crosses threads.** The hub has a worker per core; [`Event`],
//!   [`Queue`], [`Lock`] and the rest work from any OS thread.
//! * **`yield_now` keeps I/O flowing** (gevent's `sleep(0)` can starve it,
//!   #1071).
//!
//! # What dropping a handle does
//!
//! Everything spawned through this crate ([`spawn`], [`task`], a [`Group`]
//! or a [`Pool`], a server) comes back as a [`Greenlet`], and dropping a
//! `Greenlet` **detaches** it: it runs on, as in gevent. A [`Group`] is the
//! way to tie greenlets to a scope: dropping the group cancels them.
//!
//! The hub underneath ([`reactor::Hub`]) has smol's manners instead:
//! `Hub::spawn` returns a [`reactor::Task`], which **cancels** its task when
//! dropped. The two names say which is which; from `genlet` you only meet
//! the hub through [`default_hub`] and [`reactor`].
//!
//! # Every kind of task is a greenlet
//!
//! A future ([`spawn`]), a blocking call ([`spawn_blocking`]), a
//! yieldable-thread body that yields its CPU work to an apply policy
//! ([`spawn_yieldable`]), and a generator task that yields I/O requests
//! ([`GreenletBuilder::spawn_gen_task`]) all come back as a [`Greenlet`],
//! with the same `join`, `kill`, links, names, [`Group`]s and panic
//! reporting.

//!
//! # Cargo features
//!
//! * `tokio-compat` (off by default): the `compat` module, tokio-based
//!   crates inside greenlets through the `async-compat` crate.

#![forbid(unsafe_code)]

mod channel;
#[cfg(feature = "tokio-compat")]
pub mod compat;
mod connection;
mod err;
mod greenlet;
mod group;
mod imap;
mod join;
mod local;
mod queue;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod readiness;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
#[path = "readiness_elsewhere.rs"]
mod readiness;
mod report;
mod semaphore;
mod server;
mod signal;
mod spawn;
mod sync;
mod timeout;
mod timethis;
mod wait;

pub use channel::{Channel, ChannelGet, ChannelPut};
pub use connection::{Connection, Stopping};
pub use err::{Closed, Elapsed, ExtraTaskDone, GetError, OverRelease, TaskError, TryPutError};
pub use greenlet::{Current, Greenlet, Join, current};
pub use group::{Group, GroupHandle, Pool};
pub use imap::Imap;
pub use join::{AsCompleted, Joined, as_completed, joinall, killall, race};
pub use local::Local;
pub use queue::Queue;
pub use report::{quiet_std_panics, reset_panic_hook, set_panic_hook};
pub use semaphore::{SemaphoreAcquire, SemaphoreAcquireArc, SemaphoreGuard, SemaphoreGuardArc};
pub use server::{DatagramServer, ServerBuilder, StreamServer};
pub use signal::{Signal, Signals};
pub use spawn::{
    GreenletBuilder, default_hub, run, spawn, spawn_blocking, spawn_later, spawn_yieldable, task,
};
pub use sync::{AsyncResult, BoundedSemaphore, Event, EventWait, Lock, Semaphore};
pub use timeout::{Timeout, timeout, with_timeout};
pub use timethis::{TimeThis, timethis};
pub use wait::{Iwait, Ready, Waitable, iwait, wait};

pub use genlet_reactor::{Priority, interval, sleep, sleep_until, yield_now};

/// Sockets: TCP, UDP and Unix streams (async-net's, re-exported by the hub).
pub use genlet_reactor::net;

/// Generators (`genlet-coro`): resumable with values, `send`/`throw`/`close`,
/// `yield_from`.
pub use genlet_coro as coro;

/// The hub itself (`genlet-reactor`): builder options, priorities, the
/// blocking detector, generator tasks.
pub use genlet_reactor as reactor;

/// Yieldable threads (`genlet-ythread`): CPU work yielded to an apply policy.
pub use genlet_ythread as ythread;

/// Joins one greenlet: `join(g)` is `g.join()`, for symmetry with
/// [`joinall`].
///
/// # Errors
///
/// The greenlet's [`TaskError`].
///
/// # Examples
///
/// ```
/// let g = genlet::spawn(async { 1 });
/// assert_eq!(genlet::run(genlet::join(g)).unwrap(), 1);
/// ```
pub async fn join<T>(greenlet: Greenlet<T>) -> Result<T, TaskError> {
    greenlet.join().await
}
