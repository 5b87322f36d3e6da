//! Spawn + join of an empty task through the facade (`genlet::spawn` and
//! `Greenlet::join`) beside genlet-reactor's hub directly, in one run.
//!
//! `cargo bench -p genlet --bench facade`; a table of medians with ratios to
//! the hub follows criterion's output.

use std::time::Instant;

use criterion::{Criterion, criterion_group};
use genlet::Hub;

fn spawn_join(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn + join, 1 thread");
    let hub = Hub::builder().workers(0).build().unwrap();
    group.bench_function("genlet-reactor Hub::spawn", |b| {
        b.iter_custom(|iters| {
            hub.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    hub.spawn(async {}).await;
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("genlet::spawn + Greenlet::join", |b| {
        b.iter_custom(|iters| {
            hub.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    genlet::spawn(async {}).join().await.unwrap();
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, spawn_join);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&[("spawn + join, 1 thread", "genlet-reactor Hub::spawn")]);
}

use genlet_bench_support::ratios;
