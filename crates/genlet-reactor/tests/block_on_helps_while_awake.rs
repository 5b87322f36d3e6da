//! On a hub with workers, the thread inside `Hub::block_on` is not woken for
//! the hub's tasks, but it runs the ready ones while it is awake for its own
//! future: a future that spawns a task and awaits it gets it run even when
//! every worker is busy (here: blocked until that very task has run).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use genlet_reactor::{Handle, Hub};

const ROUNDS: usize = 100;

#[test]
fn a_spawned_task_runs_on_the_block_on_thread_while_the_workers_are_busy() {
    let hub = Hub::builder().workers(1).build().unwrap();
    for round in 0..ROUNDS {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let started = Arc::new(AtomicBool::new(false));
        let blocker = hub.spawn({
            let started = started.clone();
            async move {
                started.store(true, Ordering::SeqCst);
                // Holds the only worker until the task below has run.
                rx.recv_timeout(Duration::from_secs(10)).is_ok()
            }
        });
        while !started.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        let out = hub.block_on(async move {
            let task = Handle::current().unwrap().spawn(async move {
                tx.send(()).unwrap();
                7
            });
            task.await
        });
        assert_eq!(out, 7, "round {round}");
        assert!(
            hub.block_on(blocker),
            "round {round}: the task waited for the busy worker"
        );
    }
}
