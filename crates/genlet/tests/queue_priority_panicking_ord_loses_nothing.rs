//! A priority queue whose items' `Ord` panics loses, miscounts and misorders
//! nothing: the panicking put's item is in and counted (so `task_done` and
//! `join` agree), and a get whose reordering panics takes nothing out; every
//! item still comes out afterwards, the lowest first.

use std::cell::Cell;
use std::cmp::Ordering;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

std::thread_local! {
    /// Set to make the next comparison on this thread panic (once). Per
    /// thread: the tests run side by side, and each compares on its own.
    static PANIC_NEXT: Cell<bool> = const { Cell::new(false) };
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Item(u32);

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        if PANIC_NEXT.with(|p| p.replace(false)) {
            panic!("Ord panics");
        }
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[test]
fn a_panicking_ord_loses_and_miscounts_nothing() {
    let queue = genlet::Queue::priority_unbounded();
    for n in [5, 7, 9] {
        queue.try_put(Item(n)).unwrap();
    }
    // A put whose ordering panics: the item is in, and counted.
    PANIC_NEXT.with(|p| p.set(true));
    assert!(catch_unwind(AssertUnwindSafe(|| queue.try_put(Item(1)))).is_err());
    assert_eq!(queue.len(), 4);
    // A get whose reordering panics: nothing is taken out.
    PANIC_NEXT.with(|p| p.set(true));
    assert!(catch_unwind(AssertUnwindSafe(|| queue.try_get())).is_err());
    assert_eq!(queue.len(), 4);

    assert_eq!(genlet::run(queue.peek()).unwrap().0, 1);
    queue.try_put(Item(3)).unwrap();
    let got: Vec<u32> = std::iter::from_fn(|| queue.try_get())
        .map(|i| i.0)
        .collect();
    assert_eq!(got, [1, 3, 5, 7, 9]);
    for _ in 0..5 {
        queue.task_done().expect("each item put is counted once");
    }
    assert!(queue.task_done().is_err(), "and no more");
    genlet::run(async {
        genlet::timeout(Duration::from_secs(30), queue.join())
            .await
            .expect("join sees every item done");
    });
}

#[test]
fn after_a_panicking_get_the_lowest_still_comes_first() {
    let queue = genlet::Queue::priority_unbounded();
    for n in 1..=8 {
        queue.try_put(Item(n)).unwrap();
    }
    PANIC_NEXT.with(|p| p.set(true));
    assert!(catch_unwind(AssertUnwindSafe(|| queue.try_get())).is_err());
    let got: Vec<u32> = std::iter::from_fn(|| queue.try_get())
        .map(|i| i.0)
        .collect();
    assert_eq!(got, [1, 2, 3, 4, 5, 6, 7, 8]);
}
