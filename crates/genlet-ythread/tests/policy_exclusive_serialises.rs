//! `Exclusive` runs at most one job at a time across every thread sharing it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use genlet_ythread::{Exclusive, YieldableThread};

#[test]
fn exclusive_never_runs_two_jobs_at_once() {
    let exclusive = Exclusive::new();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (running, most) = (running.clone(), most.clone());
            YieldableThread::spawn(
                move |cpu| async move {
                    for _ in 0..10 {
                        let (running, most) = (running.clone(), most.clone());
                        cpu.run(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            // Long enough for the other threads to try.
                            std::thread::sleep(Duration::from_micros(200));
                            running.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                        .unwrap();
                    }
                },
                exclusive.clone(),
            )
            .unwrap()
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(most.load(Ordering::SeqCst), 1);
}
