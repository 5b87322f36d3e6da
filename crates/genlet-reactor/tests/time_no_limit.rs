//! `Duration::MAX`, and any duration that reaches beyond what `Instant` can
//! hold, means "no limit" for `sleep`, `timeout`, `interval` and generator
//! tasks' `Request::Sleep`: never a panic ("overflow when adding duration to
//! instant").

use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use genlet_coro::{Co, Gen};
use genlet_reactor::gen_task::{Reply, Request, SimDriver};
use genlet_reactor::{Hub, interval, sleep, sleep_until, timeout};

/// Durations no `Instant` can be that far from now.
const ENDLESS: [Duration; 3] = [
    Duration::MAX,
    Duration::from_secs(u64::MAX),
    Duration::from_secs(u64::MAX / 2),
];

#[test]
fn an_endless_sleep_never_ends() {
    let hub = Hub::builder().workers(1).build().unwrap();
    for d in ENDLESS {
        assert_eq!(sleep(d).deadline(), None, "{d:?}");
        let raced = hub.block_on(timeout(Duration::from_millis(5), sleep(d)));
        assert!(raced.is_err(), "{d:?}");
        // A spawned task's sleep, on a worker, as well.
        let task = hub.spawn(timeout(Duration::from_millis(5), sleep(d)));
        assert!(hub.block_on(task).is_err(), "{d:?}");
    }
}

#[test]
fn an_endless_timeout_is_no_limit() {
    let hub = Hub::new().unwrap();
    for d in ENDLESS {
        assert_eq!(hub.block_on(timeout(d, async { 7 })), Ok(7));
        let slept = timeout(d, sleep(Duration::from_millis(2)));
        assert_eq!(hub.block_on(slept), Ok(()));
    }
}

#[test]
fn an_endless_interval_never_ticks() {
    let hub = Hub::new().unwrap();
    for d in ENDLESS {
        let mut every = interval(d);
        let tick = hub.block_on(timeout(Duration::from_millis(5), every.next()));
        assert!(tick.is_err(), "{d:?}");
    }
}

#[test]
fn a_distant_deadline_waits() {
    // As far as `Instant` reaches from now, give or take.
    let mut far = Instant::now();
    let mut step = Duration::from_secs(u64::MAX / 4);
    while step > Duration::from_secs(1) {
        if let Some(later) = far.checked_add(step) {
            far = later;
        } else {
            step /= 2;
        }
    }
    let hub = Hub::new().unwrap();
    for deadline in [
        far,
        Instant::now() + Duration::from_secs(100 * 365 * 86_400),
    ] {
        let raced = hub.block_on(timeout(Duration::from_millis(5), sleep_until(deadline)));
        assert!(raced.is_err());
    }
    // The hub still fires ordinary sleeps after filing those.
    hub.block_on(sleep(Duration::from_millis(2)));
}

#[test]
fn outside_a_hub_too() {
    for d in ENDLESS {
        let raced = futures_lite::future::block_on(timeout(Duration::from_millis(5), sleep(d)));
        assert!(raced.is_err(), "{d:?}");
        let within = futures_lite::future::block_on(timeout(d, async { 1 }));
        assert_eq!(within, Ok(1));
    }
}

#[test]
fn a_generator_sleeping_forever_is_never_resumed() {
    let mut sim = SimDriver::new();
    sim.spawn(Box::pin(Gen::new(
        |co: Co<Request, Reply>, _: Reply| async move {
            co.yield_(Request::Sleep(Duration::from_millis(3))).await;
            co.yield_(Request::Sleep(Duration::MAX)).await;
            unreachable!("resumed after sleeping forever");
        },
    )));
    sim.run();
    assert_eq!(sim.now(), Duration::from_millis(3));
    assert_eq!(sim.transcripts()[0].len(), 1);
}

#[test]
fn an_endless_blocking_threshold_reports_nothing_and_shuts_down() {
    let reports = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let r = reports.clone();
    let hub = Hub::builder()
        .workers(1)
        .detect_blocking(Duration::MAX)
        .on_blocking(move |_| {
            r.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let task = hub.task().name("brief").spawn(async {
        std::thread::sleep(Duration::from_millis(5));
    });
    hub.block_on(task);
    drop(hub); // stops and joins the monitor
    assert_eq!(reports.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn a_zero_interval_still_waits_between_ticks() {
    // Before, every poll was ready: a loop over it never let anything else
    // run on its worker.
    let hub = Hub::builder().workers(1).build().unwrap();
    let start = Instant::now();
    let ticks: Vec<Instant> = hub.block_on(interval(Duration::ZERO).take(5).collect());
    assert_eq!(ticks.len(), 5);
    assert!(start.elapsed() >= Duration::from_millis(5));
}
