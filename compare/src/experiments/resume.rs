//! One resume round trip, the cost under every other experiment: genlet-coro
//! (stack-pinned and boxed) and genawaiter in this process, a Python
//! generator's `send` and a greenlet switch in the venv
//! (`compare/python/resume.py`). No seed measures it alone; seed 000's
//! one-greenlet-per-element sums pay it once per element.

use std::hint::black_box;
use std::io;
use std::pin::{Pin, pin};
use std::time::Instant;

use genlet_bench_support::body;
use genlet_coro::Coroutine;

use crate::experiments::{Context, number};
use crate::json_lines;
use crate::progress::Progress;
use crate::results::Results;

/// Nanoseconds per resume of `c`, over `n` resumes.
fn time_resumes<C: Coroutine<u64, Yield = u64, Return = u64> + ?Sized>(
    mut c: Pin<&mut C>,
    n: u32,
) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        black_box(c.as_mut().resume(black_box(1)));
    }
    start.elapsed().as_nanos() as f64 / f64::from(n)
}

async fn genawaiter_body(co: genawaiter::rc::Co<u64, u64>) -> u64 {
    let (mut acc, mut n) = (0u64, 0u64);
    loop {
        n += 1;
        acc = acc.wrapping_add(co.yield_(n).await);
        if acc == u64::MAX {
            return acc;
        }
    }
}

/// One resume round trip: genlet-coro and genawaiter in this process, a
/// Python generator's send and a greenlet switch in the venv.
pub(crate) fn run(ctx: &Context, results: &mut Results) -> io::Result<()> {
    eprintln!("compare: resume round trip");
    let n = 10_000_000;
    let mut progress = Progress::even("resume", ctx.reps);
    // Every figure is one round trip's ns, for one system.
    let add = |results: &mut Results, system: &str, ns: f64| {
        results.add("resume", "round trip", "ns", "1 resume", 1.0, system, ns);
    };
    for rep in 1..=ctx.reps {
        let stack = time_resumes(pin!(body::genlet()), n);
        add(results, "genlet-coro, stack-pinned", stack);
        let mut boxed: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
            black_box(Box::pin(body::genlet()));
        let boxed = time_resumes(boxed.as_mut(), n);
        add(results, "genlet-coro, boxed", boxed);
        let mut g = genawaiter::rc::Gen::new(genawaiter_body);
        let start = Instant::now();
        for _ in 0..n {
            black_box(g.resume_with(black_box(1)));
        }
        let ga = start.elapsed().as_nanos() as f64 / f64::from(n);
        add(results, "genawaiter rc", ga);
        if let Some(python) = &ctx.python {
            for line in json_lines(python, &[&ctx.script("resume.py")])? {
                let system = line["system"].as_str().unwrap_or("?").to_string();
                add(results, &system, number(&line, "ns_per_resume")?);
            }
        }
        progress.step(&format!("repetition {rep}"), 1.0);
    }
    Ok(())
}
