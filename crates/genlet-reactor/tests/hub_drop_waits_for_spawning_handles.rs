//! Dropping the hub runs the destructors of the tasks left before it
//! returns, even while another thread is spawning through a `Handle`: that
//! spawn holds the hub's state for its instant, and must not be the one to
//! drop it (with every task left) after `Hub::drop` returned.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use genlet_reactor::Hub;

const ROUNDS: usize = 100;
const TASKS: usize = 100;

/// Counts its drop.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn race(workers: Option<usize>) {
    for round in 0..ROUNDS {
        let mut builder = Hub::builder();
        if let Some(workers) = workers {
            builder = builder.workers(workers);
        }
        let hub = builder.build().unwrap();
        let dropped = Arc::new(AtomicUsize::new(0));
        for _ in 0..TASKS {
            let guard = Counted(dropped.clone());
            hub.spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            })
            .detach();
        }
        let stop = Arc::new(AtomicBool::new(false));
        let spawning = Arc::new(AtomicBool::new(false));
        let spawner = {
            let (handle, stop, spawning) = (hub.handle(), stop.clone(), spawning.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    handle.spawn(async {}).detach();
                    spawning.store(true, Ordering::Relaxed);
                }
            })
        };
        while !spawning.load(Ordering::Relaxed) {
            thread::yield_now();
        }
        drop(hub);
        let seen = dropped.load(Ordering::SeqCst);
        stop.store(true, Ordering::Relaxed);
        spawner.join().unwrap();
        assert_eq!(seen, TASKS, "round {round}, workers {workers:?}");
    }
}

#[test]
fn drop_runs_destructors_while_a_handle_spawns_without_workers() {
    race(Some(0));
}

#[test]
fn drop_runs_destructors_while_a_handle_spawns_on_one_worker() {
    race(Some(1));
}

#[test]
fn drop_runs_destructors_while_a_handle_spawns_on_the_default_hub() {
    race(None);
}
