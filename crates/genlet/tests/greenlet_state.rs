//! A greenlet's state is readable without consuming its handle (gevent's
//! `started`, `ready`/`dead`, `value`, `exception`), and the handle is
//! awaitable directly.

use std::time::Duration;

#[test]
fn state_reads_leave_the_result_for_join() {
    genlet::run(async {
        let g = genlet::spawn(async { vec![1, 2] });
        g.wait().await;
        assert!(g.is_started() && g.is_ready() && g.is_successful());
        assert_eq!(g.value(), Some(vec![1, 2]));
        assert!(g.error().is_none());
        assert_eq!(g.await.unwrap(), [1, 2]);
    });
}

#[test]
fn a_greenlet_killed_before_it_ran_never_started() {
    genlet::run(async {
        let g = genlet::spawn_later(Duration::from_secs(3600), async { 1 });
        g.kill().await;
        assert!(!g.is_started());
        assert!(g.is_ready() && !g.is_successful());
        assert_eq!(g.value(), None);
        assert!(g.error().unwrap().is_cancelled());
        assert!(g.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn a_panicked_greenlet_shows_its_error() {
    genlet::run(async {
        let g = genlet::task().name("p").spawn(async { panic!("state") });
        g.wait().await;
        let error = g.error().unwrap();
        assert!(error.is_panic());
        assert_eq!(error.panic_message(), Some("state"));
        assert_eq!(g.value(), None::<()>);
        // The original, with its payload, is still there for join.
        let payload = g.await.unwrap_err().into_panic().ok().unwrap();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"state"));
    });
}

#[test]
fn a_running_greenlet_has_no_value_yet() {
    genlet::run(async {
        let gate = std::sync::Arc::new(genlet::Event::new());
        let g = {
            let gate = gate.clone();
            genlet::spawn(async move {
                gate.wait().await;
                3
            })
        };
        assert!(!g.is_ready());
        assert_eq!(g.value(), None);
        assert!(g.error().is_none());
        gate.set();
        assert_eq!(g.await.unwrap(), 3);
    });
}

/// A link added after the end runs with the result lent to it: another
/// thread's queries meanwhile still see a finished greenlet with its value
/// (they wait for the link), and the link itself may query too.
#[test]
fn queries_while_a_late_link_runs_see_the_result() {
    for round in 0..50 {
        let g = genlet::run(async {
            let g = genlet::spawn(async { 5u32 });
            g.wait().await;
            g
        });
        let g = std::sync::Arc::new(g);
        let (running_tx, running_rx) = std::sync::mpsc::channel::<()>();
        let observer = {
            let g = g.clone();
            std::thread::spawn(move || {
                running_rx.recv().unwrap();
                (
                    g.is_ready(),
                    g.is_successful(),
                    g.value(),
                    g.error().is_none(),
                )
            })
        };
        let me = g.clone();
        g.link(move |result| {
            assert_eq!(result.as_ref().ok(), Some(&5));
            running_tx.send(()).unwrap();
            // Give the observer time to query while the result is lent.
            std::thread::sleep(std::time::Duration::from_millis(2));
            assert!(me.is_ready(), "the link's own query answers at once");
        });
        assert_eq!(
            observer.join().unwrap(),
            (true, true, Some(5), true),
            "round {round}"
        );
        assert_eq!(g.value(), Some(5));
    }
}
