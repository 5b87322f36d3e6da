//! `Iter`: a generator resumed with `()` is an `Iterator`, fused, keeping the
//! return value.

use core::pin::pin;

use genlet_coro::{Co, Gen, Iter};

#[test]
fn iterates_then_keeps_the_return_value() {
    let g = pin!(Gen::new(|co: Co<u32>, ()| async move {
        let mut n = 0;
        for i in 0..5 {
            co.yield_(i).await;
            n += i;
        }
        n
    }));
    let mut it = Iter::new(g);
    assert_eq!(
        it.by_ref().map(|x| x * 10).collect::<Vec<_>>(),
        [0, 10, 20, 30, 40]
    );
    assert_eq!(it.next(), None, "fused: never resumes a finished generator");
    assert_eq!(it.into_return(), Some(10));
}

#[test]
fn return_value_is_none_before_the_end() {
    let g = pin!(Gen::new(|co: Co<u32>, ()| async move {
        co.yield_(1).await;
        "end"
    }));
    let mut it = Iter::new(g);
    assert_eq!(it.next(), Some(1));
    assert_eq!(it.into_return(), None);
}

#[test]
fn works_with_iterator_adapters_lazily() {
    let g = Box::pin(Gen::new(|co: Co<u64>, ()| async move {
        let mut n = 1u64;
        loop {
            co.yield_(n).await;
            n *= 3;
        }
    }));
    let big: Vec<u64> = Iter::new(g).skip_while(|&n| n < 100).take(2).collect();
    assert_eq!(big, [243, 729]);
}
