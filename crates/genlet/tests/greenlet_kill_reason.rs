//! `kill_with(reason)` delivers its reason to the join and to links;
//! `abort` kills without waiting; a greenlet can abort itself.

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
