//! At every scheduling point a ready higher-priority task runs before lower
//! ones; lower ones still run under a constant higher-priority load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genlet_reactor::{Hub, Priority, yield_now};

#[test]
fn ready_tasks_run_highest_priority_first() {
    // No worker threads: tasks only run inside `block_on`, so all of them are
    // ready before the first scheduling point.
    let hub = Hub::builder().workers(0).build().unwrap();
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (i, priority) in [Priority::Low, Priority::Normal, Priority::High]
        .into_iter()
        .cycle()
        .take(9)
        .enumerate()
    {
        let order = order.clone();
        tasks.push(hub.task().priority(priority).spawn(async move {
            order.lock().unwrap().push((priority, i));
        }));
    }
    hub.block_on(async {
        for t in tasks {
            t.await;
        }
    });
    let order = order.lock().unwrap();
    let priorities: Vec<Priority> = order.iter().map(|(p, _)| *p).collect();
    // Most urgent first: `Priority` orders High > Normal > Low.
    let mut sorted = priorities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(priorities, sorted, "{order:?}");
    // Within a level, first spawned, first run.
    let lows: Vec<usize> = order
        .iter()
        .filter(|(p, _)| *p == Priority::Low)
        .map(|(_, i)| *i)
        .collect();
    assert_eq!(lows, [0, 3, 6]);
}

#[test]
fn low_priority_is_not_starved_by_a_busy_high_priority_task() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    // Always ready at high priority.
    let busy = hub.task().priority(Priority::High).spawn(async move {
        while !s.load(Ordering::SeqCst) {
            yield_now().await;
        }
    });
    let (tx, rx) = std::sync::mpsc::channel();
    for priority in [Priority::Normal, Priority::Low] {
        let tx = tx.clone();
        hub.task()
            .priority(priority)
            .spawn(async move {
                for _ in 0..10 {
                    yield_now().await;
                }
                tx.send(priority).unwrap();
            })
            .detach();
    }
    let mut finished = vec![
        rx.recv_timeout(Duration::from_secs(30))
            .expect("a lower level starved"),
        rx.recv_timeout(Duration::from_secs(30))
            .expect("a lower level starved"),
    ];
    finished.sort();
    assert_eq!(finished, [Priority::Low, Priority::Normal]);
    stop.store(true, Ordering::SeqCst);
    hub.block_on(busy);
}
