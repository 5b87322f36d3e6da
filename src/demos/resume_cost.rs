//! A quick table of what one resume costs: genlet-coro stack-pinned and boxed
//! beside a hand-written state machine, timed in the same run. A taste for the
//! tour; the real measurement is `cargo bench -p genlet-coro`.

use core::hint::black_box;
use core::pin::{Pin, pin};
use std::io::{self, Write};
use std::time::Instant;

use genlet_coro::{Co, Coroutine, CoroutineState, Gen};

/// The body every row runs: adds each resume value into an accumulator and
/// yields a counter.
fn body() -> impl Coroutine<u64, Yield = u64, Return = u64> {
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

/// The same body as a hand-written state machine.
#[derive(Default)]
struct Machine {
    started: bool,
    acc: u64,
    n: u64,
}

impl Coroutine<u64> for Machine {
    type Yield = u64;
    type Return = u64;

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

/// Nanoseconds per resume: the median of `runs` runs of `resumes` each.
fn time<C: Coroutine<u64, Yield = u64, Return = u64> + ?Sized>(
    mut c: Pin<&mut C>,
    resumes: u32,
    runs: usize,
) -> f64 {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..resumes {
                black_box(c.as_mut().resume(black_box(1)));
            }
            start.elapsed().as_nanos() as f64 / f64::from(resumes)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Times `resumes` resumes per run, five runs per row, and prints the table.
///
/// # Errors
///
/// Whatever writing to `out` returns.
pub fn run(out: &mut impl Write, resumes: u32) -> io::Result<()> {
    let runs = 5;
    let machine = time(pin!(Machine::default()), resumes, runs);
    let stack = time(pin!(body()), resumes, runs);
    let mut boxed: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
        black_box(Box::pin(body()));
    let boxed = time(boxed.as_mut(), resumes, runs);
    writeln!(
        out,
        "== resume cost ({resumes} resumes, median of {runs} runs)"
    )?;
    writeln!(out, "{:<34} {:>9} {:>8}", "implementation", "ns", "ratio")?;
    for (name, ns) in [
        ("hand-written state machine", machine),
        ("genlet-coro, pinned on the stack", stack),
        ("genlet-coro, Pin<Box<dyn ..>>", boxed),
    ] {
        writeln!(out, "{name:<34} {ns:>9.2} {:>7.2}x", ns / machine)?;
    }
    Ok(())
}
