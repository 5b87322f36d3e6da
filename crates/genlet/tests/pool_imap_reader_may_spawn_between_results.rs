//! An `Imap` over a full pool never holds a slot it does not use: the item
//! that waits for one is spawned the moment it gets it, whether or not the
//! reader polls meanwhile. So a reader may spawn into the same pool between
//! two results, or after a `next` it gave up on, without waiting for ever
//! behind its own `Imap` (a pool of one: the slot is all there is).

use std::sync::Arc;
use std::time::Duration;

use futures_lite::StreamExt;

/// Three items, each waiting for `gate` before it finishes.
fn imap(pool: &genlet::Pool, gate: &Arc<genlet::Event>) -> genlet::Imap<u32> {
    let gate = gate.clone();
    pool.imap_unordered(0..3, move |i| {
        let gate = gate.clone();
        async move {
            gate.wait().await;
            i
        }
    })
}

#[test]
fn a_reader_spawns_into_the_pool_between_two_results() {
    genlet::run(async {
        let pool = Arc::new(genlet::Pool::new(1));
        let gate = Arc::new(genlet::Event::new());
        gate.set();
        let mut results = imap(&pool, &gate);
        assert!(results.next().await.is_some());
        let member = genlet::timeout(Duration::from_secs(30), pool.spawn(async { 7 }))
            .await
            .expect("the slot was not left idle");
        assert_eq!(member.join().await.unwrap(), 7);
        assert_eq!(results.count().await, 2);
    });
}

#[test]
fn a_reader_spawns_into_the_pool_after_giving_up_on_a_result() {
    genlet::run(async {
        let pool = Arc::new(genlet::Pool::new(1));
        let gate = Arc::new(genlet::Event::new());
        let mut results = imap(&pool, &gate);
        // Gives up while the second item waits for the slot the first holds
        // (the first cannot finish: its gate opens only after the timeout).
        assert!(
            genlet::timeout(Duration::from_millis(1), results.next())
                .await
                .is_err()
        );
        gate.set();
        let member = genlet::timeout(Duration::from_secs(30), pool.spawn(async { 7 }))
            .await
            .expect("the slot was not left idle");
        assert_eq!(member.join().await.unwrap(), 7);
        assert_eq!(results.count().await, 3);
    });
}
