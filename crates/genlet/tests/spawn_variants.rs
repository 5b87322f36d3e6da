//! `spawn_later` killed before its delay never runs; `spawn_blocking` runs
//! off the hub, from any thread, and its panics reach `join`; `with_timeout`
//! falls back; a `Timeout` spans several steps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[test]
fn spawn_later_killed_before_its_delay_never_runs() {
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    genlet::run(async move {
        let g = genlet::spawn_later(Duration::from_secs(5), async move {
            r.store(true, Ordering::SeqCst)
        });
        g.kill().await;
        genlet::sleep(Duration::from_millis(100)).await;
        assert!(g.join().await.unwrap_err().is_cancelled());
    });
    assert!(!ran.load(Ordering::SeqCst));
}

#[test]
fn spawn_blocking_runs_off_the_hub_from_any_thread() {
    let g = std::thread::spawn(|| {
        genlet::spawn_blocking(|| std::thread::current().name().map(String::from))
    })
    .join()
    .unwrap();
    let name = genlet::run(g.join()).unwrap();
    assert!(
        !name.as_deref().unwrap_or("").starts_with("genlet-"),
        "ran on {name:?}"
    );

    let failing = genlet::task()
        .name("crunch")
        .spawn_blocking(|| -> u8 { panic!("overflow") });
    let err = genlet::run(failing.join()).unwrap_err();
    assert_eq!(err.to_string(), "greenlet 'crunch' panicked: overflow");
}

#[test]
fn timeouts_are_values_that_a_catch_all_cannot_swallow() {
    genlet::run(async {
        let fallback = genlet::with_timeout(
            Duration::from_millis(5),
            async {
                genlet::sleep(Duration::from_secs(60)).await;
                Ok::<_, std::io::Error>("fresh")
            },
            Ok("stale"),
        )
        .await;
        assert_eq!(fallback.unwrap(), "stale");

        let budget = genlet::Timeout::after(Duration::from_millis(40));
        assert_eq!(budget.run(async { 1 }).await, Ok(1));
        // The step's own errors and the timeout stay apart.
        let step: Result<Result<(), std::io::Error>, genlet::Elapsed> = budget
            .run(async {
                genlet::sleep(Duration::from_secs(60)).await;
                Ok(())
            })
            .await;
        assert!(step.is_err());
    });
}
