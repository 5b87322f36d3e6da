//! [`drive`]: a body run as a future on any executor. Each poll of the body
//! marks the policy for the body's [`Cpu`], which hands its jobs over inside
//! that poll; the body itself waits for the results.
//! ([`YieldableThread`](crate::YieldableThread), in `thread.rs`, runs it on a
//! thread of its own.)

use core::future::{Future, poll_fn};
use core::pin::pin;

use crate::apply::Apply;
use crate::cpu::{Cpu, Driving};

/// Runs `body` as a future on any executor (a genlet hub, smol, tokio),
/// handing each job it yields to `apply`: the async flavour of a yieldable
/// thread. Its output is the body's.
///
/// With [`ThreadPool`](crate::ThreadPool) the jobs run on blocking's threads and no worker
/// of the executor runs them, so other tasks keep being served. With
/// [`Inline`](crate::Inline) they run on the worker, as in seed 004's convoy.
///
/// # Cancel safety
///
/// Dropping the future drops the body. A job it was waiting for that had not
/// started never starts (its closure is dropped then); one already running
/// finishes unobserved, with its [`Cancel`](crate::Cancel) flag set.
///
/// # Examples
///
/// ```
/// use genlet_reactor::Hub;
/// use genlet_ythread::{drive, ThreadPool};
///
/// let hub = Hub::new()?;
/// let pool = ThreadPool::new();
/// let task = hub.spawn(drive(
///     |cpu| async move {
///         let squares = cpu.run(|| (1..=10u64).map(|i| i * i).sum::<u64>()).await;
///         squares.expect("the job does not panic")
///     },
///     pool,
/// ));
/// assert_eq!(hub.block_on(task), 385);
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn drive<B, Fut, A>(body: B, apply: A) -> Fut::Output
where
    B: FnOnce(Cpu) -> Fut,
    Fut: Future,
    A: Apply,
{
    let driver = Driving::new_id();
    let mut body = pin!(body(Cpu::new(driver)));
    poll_fn(|cx| {
        // While the body runs, its `Cpu` finds `apply` to hand jobs to.
        let _driving = Driving::enter(driver, &apply);
        body.as_mut().poll(cx)
    })
    .await
}
