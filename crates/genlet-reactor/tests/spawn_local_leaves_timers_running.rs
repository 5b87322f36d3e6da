//! A `spawn_local` task that keeps the `block_on` thread busy does not hold
//! up the hub: a hub task's sleep still fires, on a worker. Before, the
//! thread stayed registered for high priority tasks while it ran local ones,
//! was the one woken for the timer driver, and no idle worker was (10 of 10
//! rounds stuck until the local task gave up).

use std::time::Duration;

use genlet_reactor::{Handle, Hub, sleep, spawn_local};

#[test]
fn a_busy_local_task_leaves_the_hubs_timers_running() {
    for workers in [1, 2] {
        let hub = Hub::builder().workers(workers).build().unwrap();
        for round in 0..50 {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let fired = hub.block_on(async {
                // Everyone idle, this thread the last to register.
                sleep(Duration::from_millis(2)).await;
                let hub = Handle::current().unwrap();
                spawn_local(async move {
                    hub.spawn(async move {
                        sleep(Duration::from_millis(5)).await;
                        let _ = tx.send(());
                    })
                    .detach();
                    // Blocks this thread until the hub task's sleep fired.
                    rx.recv_timeout(Duration::from_secs(20)).is_ok()
                })
                .await
            });
            assert!(fired, "{workers} workers, round {round}");
        }
    }
}
