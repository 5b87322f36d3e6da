//! A blocking detector whose callback panics keeps watching: the next long
//! polls are still reported (before, its thread died with the first panic
//! and nothing was reported again). A zero threshold is taken as the
//! smallest one, not spun on.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use genlet_reactor::Hub;

/// Keeps its thread busy for `d` without yielding.
fn spin(d: Duration) {
    let start = Instant::now();
    while start.elapsed() < d {
        std::hint::spin_loop();
    }
}

#[test]
fn the_detector_carries_on_after_its_callback_panicked() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let hub = Hub::builder()
        .workers(1)
        .detect_blocking(Duration::from_millis(20))
        .on_blocking(move |report| {
            let reports = {
                let mut seen = sink.lock().unwrap();
                seen.push(report.task().to_string());
                seen.len()
            };
            assert!(reports > 1, "the first report's callback panics");
        })
        .build()
        .unwrap();
    for n in 0..3 {
        // Busy until the detector reported it (at most a minute): a fixed
        // spin could end unseen while a loaded machine kept the monitor's
        // thread off the cores.
        let reported = seen.clone();
        let task = hub.task().name(format!("spinner {n}")).spawn(async move {
            let start = Instant::now();
            while reported.lock().unwrap().len() <= n && start.elapsed() < Duration::from_secs(60) {
                spin(Duration::from_millis(1));
            }
        });
        hub.block_on(task);
    }
    drop(hub); // joins the monitor
    assert_eq!(
        *seen.lock().unwrap(),
        ["spinner 0", "spinner 1", "spinner 2"]
    );
}

#[test]
fn a_zero_threshold_works_as_the_smallest_one() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let hub = Hub::builder()
        .workers(1)
        .detect_blocking(Duration::ZERO)
        .on_blocking(move |report| sink.lock().unwrap().push(report.busy_for()))
        .build()
        .unwrap();
    hub.block_on(hub.spawn(async { spin(Duration::from_millis(100)) }));
    drop(hub);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0] >= Duration::from_millis(1), "{seen:?}");
}
