//! The blocking detector also watches the tasks polled by the thread inside
//! `Hub::block_on`, not only the workers': a task that blocks there is
//! reported by the name given through the task builder, with that thread's
//! name.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use genlet_reactor::{BlockingReport, Hub, spawn_local};

/// A hub without workers (so only the `block_on` thread polls tasks) whose
/// reports arrive on the returned channel.
fn watched_hub() -> (Hub, mpsc::Receiver<BlockingReport>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let hub = Hub::builder()
        .workers(0)
        .detect_blocking(Duration::from_millis(20))
        .on_blocking(move |r| {
            let _ = tx.lock().unwrap().send(r.clone());
        })
        .build()
        .unwrap();
    (hub, rx)
}

/// Blocks the calling thread, without yielding, until `seen` is set (the
/// detector reported it) or a minute passed: however loaded the machine, the
/// monitor gets to look while the poll lasts.
fn block_until(seen: &Mutex<bool>) {
    let start = Instant::now();
    while !*seen.lock().unwrap() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_task_blocking_inside_block_on_is_reported_by_name() {
    let (hub, rx) = watched_hub();
    let seen = Arc::new(Mutex::new(false));
    let s = seen.clone();
    let blocker = hub
        .task()
        .name("blocker")
        .spawn(async move { block_until(&s) });
    let watcher = std::thread::spawn(move || {
        let report = rx.recv_timeout(Duration::from_secs(60));
        *seen.lock().unwrap() = true;
        report
    });
    hub.block_on(blocker);
    let report = watcher.join().unwrap().expect("no report in a minute");
    assert_eq!(report.task(), "blocker");
    let me = std::thread::current();
    assert_eq!(report.worker(), me.name().unwrap_or("<unnamed>"));
    assert!(report.busy_for() >= Duration::from_millis(20));
}

#[test]
fn a_local_task_blocking_inside_block_on_is_reported() {
    let (hub, rx) = watched_hub();
    let seen = Arc::new(Mutex::new(false));
    let s = seen.clone();
    let watcher = std::thread::spawn(move || {
        let report = rx.recv_timeout(Duration::from_secs(60));
        *seen.lock().unwrap() = true;
        report
    });
    hub.block_on(async move { spawn_local(async move { block_until(&s) }).await });
    let report = watcher.join().unwrap().expect("no report in a minute");
    assert_eq!(report.task(), "<unnamed>");
}

#[test]
fn a_task_waiting_inside_block_on_is_not_reported() {
    let (hub, rx) = watched_hub();
    let waiter = hub
        .task()
        .name("waiter")
        .spawn(genlet_reactor::sleep(Duration::from_millis(100)));
    hub.block_on(waiter);
    drop(hub); // joins the monitor
    assert!(rx.try_recv().is_err());
}
