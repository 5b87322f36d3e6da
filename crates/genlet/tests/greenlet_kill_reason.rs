//! `kill_with(reason)` delivers its reason to the join and to links;
//! `abort` kills without waiting; a greenlet can abort itself.

mod common;

use std::sync::mpsc;
use std::time::Duration;

#[test]
fn the_reason_reaches_the_join_and_the_links() {
    let (tx, rx) = mpsc::channel();
    genlet::run(async {
        let g = genlet::task()
            .name("w")
            .spawn(genlet::sleep(Duration::from_secs(3600)));
        g.link_exception(move |e| tx.send(e.to_string()).unwrap());
        g.kill_with("deploy").await;
        let err = g.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.kill_reason(), Some("deploy"));
    });
    assert_eq!(rx.recv().unwrap(), "greenlet 'w' was killed: deploy");
}

#[test]
fn abort_does_not_wait_and_a_plain_kill_has_no_reason() {
    genlet::run(async {
        let g = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
        g.abort();
        let err = g.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.kill_reason(), None);
        let h = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
        h.kill().await;
        assert_eq!(h.await.unwrap_err().kill_reason(), None);
    });
}

/// A greenlet that kills itself in its first poll, before its spawner has
/// stored its task: the kill is not lost (300 rounds on each hub).
#[test]
fn a_greenlet_that_aborts_itself_at_once_is_killed() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..300 {
                let g = genlet::spawn(async {
                    genlet::current().unwrap().abort_with("at once");
                    genlet::yield_now().await;
                    "ran on"
                });
                let err = genlet::timeout(Duration::from_secs(20), g.join())
                    .await
                    .unwrap()
                    .unwrap_err();
                assert_eq!(err.kill_reason(), Some("at once"), "round {round}");
            }
        });
    });
}

struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("destructor");
    }
}

/// A killed greenlet whose destructor panics still completes (a panic),
/// and its join does not hang.
#[test]
fn a_destructor_that_panics_on_kill_still_completes_the_greenlet() {
    genlet::run(async {
        let armed = std::sync::Arc::new(genlet::Event::new());
        let g = genlet::spawn({
            let armed = armed.clone();
            async move {
                let _bomb = PanicOnDrop;
                armed.set();
                genlet::sleep(Duration::from_secs(3600)).await;
            }
        });
        // Kill it only once it holds the bomb, however late it got to run.
        armed.wait().await;
        g.kill().await;
        let err = genlet::timeout(Duration::from_secs(20), g.join())
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(err.panic_message(), Some("destructor"));
    });
}
