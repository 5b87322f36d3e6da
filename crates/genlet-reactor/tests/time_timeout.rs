//! `timeout` returns the output when the future is in time; otherwise a typed
//! `Elapsed`, after dropping the future (its destructors run first).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use genlet_reactor::{Hub, sleep, timeout};

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn timeout_drops_the_inner_future_before_returning() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let dropped = Arc::new(AtomicBool::new(false));
    let d = dropped.clone();
    let result = hub.block_on(async move {
        let slow = async move {
            let _guard = SetOnDrop(d);
            sleep(Duration::from_secs(3600)).await;
            "never"
        };
        let result = timeout(Duration::from_millis(5), slow).await;
        // Already dropped when `timeout` returns.
        (result, dropped.load(Ordering::SeqCst))
    });
    assert!(
        result.1,
        "the inner future was dropped before timeout returned"
    );
    let err = result.0.unwrap_err();
    assert_eq!(err.duration(), Duration::from_millis(5));
}

#[test]
fn a_future_in_time_gives_its_output() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let out = hub.block_on(timeout(Duration::from_secs(3600), async {
        sleep(Duration::from_millis(1)).await;
        42
    }));
    assert_eq!(out, Ok(42));
}
