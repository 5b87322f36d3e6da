//! A `Sleep` beyond what the hub's clock reaches (2^63 nanoseconds, about
//! 292 years) never wakes, on the simulation as on the hub: the two
//! drivers give the same transcript for the same generator.

use std::time::Duration;

use genlet_coro::{Co, Gen};
use genlet_reactor::gen_task::{GenTask, Reply, Request, SimDriver};

fn napper(nap: Duration) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            co.yield_(Request::Sleep(nap)).await;
        },
    ))
}

#[test]
fn the_simulation_never_wakes_a_sleep_beyond_the_clock() {
    let centuries = Duration::from_secs(400 * 365 * 86_400);
    let mut sim = SimDriver::new();
    sim.spawn(napper(centuries));
    sim.spawn(napper(Duration::MAX));
    // Within reach: wakes, the clock jumping there.
    let decades = Duration::from_secs(100 * 365 * 86_400);
    sim.spawn(napper(decades));
    sim.run();
    let transcripts = sim.transcripts();
    assert!(
        transcripts.first().is_none_or(Vec::is_empty),
        "{transcripts:?}"
    );
    assert!(
        transcripts.get(1).is_none_or(Vec::is_empty),
        "{transcripts:?}"
    );
    assert_eq!(transcripts[2].len(), 1);
    assert_eq!(sim.now(), decades);
}
