//! `Priority` orders the way it reads: `Low < Normal < High`, and the most
//! urgent of several is their maximum.

use genlet_reactor::{Hub, Priority};

#[test]
fn priorities_compare_the_way_they_read() {
    assert!(Priority::High > Priority::Normal);
    assert!(Priority::Normal > Priority::Low);
    assert!(Priority::High > Priority::Low);
    assert_eq!(Priority::default(), Priority::Normal);
    let mut all = [Priority::High, Priority::Low, Priority::Normal];
    all.sort();
    assert_eq!(all, [Priority::Low, Priority::Normal, Priority::High]);
    assert_eq!(all.iter().max(), Some(&Priority::High));
}

#[test]
fn the_greater_priority_runs_first() {
    // No workers: both tasks are ready before the first scheduling point.
    let hub = Hub::builder().workers(0).build().unwrap();
    for (a, b) in [
        (Priority::Low, Priority::High),
        (Priority::Normal, Priority::High),
        (Priority::Low, Priority::Normal),
    ] {
        let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let tasks: Vec<_> = [a, b]
            .into_iter()
            .map(|p| {
                let order = order.clone();
                hub.task()
                    .priority(p)
                    .spawn(async move { order.lock().unwrap().push(p) })
            })
            .collect();
        hub.block_on(async {
            for t in tasks {
                t.await;
            }
        });
        let order = order.lock().unwrap();
        assert_eq!(*order, [a.max(b), a.min(b)]);
    }
}
