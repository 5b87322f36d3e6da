//! `spawn_blocking` is sized for blocking I/O, not for cores: ten blocking
//! calls run at once on this 2-core machine (gevent's threadpool runs ten).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[test]
fn ten_blocking_calls_run_at_once() {
    const CALLS: usize = 10;
    let started = Arc::new(AtomicUsize::new(0));
    let calls: Vec<_> = (0..CALLS)
        .map(|_| {
            let started = started.clone();
            genlet::spawn_blocking(move || {
                started.fetch_add(1, Ordering::SeqCst);
                // Blocks until all ten are in (bounded): only possible if
                // they run side by side.
                let deadline = Instant::now() + Duration::from_secs(30);
                while started.load(Ordering::SeqCst) < CALLS && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
                started.load(Ordering::SeqCst)
            })
        })
        .collect();
    let seen = genlet::run(genlet::joinall(calls, None, true, None)).unwrap();
    for (_, saw) in seen.finished {
        assert_eq!(saw.unwrap(), CALLS);
    }
}
