//! Resume round trip and create + drop cost: genlet-coro beside a hand-written
//! state machine and genawaiter's three flavours, in one run.
//!
//! Every implementation runs the same body (`genlet_bench_support::body`): it adds each
//! resume value into an accumulator and yields a counter.
//!
//! Run with `cargo bench -p genlet-coro --bench resume`; after criterion's own
//! output it prints a table of medians with ratios to genlet-coro. Native
//! nightly coroutines are measured by the `nightly-bench` crate beside this
//! one (`just bench-nightly`).

use core::hint::black_box;
use core::pin::{Pin, pin};
use std::rc::Rc;

use criterion::{Criterion, criterion_group};
use genlet_coro::{Co, Coroutine, CoroutineState, Gen};

type Step = CoroutineState<u64, u64>;

/// The same body holding an `Rc` across its yields: `!Send`.
fn genlet_local() -> impl Coroutine<u64, Yield = u64, Return = u64> {
    Gen::new(|co: Co<u64, u64>, first: u64| async move {
        let acc = Rc::new(core::cell::Cell::new(first));
        let mut n = 0u64;
        loop {
            n += 1;
            acc.set(acc.get().wrapping_add(co.yield_(n).await));
            if acc.get() == u64::MAX {
                return acc.get();
            }
        }
    })
}

mod ga {
    //! The body for genawaiter (which drops the first resume value: #35).
    pub(crate) async fn rc(co: genawaiter::rc::Co<u64, u64>) -> u64 {
        let (mut acc, mut n) = (0u64, 0u64);
        loop {
            n += 1;
            acc = acc.wrapping_add(co.yield_(n).await);
            if acc == u64::MAX {
                return acc;
            }
        }
    }

    pub(crate) async fn sync(co: genawaiter::sync::Co<u64, u64>) -> u64 {
        let (mut acc, mut n) = (0u64, 0u64);
        loop {
            n += 1;
            acc = acc.wrapping_add(co.yield_(n).await);
            if acc == u64::MAX {
                return acc;
            }
        }
    }

    pub(crate) async fn stack(co: genawaiter::stack::Co<'_, u64, u64>) -> u64 {
        let (mut acc, mut n) = (0u64, 0u64);
        loop {
            n += 1;
            acc = acc.wrapping_add(co.yield_(n).await);
            if acc == u64::MAX {
                return acc;
            }
        }
    }
}

fn into_step(s: genawaiter::GeneratorState<u64, u64>) -> Step {
    match s {
        genawaiter::GeneratorState::Yielded(y) => CoroutineState::Yielded(y),
        genawaiter::GeneratorState::Complete(r) => CoroutineState::Complete(r),
    }
}

fn resume(c: &mut Criterion) {
    let mut group = c.benchmark_group("resume");
    group.bench_function("genlet-coro stack-pinned", |b| {
        let mut g = pin!(genlet());
        b.iter(|| g.as_mut().resume(black_box(1)));
    });
    group.bench_function("genlet-coro stack-pinned !Send", |b| {
        let mut g = pin!(genlet_local());
        b.iter(|| g.as_mut().resume(black_box(1)));
    });
    group.bench_function("genlet-coro Pin<Box<dyn Coroutine>>", |b| {
        let mut g: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
            black_box(Box::pin(genlet()));
        b.iter(|| g.as_mut().resume(black_box(1)));
    });
    group.bench_function("hand-written state machine", |b| {
        let mut g = pin!(Machine::default());
        b.iter(|| g.as_mut().resume(black_box(1)));
    });
    group.bench_function("hand-written Pin<Box<dyn Coroutine>>", |b| {
        let mut g: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
            black_box(Box::pin(Machine::default()));
        b.iter(|| g.as_mut().resume(black_box(1)));
    });
    group.bench_function("genawaiter stack", |b| {
        let mut shelf = genawaiter::stack::Shelf::new();
        // SAFETY: the handle does not escape `ga::stack`.
        let mut g = unsafe { genawaiter::stack::Gen::new(&mut shelf, ga::stack) };
        b.iter(|| into_step(g.resume_with(black_box(1))));
    });
    group.bench_function("genawaiter rc", |b| {
        let mut g = genawaiter::rc::Gen::new(ga::rc);
        b.iter(|| into_step(g.resume_with(black_box(1))));
    });
    group.bench_function("genawaiter sync", |b| {
        let mut g = genawaiter::sync::Gen::new(ga::sync);
        b.iter(|| into_step(g.resume_with(black_box(1))));
    });
    group.finish();
}

fn create(c: &mut Criterion) {
    let mut group = c.benchmark_group("create + first resume + drop");
    group.bench_function("genlet-coro stack-pinned", |b| {
        b.iter(|| {
            let mut g = pin!(genlet());
            g.as_mut().resume(black_box(1))
        });
    });
    group.bench_function("genlet-coro Pin<Box<dyn Coroutine>>", |b| {
        b.iter(|| {
            let mut g: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
                black_box(Box::pin(genlet()));
            g.as_mut().resume(black_box(1))
        });
    });
    group.bench_function("hand-written state machine", |b| {
        b.iter(|| {
            let mut g = pin!(Machine::default());
            g.as_mut().resume(black_box(1))
        });
    });
    group.bench_function("genawaiter stack", |b| {
        b.iter(|| {
            let mut shelf = genawaiter::stack::Shelf::new();
            // SAFETY: the handle does not escape `ga::stack`.
            let mut g = unsafe { genawaiter::stack::Gen::new(&mut shelf, ga::stack) };
            into_step(g.resume_with(black_box(1)))
        });
    });
    group.bench_function("genawaiter rc", |b| {
        b.iter(|| into_step(genawaiter::rc::Gen::new(ga::rc).resume_with(black_box(1))));
    });
    group.bench_function("genawaiter sync", |b| {
        b.iter(|| into_step(genawaiter::sync::Gen::new(ga::sync).resume_with(black_box(1))));
    });
    group.finish();
}

criterion_group!(benches, resume, create);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&[
        ("resume", "genlet-coro stack-pinned"),
        ("create + first resume + drop", "genlet-coro stack-pinned"),
    ]);
}

use genlet_bench_support::body::{Machine, genlet};
use genlet_bench_support::ratios;
