//! The genlet hub: what gevent users get from `gevent.get_hub()`, built from
//! smol's parts.
//!
//! A [`Hub`] is a pool of worker threads. Each runs the hub's tasks and, while
//! it has none ready, polls async-io's reactor, which fires timers and wakes
//! tasks whose sockets became ready. Nothing here is a new runtime: tasks are
//! async-task's, the reactor is async-io, the sockets are async-net; the
//! run queues and the waking of idle workers are the hub's own, as three
//! async-executors side by side cost twice as much per cross-thread spawn
//! (see `scheduler.rs`).
//! What the hub adds:
//!
//! * **Priorities** ([`Priority`]): at every scheduling point a ready
//!   higher-priority task runs before lower ones, with a fair turn that keeps
//!   lower levels from starving.
//! * **I/O is never starved by yielding**: the 61st [`yield_now`] in a row,
//!   or a sparser one 50 µs after the last I/O poll, makes the worker poll
//!   for I/O (gevent's `sleep(0)` can starve it: #1071).
//! * **Generator tasks** ([`gen_task`]): tasks written as genlet-coro
//!   generators that yield I/O requests, runnable on the hub and on a
//!   deterministic driver with a virtual clock.
//! * **A blocking detector** ([`Builder::detect_blocking`]): a task that keeps a
//!   worker busy too long is reported by name; smol has nothing of the kind.
//! * **Clean shutdown**: dropping the hub joins its threads and cancels the
//!   tasks left, running their destructors; [`Handle`]s do not keep it alive.
//!
//! ```
//! use std::time::Duration;
//! use genlet_reactor::{sleep, timeout, Hub, Priority};
//!
//! let hub = Hub::new()?;
//! let background = hub.task().name("background").priority(Priority::Low).spawn(async {
//!     sleep(Duration::from_millis(2)).await;
//!     "background work"
//! });
//! let out = hub.block_on(async {
//!     let quick = timeout(Duration::from_secs(1), background).await;
//!     quick.expect("well within a second")
//! });
//! assert_eq!(out, "background work");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Tasks are async-task's [`Task`] (the type async-executor and smol hand
//! out too): awaiting one gives its output,
//! dropping it cancels the task, [`Task::detach`] lets it run on. A task
//! that panics while polled passes the panic to whoever awaits it. One
//! whose future panics while it is dropped (cancelled, or the hub dropped
//! under it), which async-task alone would answer by aborting the process,
//! has that panic caught and reported on stderr; its other locals are
//! dropped and the hub goes on (a task's output whose destructor panics is
//! not covered).

#![forbid(unsafe_code)]

mod catch_drop;
mod context;
mod detector;
mod err;
pub mod gen_task;
mod hub;
pub mod net;
mod priority;
mod report;
mod scheduler;
mod shared;
mod time;
mod timer_table;

pub use async_task::Task;
pub use detector::{
    BlockingReport, DEFAULT_THRESHOLD as DEFAULT_BLOCKING_THRESHOLD, ENV_VAR as DETECT_BLOCKING_ENV,
};
pub use err::Elapsed;
pub use hub::{Builder, Handle, Hub, TaskBuilder, spawn_local};
pub use priority::Priority;
pub use time::{Interval, Sleep, interval, sleep, sleep_until, timeout, yield_now};
