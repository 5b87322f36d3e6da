//! A `Timeout` cancelled before it fires never fires, including for the
//! steps running under it; one not cancelled fires for every step; clones
//! share the deadline.

use std::time::Duration;

#[test]
fn a_cancelled_timeout_never_fires() {
    genlet::run(async {
        // Every step outlives the deadline. A round whose cancel came after
        // the deadline (the thread descheduled on a loaded machine) proves
        // nothing and is not checked; at least one round must be.
        let mut checked = 0;
        for _ in 0..20 {
            let made = std::time::Instant::now();
            let limit = genlet::Timeout::after(Duration::from_millis(30));
            let l = limit.clone();
            let step =
                genlet::spawn(async move { l.run(genlet::sleep(Duration::from_millis(60))).await });
            limit.cancel();
            if made.elapsed() >= Duration::from_millis(30) {
                step.kill().await;
                continue;
            }
            checked += 1;
            assert!(step.await.unwrap().is_ok());
            assert!(!limit.is_pending() && !limit.is_expired());
            assert!(
                limit
                    .run(genlet::sleep(Duration::from_millis(40)))
                    .await
                    .is_ok()
            );
        }
        assert!(checked > 0, "no round cancelled before its deadline");
    });
}

#[test]
fn an_uncancelled_timeout_fires_for_every_step() {
    genlet::run(async {
        let limit = genlet::Timeout::after(Duration::from_millis(5));
        assert!(limit.is_pending());
        assert!(
            limit
                .run(genlet::sleep(Duration::from_secs(60)))
                .await
                .is_err()
        );
        assert!(
            limit
                .clone()
                .run(genlet::sleep(Duration::from_secs(60)))
                .await
                .is_err()
        );
        assert!(limit.is_expired() && !limit.is_pending());
    });
}
