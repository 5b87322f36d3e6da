//! `joinall` (with a timeout and a count), `as_completed`, `killall` and
//! `race` over several greenlets.

use std::time::Duration;

fn sleeper(ms: u64) -> genlet::Greenlet<u64> {
    genlet::spawn(async move {
        genlet::sleep(Duration::from_millis(ms)).await;
        ms
    })
}

#[test]
fn joinall_collects_everything_or_raises_the_first_error() {
    genlet::run(async {
        let joined = genlet::joinall(vec![sleeper(5), sleeper(1)], None, false, None)
            .await
            .unwrap();
        let values: Vec<u64> = joined
            .into_ordered()
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(values, [5, 1]);

        let failing = genlet::task().name("bad").spawn(async { panic!("x") });
        let err = genlet::joinall(vec![sleeper(1), failing], None, true, None)
            .await
            .unwrap_err();
        assert_eq!(err.name(), "bad");
    });
}

#[test]
fn joinall_with_a_timeout_hands_back_the_pending_ones() {
    genlet::run(async {
        // Finished before the join begins, so that how long the machine
        // takes to run it does not decide which list it lands in.
        let quick = sleeper(1);
        quick.wait().await;
        let joined = genlet::joinall(
            vec![quick, sleeper(3_600_000)],
            Some(Duration::from_millis(20)),
            false,
            None,
        )
        .await
        .unwrap();
        assert_eq!(joined.finished.len(), 1);
        assert_eq!(joined.finished[0].0, 0);
        assert_eq!(joined.pending.len(), 1);
        genlet::killall(joined.pending.iter().map(|(_, g)| g)).await;
        assert!(joined.pending.iter().all(|(_, g)| g.is_ready()));
    });
}

#[test]
fn joinall_with_a_count_stops_at_it() {
    genlet::run(async {
        let joined = genlet::joinall(
            vec![
                sleeper(3_600_000),
                sleeper(1),
                sleeper(2),
                sleeper(3_600_000),
            ],
            None,
            false,
            Some(2),
        )
        .await
        .unwrap();
        let mut finished: Vec<usize> = joined.finished.iter().map(|(i, _)| *i).collect();
        finished.sort_unstable();
        assert_eq!(finished, [1, 2]);
        let pending: Vec<usize> = joined.pending.iter().map(|(i, _)| *i).collect();
        assert_eq!(pending, [0, 3]);
        genlet::killall(joined.pending.iter().map(|(_, g)| g)).await;
    });
}

#[test]
fn as_completed_yields_in_completion_order_and_race_kills_the_losers() {
    genlet::run(async {
        // The first greenlet finishes only once the second was yielded, so
        // no sleeps race; yielding them in any other order than their
        // finishing one would leave this waiting: it fails after 30 s.
        let second_seen = std::sync::Arc::new(genlet::Event::new());
        let gate = second_seen.clone();
        let first = genlet::spawn(async move {
            gate.wait().await;
            0
        });
        let mut done = genlet::as_completed(vec![first, sleeper(1)]);
        let mut next = async || {
            genlet::timeout(Duration::from_secs(30), done.next())
                .await
                .expect("the greenlets are yielded as they finish")
        };
        assert_eq!(next().await.unwrap().0, 1);
        second_seen.set();
        assert_eq!(next().await.unwrap().0, 0);
        assert!(next().await.is_none());

        let slow = sleeper(3_600_000);
        let (winner, result) = genlet::race(vec![slow, sleeper(1)]).await.unwrap();
        assert_eq!((winner, result.unwrap()), (1, 1));
    });
}
