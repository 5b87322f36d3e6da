//! The body every resume measurement runs, in each form it is measured in:
//! it adds each resume value into an accumulator and yields a counter, and
//! returns only if the accumulator ever reaches `u64::MAX` (so it cannot be
//! optimised away). Shared by the criterion bench, the nightly bench, the
//! tour's resume-cost table and `just compare`, so that they all measure the
//! same thing.

use core::pin::Pin;

use genlet_coro::{Co, Coroutine, CoroutineState, Gen};

/// The body as a genlet-coro generator.
#[inline]
pub fn genlet() -> impl Coroutine<u64, Yield = u64, Return = u64> + Send {
    Gen::new(|co: Co<u64, u64>, first: u64| async move {
        let (mut acc, mut n) = (first, 0u64);
        loop {
            n += 1;
            acc = acc.wrapping_add(co.yield_(n).await);
            if acc == u64::MAX {
                return acc;
            }
        }
    })
}

/// The body written by hand as a state machine.
#[derive(Default)]
pub struct Machine {
    started: bool,
    acc: u64,
    n: u64,
}

impl Coroutine<u64> for Machine {
    type Yield = u64;
    type Return = u64;

    #[inline]
    fn resume(mut self: Pin<&mut Self>, arg: u64) -> CoroutineState<u64, u64> {
        if !self.started {
            self.started = true;
            self.acc = arg;
        } else {
            self.acc = self.acc.wrapping_add(arg);
            if self.acc == u64::MAX {
                return CoroutineState::Complete(self.acc);
            }
        }
        self.n += 1;
        CoroutineState::Yielded(self.n)
    }
}
