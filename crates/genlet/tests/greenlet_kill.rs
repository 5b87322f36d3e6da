//! `kill` before the first poll never runs the body, yet links fire; kill
//! of a running greenlet drops its future (destructors run) at its await.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn killed_before_its_first_poll_it_never_runs_but_links_fire() {
    // A hub whose only thread is the one in block_on: nothing runs the
    // greenlet until then.
    let hub = genlet::reactor::Hub::builder().workers(0).build().unwrap();
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let g = genlet::task().on(&hub.handle()).spawn(async move {
        r.store(true, Ordering::SeqCst);
    });
    let (tx, rx) = mpsc::channel();
    g.link(move |result| {
        tx.send(result.as_ref().err().map(|e| e.is_cancelled()))
            .unwrap()
    });
    hub.block_on(g.kill());
    assert!(g.is_ready());
    assert!(!g.is_successful());
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)).unwrap(),
        Some(true)
    );
    assert!(hub.block_on(g.join()).unwrap_err().is_cancelled());
    assert!(
        !ran.load(Ordering::SeqCst),
        "the body of a greenlet killed before it started ran"
    );
}

#[test]
fn kill_drops_a_running_greenlet_at_its_await() {
    let dropped = Arc::new(AtomicBool::new(false));
    let d = dropped.clone();
    genlet::run(async move {
        let (started_tx, started) = async_channel_pair();
        let g = genlet::spawn(async move {
            let _guard = SetOnDrop(d);
            started_tx.set();
            genlet::sleep(Duration::from_secs(3600)).await;
        });
        started.wait().await;
        g.kill().await;
        assert!(g.join().await.unwrap_err().is_cancelled());
    });
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn links_attached_after_completion_fire_at_once() {
    let (tx, rx) = mpsc::channel();
    genlet::run(async move {
        let g = genlet::spawn(async { 5 });
        g.wait().await;
        let (a, b) = (tx.clone(), tx);
        g.link(move |r| a.send(format!("link {}", r.as_ref().unwrap())).unwrap());
        g.link_value(move |v| b.send(format!("value {v}")).unwrap());
        assert_eq!(g.join().await.unwrap(), 5);
    });
    let seen: Vec<String> = rx.try_iter().collect();
    assert_eq!(seen, ["link 5", "value 5"]);
}

/// An `Event` shared between the test and the greenlet.
fn async_channel_pair() -> (Arc<genlet::Event>, Arc<genlet::Event>) {
    let e = Arc::new(genlet::Event::new());
    (e.clone(), e)
}
