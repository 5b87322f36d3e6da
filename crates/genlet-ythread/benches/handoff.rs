//! Job hand-off: a body hands over an empty job and gets its result back,
//! per apply policy, beside `blocking::unblock` alone (the floor for
//! `ThreadPool`, whose jobs run on blocking's threads).
//!
//! `Inline` and `Exclusive` run jobs in place (`Apply::run_in_place`): no
//! allocation. "yielded Job, run in apply" is a user policy that only
//! implements `apply` and runs the job there: the cost of a `Job` (one
//! allocation for the job's cell, two compare-and-swaps and the reference
//! counts).
//!
//! Each row times `iters` hand-offs inside one body, so starting the body is
//! not measured. `cargo bench -p genlet-ythread --bench handoff`; a table of
//! medians with ratios to `blocking::unblock` follows criterion's output.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use futures_lite::future::block_on;
use genlet_ythread::{Apply, Exclusive, Inline, Job, ThreadPool, drive};

/// A policy that runs each job inside `apply`, through the yielded `Job`.
struct RunInApply;

impl Apply for RunInApply {
    fn apply(&self, job: Job) {
        job.run();
    }
}

/// Times `iters` empty jobs yielded by one body under `apply`.
fn handoffs(apply: impl Apply, iters: u64) -> Duration {
    block_on(drive(
        move |cpu| async move {
            let start = Instant::now();
            for i in 0..iters {
                let out = cpu.run(move || black_box(i)).await;
                black_box(out.expect("an empty job does not panic"));
            }
            start.elapsed()
        },
        apply,
    ))
}

fn handoff(c: &mut Criterion) {
    let mut group = c.benchmark_group("empty job hand-off");
    group.bench_function("genlet Inline", |b| {
        b.iter_custom(|iters| handoffs(Inline, iters))
    });
    let exclusive = Exclusive::new();
    group.bench_function("genlet Exclusive", |b| {
        b.iter_custom(|iters| handoffs(&exclusive, iters))
    });
    group.bench_function("yielded Job, run in apply", |b| {
        b.iter_custom(|iters| handoffs(RunInApply, iters))
    });
    let pool = ThreadPool::new();
    group.bench_function("genlet ThreadPool", |b| {
        b.iter_custom(|iters| handoffs(&pool, iters))
    });
    group.bench_function("blocking::unblock", |b| {
        b.iter_custom(|iters| {
            block_on(async {
                let start = Instant::now();
                for i in 0..iters {
                    black_box(blocking::unblock(move || black_box(i)).await);
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, handoff);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&[("empty job hand-off", "blocking::unblock")]);
}

use genlet_bench_support::ratios;
