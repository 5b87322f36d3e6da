//! A deadline that has passed ends a sleep at once, however long ago it
//! was: in a hub, on a worker, and outside any hub, including one further
//! back than the 292 years a deadline is stored exactly for.

use std::time::{Duration, Instant};

use genlet_reactor::{Hub, sleep_until, timeout};

/// As far back as `Instant` reaches from now, give or take, and a few
/// ordinary past instants.
fn passed_deadlines() -> Vec<Instant> {
    let mut far = Instant::now();
    let mut step = Duration::from_secs(u64::MAX / 4);
    while step > Duration::from_secs(1) {
        if let Some(earlier) = far.checked_sub(step) {
            far = earlier;
        } else {
            step /= 2;
        }
    }
    let now = Instant::now();
    let mut passed = vec![far, now];
    passed.extend(now.checked_sub(Duration::from_secs(3600)));
    passed.extend(now.checked_sub(Duration::from_secs(300 * 365 * 86_400)));
    passed
}

#[test]
fn a_passed_deadline_ends_the_sleep_at_once() {
    let hub = Hub::builder().workers(1).build().unwrap();
    for deadline in passed_deadlines() {
        let sleep = sleep_until(deadline);
        assert!(
            sleep.deadline().is_some_and(|d| d <= Instant::now()),
            "{deadline:?}"
        );
        let long = Duration::from_secs(60);
        assert_eq!(
            hub.block_on(timeout(long, sleep_until(deadline))),
            Ok(()),
            "{deadline:?}"
        );
        let task = hub.spawn(timeout(long, sleep_until(deadline)));
        assert_eq!(hub.block_on(task), Ok(()), "{deadline:?}");
        let outside = futures_lite::future::block_on(timeout(long, sleep_until(deadline)));
        assert_eq!(outside, Ok(()), "{deadline:?}");
    }
}
