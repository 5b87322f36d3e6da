//! One worker stuck in a long poll does not hold up the others: a high
//! priority task, and a sleep's wake-up (the hub's timer driver is a high
//! task), run on the idle worker meanwhile. Before, the busy worker stayed
//! registered with the other levels while it ran a normal task, was the
//! one woken for the next high task, and no other worker was: 19 of 20
//! rounds waited for the long poll to end.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use genlet_reactor::{Hub, Priority, sleep};

/// Spins (a long poll, as a blocking task makes) until `done` is set or
/// `limit` passed; true if `done` was set.
fn spin_until(done: &AtomicBool, limit: Duration) -> bool {
    let start = Instant::now();
    while !done.load(Ordering::SeqCst) {
        if start.elapsed() > limit {
            return false;
        }
        std::hint::spin_loop();
    }
    true
}

#[test]
fn an_idle_worker_runs_high_tasks_and_timers_while_another_is_busy() {
    let hub = Hub::builder().workers(2).build().unwrap();
    for round in 0..200 {
        let done = Arc::new(AtomicBool::new(false));
        // Let both workers go idle first, as in the report.
        hub.block_on(sleep(Duration::from_millis(2)));
        let seen = done.clone();
        let busy = hub.spawn(async move { spin_until(&seen, Duration::from_secs(20)) });
        let setter = done.clone();
        if round % 2 == 0 {
            hub.task()
                .priority(Priority::High)
                .spawn(async move { setter.store(true, Ordering::SeqCst) })
                .detach();
        } else {
            hub.spawn(async move {
                sleep(Duration::from_millis(1)).await;
                setter.store(true, Ordering::SeqCst);
            })
            .detach();
        }
        assert!(
            hub.block_on(busy),
            "round {round}: waited for the long poll"
        );
    }
}
