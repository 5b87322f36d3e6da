//! Native nightly coroutines (`#[coroutine]` closures) beside genlet-coro on
//! the same body, in one run: the stable crate's target is to stay within
//! 1.5x of native, inlined and behind `Pin<Box<dyn Coroutine>>`.
#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]

use core::hint::black_box;
use core::ops::{Coroutine as NativeCoroutine, CoroutineState as NativeState};
use core::pin::{Pin, pin};

use criterion::{Criterion, criterion_group};
use genlet_coro::Coroutine;

/// The body of `genlet_bench_support::body` as a native coroutine.
fn native() -> impl NativeCoroutine<u64, Yield = u64, Return = u64> {
    #[coroutine]
    |first: u64| {
        let (mut acc, mut n) = (first, 0u64);
        loop {
            n += 1;
            acc = acc.wrapping_add(yield n);
            if acc == u64::MAX {
                return acc;
            }
        }
    }
}

fn resume(c: &mut Criterion) {
    let mut group = c.benchmark_group("resume");
    group.bench_function("native stack-pinned", |b| {
        let mut g = pin!(native());
        b.iter(|| matches!(g.as_mut().resume(black_box(1)), NativeState::Yielded(_)));
    });
    group.bench_function("genlet-coro stack-pinned", |b| {
        let mut g = pin!(genlet());
        b.iter(|| {
            matches!(
                g.as_mut().resume(black_box(1)),
                genlet_coro::CoroutineState::Yielded(_)
            )
        });
    });
    group.bench_function("hand-written state machine", |b| {
        let mut g = pin!(Machine::default());
        b.iter(|| {
            matches!(
                g.as_mut().resume(black_box(1)),
                genlet_coro::CoroutineState::Yielded(_)
            )
        });
    });
    group.bench_function("native Pin<Box<dyn Coroutine>>", |b| {
        let mut g: Pin<Box<dyn NativeCoroutine<u64, Yield = u64, Return = u64>>> =
            black_box(Box::pin(native()));
        b.iter(|| matches!(g.as_mut().resume(black_box(1)), NativeState::Yielded(_)));
    });
    group.bench_function("genlet-coro Pin<Box<dyn Coroutine>>", |b| {
        let mut g: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
            black_box(Box::pin(genlet()));
        b.iter(|| {
            matches!(
                g.as_mut().resume(black_box(1)),
                genlet_coro::CoroutineState::Yielded(_)
            )
        });
    });
    group.finish();

    let mut group = c.benchmark_group("create + first resume + drop");
    group.bench_function("native stack-pinned", |b| {
        b.iter(|| matches!(pin!(native()).resume(black_box(1)), NativeState::Yielded(_)));
    });
    group.bench_function("genlet-coro stack-pinned", |b| {
        b.iter(|| {
            matches!(
                pin!(genlet()).resume(black_box(1)),
                genlet_coro::CoroutineState::Yielded(_)
            )
        });
    });
    group.bench_function("native Pin<Box<dyn Coroutine>>", |b| {
        b.iter(|| {
            let mut g: Pin<Box<dyn NativeCoroutine<u64, Yield = u64, Return = u64>>> =
                black_box(Box::pin(native()));
            matches!(g.as_mut().resume(black_box(1)), NativeState::Yielded(_))
        });
    });
    group.bench_function("genlet-coro Pin<Box<dyn Coroutine>>", |b| {
        b.iter(|| {
            let mut g: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
                black_box(Box::pin(genlet()));
            matches!(
                g.as_mut().resume(black_box(1)),
                genlet_coro::CoroutineState::Yielded(_)
            )
        });
    });
    group.finish();
}

criterion_group!(benches, resume);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&[
        ("resume", "native stack-pinned"),
        ("create + first resume + drop", "native stack-pinned"),
    ]);
}

use genlet_bench_support::body::{Machine, genlet};
use genlet_bench_support::ratios;
