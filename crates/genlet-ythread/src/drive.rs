//! [`drive`]: a body run as a future on any executor. It resumes the body's
//! generator, hands each job the body yields to the policy, and resumes it
//! again; the body itself waits for the result.
//! ([`YieldableThread`](crate::YieldableThread), in `thread.rs`, runs it on a
//! thread of its own.)

use core::future::{Future, poll_fn};
use core::pin::pin;

use genlet_coro::{AsyncGen, Co, CoroutineState};

use crate::apply::Apply;
use crate::cpu::{Cpu, Driving};
use crate::job::Job;

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
    let mut generator = pin!(AsyncGen::new(move |co: Co<Job>, ()| {
        body(Cpu::new(co, driver))
    }));
    loop {
        let step = {
            let mut resume = pin!(generator.as_mut().resume(()));
            poll_fn(|cx| {
                // While the body runs, its `Cpu` can find `apply` to run jobs
                // in place.
                let _driving = Driving::enter(driver, &apply);
                resume.as_mut().poll(cx)
            })
            .await
        };
        match step {
            CoroutineState::Yielded(job) => apply.apply(job),
            CoroutineState::Complete(output) => return output,
        }
    }
}
