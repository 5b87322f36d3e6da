//! `Duration::MAX` (and any duration too long for an `Instant`) means "no
//! limit" everywhere the facade takes a duration: never a panic.

use std::time::Duration;

use futures_lite::StreamExt;

#[test]
fn every_duration_taking_api_accepts_duration_max() {
    genlet::run(async {
        // Limits that never fire.
        assert_eq!(genlet::timeout(Duration::MAX, async { 1 }).await, Ok(1));
        assert_eq!(genlet::with_timeout(Duration::MAX, async { 2 }, 0).await, 2);
        assert_eq!(
            genlet::Timeout::after(Duration::MAX).run(async { 3 }).await,
            Ok(3)
        );
        assert_eq!(
            genlet::spawn(async { 4 }).get(Duration::MAX).await.unwrap(),
            4
        );
        let joined = genlet::joinall(
            vec![genlet::spawn(async { 5 })],
            Some(Duration::MAX),
            true,
            None,
        )
        .await
        .unwrap();
        assert_eq!(joined.finished.len(), 1);
        // Waits that never end, cut short from outside.
        assert!(
            genlet::timeout(Duration::from_millis(5), genlet::sleep(Duration::MAX))
                .await
                .is_err()
        );
        let later = genlet::spawn_later(Duration::MAX, async { 6 });
        later.kill().await;
        assert!(!later.is_started());
        let mut every = genlet::interval(Duration::MAX);
        assert!(
            genlet::timeout(Duration::from_millis(5), every.next())
                .await
                .is_err()
        );
        // Servers without limits.
        let server = genlet::StreamServer::builder()
            .first_byte_timeout(Duration::MAX)
            .idle_timeout(Duration::MAX)
            .write_timeout(Duration::MAX)
            .max_lifetime(Duration::MAX)
            .bind("127.0.0.1:0", |_conn, _peer| async {})
            .unwrap();
        assert_eq!(server.stop(Duration::MAX).await, 0);
    });
}
