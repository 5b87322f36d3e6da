//! tokio-based crates inside greenlets (feature `tokio-compat`): wrap their
//! futures in [`Compat`].
//!
//! gevent made blocking libraries cooperative by monkey-patching the
//! standard library. Rust has no such trick, and needs none for crates
//! written against `futures`' I/O traits (hyper through `smol-hyper`,
//! `async-tungstenite`, anything over [`net`](crate::net)): they run on the
//! hub as they are. Crates written for tokio (reqwest, sqlx, tonic,
//! tokio's own sockets and timers) look for a tokio runtime in the thread
//! that polls them and panic without one. [`Compat`] (the `async-compat`
//! crate, of the smol family) gives them one: it enters a tokio runtime
//! around each poll, so their futures run inside greenlets, can be joined,
//! killed, put in a [`Group`](crate::Group) and bounded by a
//! [`timeout`](crate::timeout) like any other.
//!
//! ```
//! use std::time::Duration;
//! use genlet::compat::CompatExt;
//!
//! let slept = genlet::run(async {
//!     let g = genlet::spawn(
//!         async {
//!             // tokio's timer: without `compat()` this would panic with
//!             // "there is no reactor running".
//!             tokio::time::sleep(Duration::from_millis(5)).await;
//!             "tokio slept in a greenlet"
//!         }
//!         .compat(),
//!     );
//!     g.join().await
//! });
//! assert_eq!(slept.unwrap(), "tokio slept in a greenlet");
//! ```
//!
//! Make the tokio futures inside the wrapped block, as above: some of
//! tokio's constructors (`tokio::time::sleep`) look for the runtime when
//! called, not when first polled, and panic outside it.
//!
//! # What it costs
//!
//! The tokio runtime is one process-wide runtime that async-compat starts on
//! first use, in a thread of its own (current-thread, unless some crate in
//! the build turns on async-compat's `multi-thread` feature), to drive
//! tokio's I/O and timers; when one of them fires, that thread wakes the
//! greenlet, which then runs on the hub as usual. So a tokio socket costs a
//! wake-up across threads per readiness event: use [`net`](crate::net)'s
//! sockets for your own I/O, and `Compat` for the crates that need tokio.
//! A task such a crate spawns (`tokio::spawn`) runs on that thread, not on
//! the hub. A `Compat` polled inside a tokio runtime's context uses that
//! runtime instead; greenlets never are (the hub's threads are not
//! tokio's), so in genlet it is always the background one.
//!
//! Killing a greenlet drops the wrapped future inside the runtime's
//! context, so tokio resources (sockets, timers) are released as usual.

pub use async_compat::{Compat, CompatExt};
