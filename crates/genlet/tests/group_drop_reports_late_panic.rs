//! A member that panics while its group is being dropped (its poll was
//! running, so the drop could not cancel it) is still reported through the
//! panic hook, also when a `GroupHandle` waiting for a pool slot keeps the
//! group's state alive past the drop: a panic the group kept for a `join`
//! that can no longer come is never lost. (One test in this file: the hook
//! is global.)

mod common;

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_lite::future;

const ROUNDS: usize = 100;

#[test]
fn a_panic_racing_the_groups_drop_is_reported() {
    // The 200 expected panics, unprinted.
    std::panic::set_hook(Box::new(|_| {}));
    let reported = Arc::new(AtomicUsize::new(0));
    let count = reported.clone();
    genlet::set_panic_hook(move |err| {
        assert!(err.to_string().contains("late"), "{err}");
        count.fetch_add(1, Ordering::SeqCst);
    });
    let mut rounds = 0;
    common::on_each_hub(|hub| {
        for _ in 0..ROUNDS {
            hub.block_on(async {
                let pool = genlet::Pool::new(1);
                let handle = pool.handle();
                let running = Arc::new(AtomicBool::new(false));
                let dropped = Arc::new(AtomicBool::new(false));
                let (started, pool_gone) = (running.clone(), dropped.clone());
                let late = handle.spawn_with(genlet::task().name("late"), async move {
                    started.store(true, Ordering::SeqCst);
                    // Still in this poll when the pool drops: not cancellable.
                    while !pool_gone.load(Ordering::SeqCst) {
                        std::thread::yield_now();
                    }
                    panic!("late");
                });
                drop(late.await);
                // A spawner waiting for the full pool's slot: it holds the
                // pool's state while it waits.
                let mut waiting = pin!(handle.spawn(async {}));
                assert!(future::poll_once(waiting.as_mut()).await.is_none());
                // Blocks this future (no await) until a worker runs the member.
                while !running.load(Ordering::SeqCst) {
                    std::thread::yield_now();
                }
                drop(pool);
                dropped.store(true, Ordering::SeqCst);
                // The late member's slot goes to the waiter, whose member the
                // dropped pool kills before it runs.
                let killed = waiting.await.join().await.unwrap_err();
                assert!(killed.is_cancelled());
            });
            rounds += 1;
        }
    });
    // Each panic is reported once; wait (bounded) for the last ones.
    let deadline = Instant::now() + Duration::from_secs(30);
    while reported.load(Ordering::SeqCst) < rounds && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(20));
    genlet::reset_panic_hook();
    assert_eq!(reported.load(Ordering::SeqCst), rounds);
}
