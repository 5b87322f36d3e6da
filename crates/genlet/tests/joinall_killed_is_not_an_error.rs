//! `joinall` with `raise_error` counts a killed greenlet as finished, not as
//! an error (gevent counts its `GreenletExit` as a success, as genlet's
//! `Group::join` does): it waits for the others, and reports the kill among
//! the finished. A panic is still raised.

use std::time::Duration;

/// A greenlet that sleeps `ms`, then panics or gives its name.
fn after(ms: u64, name: &'static str, panics: bool) -> genlet::Greenlet<&'static str> {
    genlet::task().name(name).spawn(async move {
        genlet::sleep(Duration::from_millis(ms)).await;
        assert!(!panics, "{name} panics");
        name
    })
}

#[test]
fn a_killed_greenlet_does_not_stop_joinall() {
    genlet::run(async {
        let killed = after(3_600_000, "killed", false);
        killed.kill().await;
        let joined = genlet::joinall(vec![killed, after(20, "late", false)], None, true, None)
            .await
            .expect("a kill is not an error");
        let results = joined
            .into_ordered()
            .unwrap_or_else(|_| panic!("both finished"));
        assert!(results[0].as_ref().unwrap_err().is_cancelled());
        assert_eq!(results[1].as_ref().unwrap(), &"late");
    });
}

#[test]
fn a_panic_is_still_raised_past_a_kill() {
    genlet::run(async {
        let killed = after(3_600_000, "killed", false);
        killed.kill().await;
        let err = genlet::joinall(vec![killed, after(5, "bad", true)], None, true, None)
            .await
            .expect_err("the panic is raised");
        assert!(err.is_panic());
        assert_eq!(err.name(), "bad");
    });
}
