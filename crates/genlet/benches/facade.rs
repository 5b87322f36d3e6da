//! Spawn + join of an empty task through the facade (`genlet::spawn`,
//! `spawn_gen_task`, `spawn_yieldable`, joined with `.await`) beside the
//! same task spawned on genlet-reactor's hub directly, in one run: a future,
//! a generator task and a yieldable-thread body.
//!
//! `cargo bench -p genlet --bench facade`; a table of medians with ratios to
//! the hub follows criterion's output.

use std::time::Instant;

use criterion::{Criterion, criterion_group};
use genlet::coro::{Co, Gen};
use genlet::reactor::Hub;
use genlet::reactor::gen_task::{GenTask, HubDriver, Reply, Request};
use genlet::ythread::{Cpu, Inline, drive};

/// A body that yields nothing: the hand-off machinery alone.
async fn empty_body(_cpu: Cpu) {}

/// A generator task that asks for nothing.
fn empty_gen() -> GenTask {
    Box::pin(Gen::new(|_co: Co<Request, Reply>, _: Reply| async {}))
}

/// Times `$join` (an expression awaited once per iteration) inside one
/// `block_on` per sample, so entering `block_on` is not measured.
macro_rules! bench_row {
    ($group:expr, $name:expr, $hub:expr, $join:expr) => {
        $group.bench_function($name, |b| {
            b.iter_custom(|iters| {
                $hub.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        $join;
                    }
                    start.elapsed()
                })
            })
        });
    };
}

fn spawn_join(c: &mut Criterion) {
    let hub = Hub::builder().workers(0).build().unwrap();
    let driver = HubDriver::new(hub.handle());

    let mut group = c.benchmark_group("spawn + join, future");
    bench_row!(group, "hub", hub, hub.spawn(async {}).await);
    bench_row!(group, "genlet", hub, genlet::spawn(async {}).await.unwrap());
    group.finish();

    let mut group = c.benchmark_group("spawn + join, generator task");
    bench_row!(group, "hub", hub, driver.spawn(empty_gen()).await);
    bench_row!(
        group,
        "genlet",
        hub,
        genlet::task()
            .spawn_gen_task(&driver, empty_gen())
            .await
            .unwrap()
    );
    group.finish();

    let mut group = c.benchmark_group("spawn + join, yieldable body");
    bench_row!(
        group,
        "hub",
        hub,
        hub.spawn(drive(empty_body, Inline)).await
    );
    bench_row!(
        group,
        "genlet",
        hub,
        genlet::spawn_yieldable(empty_body, Inline).await.unwrap()
    );
    group.finish();
}

criterion_group!(benches, spawn_join);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&[
        ("spawn + join, future", "hub"),
        ("spawn + join, generator task", "hub"),
        ("spawn + join, yieldable body", "hub"),
    ]);
}

use genlet_bench_support::ratios;
