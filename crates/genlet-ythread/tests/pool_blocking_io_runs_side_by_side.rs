//! `ThreadPool::blocking_io` runs many blocking calls at once (more than there are
//! cores); `ThreadPool::new` stays bounded by the cores.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use genlet_ythread::{ThreadPool, YieldableThread};

/// Every call waits until all `n` are inside at once (or gives up after 30 s):
/// true for each call only if they all ran side by side.
fn all_at_once(pool: &ThreadPool, n: usize) -> bool {
    let met = Arc::new((Mutex::new(0usize), Condvar::new()));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let met = met.clone();
            YieldableThread::spawn(
                move |cpu| async move {
                    cpu.run(move || {
                        let (count, cvar) = &*met;
                        let mut inside = count.lock().unwrap();
                        *inside += 1;
                        cvar.notify_all();
                        let (inside, timeout) = cvar
                            .wait_timeout_while(inside, Duration::from_secs(30), |c| *c < n)
                            .unwrap();
                        drop(inside);
                        !timeout.timed_out()
                    })
                    .await
                },
                pool.clone(),
            )
            .unwrap()
        })
        .collect();
    threads.into_iter().all(|t| t.join().unwrap().unwrap())
}

#[test]
fn ten_blocking_calls_run_side_by_side() {
    let pool = ThreadPool::blocking_io();
    assert_eq!(pool.limit(), ThreadPool::BLOCKING_IO_LIMIT);
    const { assert!(ThreadPool::BLOCKING_IO_LIMIT >= 10) };
    for _ in 0..20 {
        assert!(all_at_once(&pool, 10));
    }
}

#[test]
fn the_cpu_pool_is_bounded_by_the_cores() {
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(ThreadPool::new().limit(), cores);
    assert_eq!(ThreadPool::default().limit(), cores);
    assert_eq!(ThreadPool::builder().build().limit(), cores);
}
