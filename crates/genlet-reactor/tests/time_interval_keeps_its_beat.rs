//! `interval` ticks a period apart from its first deadline: a tick taken a
//! little late (within a period) does not push the later ones back, so the
//! ticks do not drift; a tick missed by a whole period is not made up, the
//! next one being a period after the late one was taken.

use std::time::Duration;

use futures_lite::StreamExt;
use genlet_reactor::{Hub, interval};

const PERIOD: Duration = Duration::from_millis(200);

#[test]
fn ticks_taken_late_within_a_period_keep_the_beat() {
    for hub in [
        Hub::builder().workers(1).build().unwrap(),
        Hub::new().unwrap(),
    ] {
        // A round in which a loaded machine kept this thread away until a
        // tick was a whole period late (so it was right not to keep the
        // beat) is tried again, up to 10 times.
        let kept = (0..10).any(|_| {
            let (ticks, late) = hub.block_on(async {
                let mut every = interval(PERIOD);
                let (mut ticks, mut late) = (Vec::new(), Duration::ZERO);
                for _ in 0..5 {
                    let tick = every.next().await.unwrap();
                    ticks.push(tick);
                    // Busy a while after each tick, well within the period.
                    std::thread::sleep(PERIOD / 10);
                    late = late.max(tick.elapsed());
                }
                (ticks, late)
            });
            if late >= PERIOD {
                return false;
            }
            for (k, tick) in ticks.iter().enumerate() {
                assert_eq!(
                    *tick - ticks[0],
                    PERIOD * k as u32,
                    "tick {k} drifted: {ticks:?}"
                );
            }
            true
        });
        assert!(kept, "every round had a tick a period late");
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
        // No burst of the missed ones (the next would then be due a period
        // after the late one): the next is a period after the late one was
        // taken, two and a half periods after it was due.
        let next = every.next().await.unwrap();
        assert!(
            next >= late + PERIOD * 2,
            "{:?} after the late one",
            next - late
        );
    });
}
