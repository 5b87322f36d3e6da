//! `interval` ticks a period apart from its first deadline: a tick taken a
//! little late (within a period) does not push the later ones back, so the
//! ticks do not drift; a tick missed by a whole period is not made up, the
//! next one being a period after the late one was taken.

use std::time::{Duration, Instant};

use futures_lite::{StreamExt, future};
use genlet_reactor::{Hub, interval};

const PERIOD: Duration = Duration::from_millis(200);

#[test]
fn ticks_taken_late_within_a_period_keep_the_beat() {
    for hub in [
        Hub::builder().workers(1).build().unwrap(),
        Hub::new().unwrap(),
    ] {
        let ticks: Vec<Instant> = hub.block_on(async {
            let mut every = interval(PERIOD);
            let mut ticks = Vec::new();
            for _ in 0..5 {
                ticks.push(every.next().await.unwrap());
                // Busy a while after each tick, well within the period.
                std::thread::sleep(PERIOD / 10);
            }
            ticks
        });
        for (k, tick) in ticks.iter().enumerate() {
            assert_eq!(
                *tick - ticks[0],
                PERIOD * k as u32,
                "tick {k} drifted: {ticks:?}"
            );
        }
    }
}

#[test]
fn a_tick_missed_by_a_period_is_not_made_up() {
    let hub = Hub::new().unwrap();
    hub.block_on(async {
        let mut every = interval(PERIOD);
        let first = every.next().await.unwrap();
        // Nobody polls for two and a half periods.
        std::thread::sleep(PERIOD * 5 / 2);
        let late = every.next().await.unwrap();
        assert_eq!(
            late,
            first + PERIOD,
            "the late tick is the one that was due"
        );
        // No burst of the missed ones: the next is a period after the late
        // one was taken (two and a half periods after it was due).
        assert!(future::poll_once(every.next()).await.is_none());
        let next = every.next().await.unwrap();
        assert!(
            next >= late + PERIOD * 2,
            "{:?} after the late one",
            next - late
        );
    });
}
