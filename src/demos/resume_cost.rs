//! A quick table of what one resume costs: genlet-coro stack-pinned and boxed
//! beside a hand-written state machine, timed in the same run. A taste for the
//! tour; the real measurement is `cargo bench -p genlet-coro`.

use core::hint::black_box;
use core::pin::{Pin, pin};
use std::io::{self, Write};
use std::time::Instant;

use genlet_coro::Coroutine;

// The body and the hand-written machine the benchmarks measure.
use genlet_bench_support::body::{Machine, genlet as body};

/// Nanoseconds per resume: the median of `runs` runs of `resumes` each,
/// after one untimed run of as many resumes (the warm-up: caches, branch
/// predictors and the CPU's clock settle).
fn time<C: Coroutine<u64, Yield = u64, Return = u64> + ?Sized>(
    mut c: Pin<&mut C>,
    resumes: u32,
    runs: usize,
) -> f64 {
    for _ in 0..resumes {
        black_box(c.as_mut().resume(black_box(1)));
    }
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

/// Times `resumes` resumes per run, five runs per row after a warm-up run,
/// and prints the table.
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
        "== resume cost ({resumes} resumes, median of {runs} runs after a warm-up run)"
    )?;
    writeln!(out, "{:<34} {:>9} {:>8}", "implementation", "ns", "ratio")?;
    for (name, ns) in [
        ("hand-written state machine", machine),
        ("genlet-coro, pinned on the stack", stack),
        ("genlet-coro, Pin<Box<dyn ..>>", boxed),
    ] {
        writeln!(out, "{name:<34} {ns:>9.2} {:>7.2}x", ns / machine)?;
    }
    writeln!(
        out,
        "(the bodies `cargo bench -p genlet-coro --bench resume` measures, in a plain\n \
         timed loop: one short run, no statistics, so the figures move with the machine's\n \
         load and clock; criterion's medians from the bench are the ones to quote)"
    )?;
    Ok(())
}
