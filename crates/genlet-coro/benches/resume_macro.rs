//! The `generator!` macro form beside the plain `Gen::new` form of the same
//! body (`genlet_bench_support::body`), in one run: resume round trip, and create +
//! first resume + drop. The macro expands to the plain form, so the two should
//! measure the same; a gap is code layout, not the macro.
//!
//! Run with `cargo bench -p genlet-coro --bench resume_macro`. It is a binary
//! of its own so that the macro row does not change the code layout of the
//! main `resume` bench.

use core::hint::black_box;
use core::pin::pin;

use criterion::{Criterion, criterion_group};
use genlet_coro::Coroutine;

genlet_coro::generator! {
    /// The same body as `genlet()`, written with the `generator!` macro.
    fn genlet_macro() -> yield u64, resume(first: u64), return u64 {
        let (mut acc, mut n) = (first, 0u64);
        loop {
            n += 1;
            acc = acc.wrapping_add(yield_!(n));
            if acc == u64::MAX {
                return acc;
            }
        }
    }
}

fn resume(c: &mut Criterion) {
    let mut group = c.benchmark_group("macro form: resume");
    group.bench_function("genlet-coro Gen::new", |b| {
        let mut g = pin!(genlet());
        b.iter(|| g.as_mut().resume(black_box(1)));
    });
    group.bench_function("genlet-coro generator!", |b| {
        let mut g = pin!(genlet_macro());
        b.iter(|| g.as_mut().resume(black_box(1)));
    });
    group.finish();
}

fn create(c: &mut Criterion) {
    let mut group = c.benchmark_group("macro form: create + first resume + drop");
    group.bench_function("genlet-coro Gen::new", |b| {
        b.iter(|| {
            let mut g = pin!(genlet());
            g.as_mut().resume(black_box(1))
        });
    });
    group.bench_function("genlet-coro generator!", |b| {
        b.iter(|| {
            let mut g = pin!(genlet_macro());
            g.as_mut().resume(black_box(1))
        });
    });
    group.finish();
}

criterion_group!(benches, resume, create);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&[
        ("macro form: resume", "genlet-coro Gen::new"),
        (
            "macro form: create + first resume + drop",
            "genlet-coro Gen::new",
        ),
    ]);
}

use genlet_bench_support::body::genlet;
use genlet_bench_support::ratios;
