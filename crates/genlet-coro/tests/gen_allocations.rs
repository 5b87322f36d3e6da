//! Resuming never allocates; a generator pinned on the stack never allocates;
//! the boxed form allocates once, for the box.

use core::pin::pin;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use genlet_coro::{Co, Coroutine, CoroutineState, Gen, Generator, Interrupt};

/// Counts the allocations made by the current thread.
struct Counting;

std::thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

async fn body(co: Co<u64, u64, u64>, first: u64) -> u64 {
    let mut acc = first;
    loop {
        match co.yield_(acc).catch().await {
            Ok(0) | Err(Interrupt::Close) => return acc,
            Ok(v) => acc += v,
            Err(Interrupt::Throw(e)) => acc -= e,
        }
    }
}

#[test]
fn stack_pinned_generator_never_allocates() {
    let n = allocations_in(|| {
        let mut g = pin!(Gen::new(body));
        for i in 1..=1000 {
            assert!(matches!(g.as_mut().resume(i), CoroutineState::Yielded(_)));
        }
        assert!(g.as_mut().throw(1).is_ok());
        assert_eq!(g.as_mut().close().map(|v| v.is_some()), Ok(true));
    });
    assert_eq!(n, 0);
}

#[test]
fn boxed_generator_allocates_once() {
    let mut g = None;
    let n = allocations_in(|| g = Some(Box::pin(Gen::new(body))));
    assert_eq!(n, 1);
    let mut g = g.unwrap();
    let n = allocations_in(|| {
        for i in 1..=1000 {
            g.as_mut().resume(i);
        }
    });
    assert_eq!(n, 0);
}

#[test]
fn delegation_does_not_allocate_per_resume() {
    let mut g = pin!(Gen::new(|co: Co<u64, u64, u64>, first: u64| async move {
        co.yield_from(Gen::new(body), first).await
    }));
    g.as_mut().resume(1);
    let n = allocations_in(|| {
        for i in 1..=1000 {
            g.as_mut().resume(i);
        }
    });
    assert_eq!(n, 0);
}
