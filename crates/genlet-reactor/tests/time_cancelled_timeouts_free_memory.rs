//! A timeout whose future finishes first frees its timer's memory when it is
//! cancelled, not when its tick comes: a million of them leave the hub's
//! memory where it started, one at a time or many at once.
//!
//! Memory is measured by a counting global allocator (this file holds one
//! test, so nothing else allocates meanwhile).

use std::time::Duration;

use futures_lite::future;
use genlet_reactor::{Hub, sleep, timeout};

mod common;

use common::in_use;

/// Allowed growth: far below the ~21 bytes per timeout (21 MB for a million)
/// a table that waited for the ticks would hold.
const SLACK: isize = 256 * 1024;

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn a_million_cancelled_timeouts_leave_memory_where_it_started() {
    let hub = Hub::builder().workers(0).build().unwrap();
    hub.block_on(async {
        // Warm up: the hub's first sleeps allocate what every later one reuses.
        for _ in 0..1000 {
            let _ = timeout(HOUR, future::yield_now()).await;
        }
        let start = in_use();

        // One at a time: each timeout files its sleep (the future is pending
        // once), then the future finishes and the sleep is dropped.
        for _ in 0..1_000_000 {
            let out = timeout(HOUR, future::yield_now()).await;
            assert_eq!(out, Ok(()));
        }
        let after_sequential = in_use();
        assert!(
            after_sequential - start < SLACK,
            "one at a time: {} bytes more after a million",
            after_sequential - start
        );

        // Many at once, over many ticks: each batch files 100,000 sleeps,
        // then drops them all.
        for batch in 0..10u64 {
            let mut sleeps: Vec<_> = (0..100_000u64)
                .map(|i| Box::pin(sleep(HOUR + Duration::from_millis(i % 7919 + batch))))
                .collect();
            for s in &mut sleeps {
                assert!(future::poll_once(s.as_mut()).await.is_none());
            }
            drop(sleeps);
        }
        let after_batches = in_use();
        println!(
            "bytes in use beyond the start: {} after a million one at a time, {} after a million in batches",
            after_sequential - start,
            after_batches - start
        );
        assert!(
            after_batches - start < SLACK,
            "many at once: {} bytes more after a million",
            after_batches - start
        );
    });
}
