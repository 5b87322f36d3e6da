//! Yieldable threads: a body yields its CPU-heavy work, and an apply policy
//! decides how it runs (seed 003, Beazley's "yieldable threads").
//!
//! Generator schedulers usually yield I/O and keep the CPU work; a yieldable
//! thread does the opposite. Its body does blocking I/O as any thread would,
//! and *yields* each CPU-heavy step, `result = yield sumn, (n,)` in the
//! post. The thread hands the step to a policy and resumes the body with the
//! result. The body never names the policy, so the same handler runs its
//! work inline, one at a time, or on a pool, unchanged:
//!
//! ```
//! use genlet_ythread::{Apply, Cpu, Exclusive, Inline, JobError, ThreadPool, YieldableThread};
//!
//! fn sumn(n: u64) -> u64 {
//!     let mut total = 0;
//!     for i in 1..=n {
//!         total += std::hint::black_box(i);
//!     }
//!     total
//! }
//!
//! // The handler: it knows it has CPU work, not who runs it.
//! async fn handle(cpu: Cpu, n: u64) -> Result<u64, JobError> {
//!     cpu.run(move || sumn(n)).await
//! }
//!
//! fn serve(apply: impl Apply + Clone + 'static) -> std::io::Result<Vec<u64>> {
//!     let threads: Vec<_> = (1..=4)
//!         .map(|i| YieldableThread::spawn(move |cpu| handle(cpu, i * 1000), apply.clone()))
//!         .collect::<Result<_, _>>()?;
//!     Ok(threads.into_iter().map(|t| t.join().unwrap().unwrap()).collect())
//! }
//!
//! let expected = [500_500, 2_001_000, 4_501_500, 8_002_000];
//! assert_eq!(serve(Inline)?, expected);          // the post's `apply`
//! assert_eq!(serve(Exclusive::new())?, expected); // `exclusive_apply`
//! assert_eq!(serve(ThreadPool::new())?, expected);      // `pool.apply`
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # The pieces
//!
//! * [`Cpu::run`] yields a closure and gives back its typed result. A panic
//!   inside the closure comes back as a [`JobError`] naming the message; the
//!   thread that ran it lives on and no request is lost.
//! * [`Apply`] is the policy: [`Inline`] (the post's `apply`), [`Exclusive`]
//!   (`exclusive_apply`: one job at a time across every thread sharing it),
//!   [`ThreadPool`] (the `blocking` crate's threads, at most `limit` jobs at once),
//!   or your own.
//! * A job whose body goes (its future dropped: the client closed, the
//!   greenlet was killed or timed out) before the job started is dropped
//!   unrun, under every policy. One already running can stop early: it sees
//!   [`Cancel::is_cancelled`] (the argument of [`Cpu::run_cancellable`]) or
//!   [`is_cancelled`] (inside any job) turn true.
//! * [`YieldableThread::spawn`] runs a body on a thread of its own;
//!   [`drive`] runs the same kind of body as a future on any executor, such
//!   as a task on the genlet hub. With [`ThreadPool`], no worker of the hub runs
//!   the jobs, so the hub keeps serving its other tasks (the convoy effect of
//!   seed 004 avoided on a cooperative executor).
//!
//! # How it works
//!
//! While [`drive`] polls the body, a thread-local marks its policy; the
//! body's [`Cpu::run`] finds it there and hands the job over inside that very
//! poll, so a body can hand over several jobs at once (`join`) or stop
//! waiting for one (`select`, a timeout) as with any future. A job is one
//! allocation: a cell holding the closure and, later, its result, behind one
//! atomic state word. The policy gets the cell
//! untyped; the body keeps it typed and waits on it, so results need no
//! boxing or downcasting. If the body stops waiting (its task was
//! cancelled), a job not yet started is dropped unrun.
//!
//! A policy that runs jobs on the calling thread anyway ([`Inline`],
//! [`Exclusive`], or a user's through [`Apply::run_in_place`]) skips all of
//! that: while [`drive`] polls the body, [`Cpu::run`] finds the policy and
//! runs the job right there, with no allocation.
//!
//! # Thread growth
//!
//! `blocking` 1.7 keeps idle threads alive unless its pool is over its limit.
//! [`ThreadPool`] bounds its share: it hands `blocking` at most `limit` runners,
//! each draining the pool's own queue, so its jobs never occupy more than
//! `limit` threads however many are queued, and the idle threads left behind
//! are at most that many, reused by the next burst.
//!
//! # The post's figures
//!
//! `examples/sumserver.rs` and `examples/sumclient.rs` at the workspace root
//! reproduce the post's experiment: 1000 requests, each summing `1..=n` with
//! a deliberately dumb loop, from 1 to 8 client threads, per policy. The
//! book's "Yieldable threads" chapter puts our figures beside the post's.

mod apply;
mod cpu;
mod drive;
mod err;
mod job;
mod pool;
mod thread;

pub use apply::{Apply, Exclusive, Inline};
pub use cpu::Cpu;
pub use drive::drive;
pub use err::JobError;
pub use job::{Cancel, Job, is_cancelled};
pub use pool::{ThreadPool, ThreadPoolBuilder};
pub use thread::{YieldableThread, YieldableThreadBuilder};
