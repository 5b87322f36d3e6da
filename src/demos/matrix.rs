//! Seed 000's experiment: the sum of i*i for i < N, three ways. A plain loop;
//! one genlet-coro generator per element, resumed with its pair of values
//! (the post's greenlet version, `switch(i, a[i], b[i])`); and one hub task
//! per element (the post's eventlet version). Sums are `u128`, so
//! N = 10,000,000 does not overflow.
//!
//! Generators and tasks are made and run in chunks of 65,536 so that memory
//! stays flat at any N; the post made them all first, which only changes how
//! much memory is live at once.

use std::io::{self, Write};
use std::pin::Pin;
use std::time::{Duration, Instant};

use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
use genlet_reactor::Hub;

const CHUNK: u64 = 65_536;

/// The expected sum: (N-1)N(2N-1)/6.
///
/// # Examples
///
/// ```
/// assert_eq!(genlet_workspace::demos::matrix::expected(10), 285);
/// ```
pub fn expected(n: u64) -> u128 {
    let n = u128::from(n);
    if n == 0 {
        return 0;
    }
    (n - 1) * n * (2 * n - 1) / 6
}

/// The post's `execMatrixAdd_Iter`: a loop.
pub fn by_loop(n: u64) -> u128 {
    let (a, b): (Vec<u64>, Vec<u64>) = ((0..n).collect(), (0..n).collect());
    let mut sum = 0u128;
    for i in 0..n as usize {
        sum += u128::from(a[i]) * u128::from(b[i]);
    }
    sum
}

/// The post's greenlet version: one generator per element, made first, then
/// each resumed once with its pair; its return value is the product.
pub fn by_generators(n: u64) -> u128 {
    let mut sum = 0u128;
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let mut tasks: Vec<Pin<Box<_>>> = (start..end)
            .map(|_| {
                Box::pin(Gen::new(
                    |_co: Co<(), (u64, u64)>, (a, b): (u64, u64)| async move {
                        u128::from(a) * u128::from(b)
                    },
                ))
            })
            .collect();
        for (i, task) in (start..end).zip(tasks.iter_mut()) {
            match task.as_mut().resume((i, i)) {
                CoroutineState::Complete(product) => sum += product,
                CoroutineState::Yielded(()) => unreachable!("the body never yields"),
            }
        }
        start = end;
    }
    sum
}

/// The post's eventlet version: one hub task per element, spawned, then
/// joined in order.
pub fn by_tasks(hub: &Hub, n: u64) -> u128 {
    hub.block_on(async {
        let mut sum = 0u128;
        let mut start = 0;
        while start < n {
            let end = (start + CHUNK).min(n);
            let tasks: Vec<_> = (start..end)
                .map(|i| hub.spawn(async move { u128::from(i) * u128::from(i) }))
                .collect();
            for task in tasks {
                sum += task.await;
            }
            start = end;
        }
        sum
    })
}

/// One way's result at one N.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// Elements.
    pub n: u64,
    /// The sum found (all ways agree with [`expected`]).
    pub sum: u128,
    /// Wall time of the loop, the generators and the tasks.
    pub times: [Duration; 3],
}

/// Runs the three ways at `n`, checking each sum.
///
/// # Errors
///
/// When the hub cannot start or a way gets a wrong sum.
pub fn measure(hub: &Hub, n: u64) -> io::Result<Row> {
    let timed = |f: &dyn Fn() -> u128| {
        let start = Instant::now();
        let sum = f();
        (sum, start.elapsed())
    };
    let (by_loop_sum, loop_time) = timed(&|| by_loop(n));
    let (gen_sum, gen_time) = timed(&|| by_generators(n));
    let (task_sum, task_time) = timed(&|| by_tasks(hub, n));
    let want = expected(n);
    for (way, sum) in [
        ("loop", by_loop_sum),
        ("generators", gen_sum),
        ("tasks", task_sum),
    ] {
        if sum != want {
            return Err(io::Error::other(format!(
                "{way} summed {sum} at N = {n}, expected {want}"
            )));
        }
    }
    Ok(Row {
        n,
        sum: want,
        times: [loop_time, gen_time, task_time],
    })
}

/// Prints the table (or JSON lines) for each N in `sizes`.
///
/// # Errors
///
/// When the hub cannot start or a sum is wrong.
pub fn run(out: &mut impl Write, sizes: &[u64], json: bool) -> io::Result<()> {
    let hub = Hub::builder().workers(0).build()?;
    if !json {
        writeln!(
            out,
            "== matrix (seed 000): sum of i*i for i < N, three ways (ns per element)"
        )?;
        writeln!(
            out,
            "{:>10} {:>22} {:>8} {:>11} {:>8}",
            "N", "sum", "loop", "generators", "tasks"
        )?;
    }
    for &n in sizes {
        let row = measure(&hub, n)?;
        let [by_loop, by_generators, by_tasks] =
            row.times.map(|d| d.as_secs_f64() * 1e9 / n.max(1) as f64);
        if json {
            writeln!(
                out,
                "{{\"n\":{n},\"sum\":\"{}\",\"loop_ns\":{by_loop:.2},\"generator_ns\":{by_generators:.2},\"task_ns\":{by_tasks:.2}}}",
                row.sum
            )?;
        } else {
            writeln!(
                out,
                "{n:>10} {:>22} {by_loop:>8.2} {by_generators:>11.2} {by_tasks:>8.2}",
                row.sum
            )?;
        }
    }
    if !json {
        writeln!(
            out,
            "(the post, Python 2.5 under cProfile at N = 100,000, per element: \
             loop 690 ns, greenlet 15,110 ns, eventlet 349,010 ns)"
        )?;
    }
    Ok(())
}
