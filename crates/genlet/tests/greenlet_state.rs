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
/// thread's queries meanwhile never block, and still see a finished,
/// successful greenlet (its value is out with the link for that moment).
#[test]
fn queries_while_a_late_link_runs_see_a_finished_greenlet() {
    for round in 0..50 {
        let g = genlet::run(async {
            let g = genlet::spawn(async { 5u32 });
            g.wait().await;
            g
        });
        let g = std::sync::Arc::new(g);
        let (running_tx, running_rx) = std::sync::mpsc::channel::<()>();
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        let observer = {
            let g = g.clone();
            std::thread::spawn(move || {
                running_rx.recv().unwrap();
                let seen = (
                    g.is_ready(),
                    g.is_successful(),
                    g.error().is_none(),
                    g.value(),
                );
                seen_tx.send(seen).unwrap();
            })
        };
        let (inside_tx, inside_rx) = std::sync::mpsc::channel();
        let me = g.clone();
        g.link(move |result| {
            running_tx.send(()).unwrap();
            // The observer queries while this link holds the result.
            let seen = seen_rx.recv().unwrap();
            inside_tx
                .send((*result.as_ref().unwrap(), seen, me.is_successful()))
                .unwrap();
        });
        observer.join().unwrap();
        let (value, (ready, successful, no_error, lent_value), own) = inside_rx.recv().unwrap();
        assert_eq!(value, 5, "round {round}: the link's argument");
        assert!(
            ready && successful && no_error,
            "round {round}: finished, with a value"
        );
        assert_eq!(lent_value, None, "round {round}: out with the link");
        assert!(own, "round {round}: the link's own query");
        assert_eq!(g.value(), Some(5), "round {round}: back for the others");
    }
}
