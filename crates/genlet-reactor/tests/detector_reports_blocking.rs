//! The blocking detector reports a task that keeps a worker busy, by name and
//! once per long poll, and stays silent about tasks that merely wait.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use genlet_reactor::{BlockingReport, Hub, sleep};

fn hub_with_reports(threshold: Duration) -> (Hub, Arc<Mutex<Vec<BlockingReport>>>) {
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = reports.clone();
    let hub = Hub::builder()
        .workers(2)
        .thread_name("watched")
        .detect_blocking(threshold)
        .on_blocking(move |r| sink.lock().unwrap().push(r.clone()))
        .build()
        .unwrap();
    (hub, reports)
}

#[test]
fn a_spinning_task_is_reported_once_by_name() {
    let (hub, reports) = hub_with_reports(Duration::from_millis(40));
    let seen = reports.clone();
    let spinner = hub.task().name("spinner").spawn(async move {
        // Busy without yielding, well past the threshold: until the
        // detector reported it (at most a minute), as a fixed spin could end
        // unseen while a loaded machine kept the monitor's thread off the
        // cores; then five thresholds more, in which a detector that
        // reported each check of a long poll would report again.
        let start = Instant::now();
        let spin_for = |d: Duration| {
            let spin = Instant::now();
            while spin.elapsed() < d {
                std::hint::spin_loop();
            }
        };
        while seen.lock().unwrap().is_empty() && start.elapsed() < Duration::from_secs(60) {
            spin_for(Duration::from_millis(1));
        }
        spin_for(Duration::from_millis(200));
    });
    let sleeper = hub.task().name("sleeper").spawn(async {
        sleep(Duration::from_millis(300)).await;
    });
    let (tx, rx) = std::sync::mpsc::channel();
    hub.spawn(async move {
        spinner.await;
        sleeper.await;
        tx.send(()).unwrap();
    })
    .detach();
    rx.recv_timeout(Duration::from_secs(60)).unwrap();
    drop(hub); // joins the monitor too
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = &reports[0];
    assert_eq!(report.task(), "spinner");
    assert!(
        report.worker().starts_with("watched-"),
        "{}",
        report.worker()
    );
    assert!(report.busy_for() >= Duration::from_millis(40));
    assert!(
        report
            .to_string()
            .starts_with("genlet: task 'spinner' has kept worker 'watched-")
    );
}

#[test]
fn waiting_tasks_are_never_reported() {
    let (hub, reports) = hub_with_reports(Duration::from_millis(250));
    let waiters: Vec<_> = (0..20)
        .map(|i| {
            hub.task().name(format!("waiter-{i}")).spawn(async {
                // Waiting twice the threshold in all, in short polls.
                for _ in 0..5 {
                    sleep(Duration::from_millis(100)).await;
                }
            })
        })
        .collect();
    let (tx, rx) = std::sync::mpsc::channel();
    hub.spawn(async move {
        for w in waiters {
            w.await;
        }
        tx.send(()).unwrap();
    })
    .detach();
    rx.recv_timeout(Duration::from_secs(60)).unwrap();
    drop(hub);
    assert!(
        reports.lock().unwrap().is_empty(),
        "{:?}",
        reports.lock().unwrap()
    );
}
