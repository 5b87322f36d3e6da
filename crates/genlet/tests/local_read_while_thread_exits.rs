//! A thread's own `Local` values are dropped when it exits; a destructor
//! that reads or sets a `Local` then finds none (the thread's storage is
//! going), instead of panicking inside thread-local teardown, which aborts
//! the process.

use std::sync::atomic::{AtomicU8, Ordering};

static GUARD: genlet::Local<Guard> = genlet::Local::new();
static OTHER: genlet::Local<u32> = genlet::Local::new();

/// 0: not dropped; 1: dropped, saw a value; 2: dropped, saw none.
static SEEN: AtomicU8 = AtomicU8::new(0);

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        let seen = OTHER.get();
        // Nowhere to keep it: dropped at once.
        let _ = OTHER.set(2);
        SEEN.store(if seen.is_some() { 1 } else { 2 }, Ordering::SeqCst);
    }
}

#[test]
fn a_value_dropped_at_thread_exit_may_use_locals() {
    std::thread::spawn(|| {
        OTHER.set(1);
        GUARD.set(Guard);
        assert_eq!(OTHER.get(), Some(1));
    })
    .join()
    .expect("the thread exited cleanly");
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        2,
        "the guard ran, and saw the thread's values gone"
    );
}
