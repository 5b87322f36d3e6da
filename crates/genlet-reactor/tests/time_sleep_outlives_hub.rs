//! A sleep filed in a hub's timer table and kept past the hub's drop still
//! fires: it moves to an async-io timer for the same deadline.
//!
//! Each test needs its sleep still pending when first polled and when its
//! hub has dropped; a loaded machine that lets the deadline pass before
//! then makes the test try again with a sleep ten times as long, instead of
//! failing (or passing without the hand-over it is about).

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use futures_lite::FutureExt;
use futures_lite::future::poll_once;
use genlet_reactor::{Hub, Sleep, sleep};

/// The sleep lengths tried, shortest first.
const LENGTHS_MS: [u64; 3] = [20, 200, 2000];

/// `true` when `fut` completes first; `false` if 30 s pass first (the test
/// then fails instead of hanging).
async fn with_watchdog(fut: impl Future<Output = ()>) -> bool {
    let watchdog = async {
        async_io::Timer::after(Duration::from_secs(30)).await;
        false
    };
    // The watchdog is polled first, so a sleep only completes before it if
    // it was woken on its own.
    watchdog
        .or(async {
            fut.await;
            true
        })
        .await
}

/// A one-worker hub and a sleep of `ms` filed in its table (polled once
/// inside it), with the sleep's deadline; `None` when the sleep was already
/// over at that poll.
fn filed_sleep(ms: u64) -> Option<(Hub, Pin<Box<Sleep>>, Instant)> {
    let hub = Hub::builder().workers(1).build().unwrap();
    let mut nap = Box::pin(sleep(Duration::from_millis(ms)));
    let deadline = nap.deadline().expect("a sleep has a deadline");
    hub.block_on(poll_once(&mut nap))
        .is_none()
        .then_some((hub, nap, deadline))
}

#[test]
fn a_sleep_kept_past_its_hub_still_fires_at_its_deadline() {
    let tried = LENGTHS_MS.iter().any(|&ms| {
        let Some((hub, nap, deadline)) = filed_sleep(ms) else {
            return false;
        };
        drop(hub);
        let late = Instant::now() >= deadline; // the hub may have fired it

        let fired = async_io::block_on(with_watchdog(nap));
        assert!(fired, "the sleep never fired after its hub was dropped");
        assert!(Instant::now() >= deadline);
        !late
    });
    assert!(tried, "every sleep was over before its hub was dropped");
}

#[test]
fn a_sleep_pending_while_its_hub_drops_is_woken_and_still_fires() {
    let tried = LENGTHS_MS.iter().any(|&ms| {
        let Some((hub, mut nap, deadline)) = filed_sleep(ms) else {
            return false;
        };
        let (pending, is_pending) = mpsc::channel();
        // Another thread waits on the sleep: its waker is the one filed in
        // the hub's table when the hub drops.
        let waiter = std::thread::spawn(move || {
            async_io::block_on(async {
                let waiting = poll_once(&mut nap).await.is_none();
                pending.send(waiting).unwrap();
                !waiting || with_watchdog(nap).await
            })
        });
        let waiting = is_pending.recv().unwrap();
        drop(hub);
        let late = Instant::now() >= deadline; // the hub may have fired it
        assert!(
            waiter.join().unwrap(),
            "the waiting sleep was lost with its hub"
        );
        assert!(Instant::now() >= deadline);
        waiting && !late
    });
    assert!(
        tried,
        "every sleep was over before the waiter polled it or the hub dropped"
    );
}
