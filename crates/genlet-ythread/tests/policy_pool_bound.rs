//! `ThreadPool` runs at most `limit` jobs at once, off the bodies' threads, and
//! every job's result reaches its own body.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use genlet_ythread::{ThreadPool, YieldableThread};

#[test]
fn pool_respects_its_limit_and_returns_every_result() {
    let pool = ThreadPool::with_limit(2);
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8u64)
        .map(|t| {
            let (running, most) = (running.clone(), most.clone());
            YieldableThread::spawn(
                move |cpu| async move {
                    let me = std::thread::current().id();
                    let mut results = Vec::new();
                    for i in 0..10u64 {
                        let (running, most) = (running.clone(), most.clone());
                        let (value, ran_on) = cpu
                            .run(move || {
                                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                                most.fetch_max(now, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_micros(200));
                                running.fetch_sub(1, Ordering::SeqCst);
                                (t * 100 + i, std::thread::current().id())
                            })
                            .await
                            .unwrap();
                        assert_ne!(ran_on, me, "a pool job ran on the body's thread");
                        results.push(value);
                    }
                    results
                },
                pool.clone(),
            )
            .unwrap()
        })
        .collect();
    for (t, thread) in threads.into_iter().enumerate() {
        let expected: Vec<u64> = (0..10).map(|i| t as u64 * 100 + i).collect();
        assert_eq!(thread.join().unwrap(), expected);
    }
    let most = most.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&most),
        "{most} jobs ran at once under a limit of 2"
    );
}
