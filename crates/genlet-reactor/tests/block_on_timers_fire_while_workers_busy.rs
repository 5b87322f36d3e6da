//! A `block_on` future's sleeps and timeouts fire while every worker is
//! stuck in a long poll: the thread in `block_on` runs the hub's timer
//! driver itself. Before, they waited for a worker to come free (a 50 ms
//! timeout took the whole 2 s of the long poll).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use genlet_reactor::{Hub, sleep, timeout};

#[test]
fn sleeps_in_block_on_fire_while_the_workers_are_busy() {
    for workers in [1, 2] {
        let hub = Hub::builder().workers(workers).build().unwrap();
        for round in 0..20 {
            let done = Arc::new(AtomicBool::new(false));
            let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            // Every worker spins until `done` (or 20 s).
            let spinners: Vec<_> = (0..workers)
                .map(|_| {
                    let (done, started) = (done.clone(), started.clone());
                    hub.spawn(async move {
                        started.fetch_add(1, Ordering::SeqCst);
                        let start = Instant::now();
                        while !done.load(Ordering::SeqCst) {
                            if start.elapsed() > Duration::from_secs(20) {
                                return false;
                            }
                            std::hint::spin_loop();
                        }
                        true
                    })
                })
                .collect();
            // Outside `block_on`: the workers take the spinners.
            while started.load(Ordering::SeqCst) < workers {
                std::thread::sleep(Duration::from_millis(1));
            }
            let fired = hub.block_on(async {
                let timed_out =
                    timeout(Duration::from_millis(5), sleep(Duration::from_secs(3600))).await;
                sleep(Duration::from_millis(2)).await;
                done.store(true, Ordering::SeqCst);
                timed_out.is_err()
            });
            assert!(fired, "{workers} workers, round {round}");
            for spinner in spinners {
                assert!(
                    hub.block_on(spinner),
                    "{workers} workers, round {round}: the sleeps waited for a worker"
                );
            }
        }
    }
}
