#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]
use core::hint::black_box;
use core::ops::{Coroutine, CoroutineState};
use core::pin::{Pin, pin};

#[inline(never)]
fn step<G: Coroutine<u64, Yield = u64, Return = u64>>(g: Pin<&mut G>) -> CoroutineState<u64, u64> {
    g.resume(black_box(1))
}

fn main() {
    let mut g = pin!(#[coroutine] |first: u64| {
        let (mut acc, mut n) = (first, 0u64);
        loop {
            n += 1;
            acc = acc.wrapping_add(yield n);
            if acc == u64::MAX { return acc; }
        }
    });
    let mut s = 0;
    for _ in 0..100 { if let CoroutineState::Yielded(y) = step(g.as_mut()) { s += y } }
    println!("{s}");
}
