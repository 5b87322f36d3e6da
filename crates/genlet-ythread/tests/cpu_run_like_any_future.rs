//! `Cpu::run` is a future like any other, under every policy: it can time
//! out, lose a `select`, or be awaited beside another in a `join`, and the
//! body's next `run` still works; every job handed over runs once or not at
//! all. The races run hundreds of rounds on a one-worker hub and the default
//! hub.

mod common;

use std::time::Duration;

use common::Deferred;
use futures_lite::future;
use genlet_reactor::{Hub, sleep, timeout};
use genlet_ythread::{Apply, Exclusive, Inline, ThreadPool, drive};

/// Runs `scenario` under each policy, on a one-worker hub and the default.
fn each_policy_and_hub(scenario: impl Fn(&Hub, &str, Box<dyn Apply>)) {
    for hub in [
        Hub::builder().workers(1).build().unwrap(),
        Hub::new().unwrap(),
    ] {
        scenario(&hub, "inline", Box::new(Inline));
        scenario(&hub, "exclusive", Box::new(Exclusive::new()));
        scenario(&hub, "pool", Box::new(ThreadPool::new()));
        scenario(&hub, "deferred", Box::new(Deferred::new()));
    }
}

#[test]
fn a_run_that_timed_out_leaves_the_next_run_working() {
    each_policy_and_hub(|hub, policy, apply| {
        let (first, second) = hub.block_on(drive(
            |cpu| async move {
                let first = timeout(Duration::ZERO, cpu.run(|| 1)).await;
                (first, cpu.run(|| 2).await)
            },
            apply,
        ));
        // Inline and Exclusive run the job within the first poll.
        assert!(matches!(first, Ok(Ok(1)) | Err(_)), "{policy}: {first:?}");
        assert_eq!(second, Ok(2), "{policy}");
    });
}

#[test]
fn a_run_that_lost_a_select_leaves_the_next_run_working() {
    each_policy_and_hub(|hub, policy, apply| {
        let (raced, next) = hub.block_on(drive(
            |cpu| async move {
                let slow = async {
                    cpu.run(|| std::thread::sleep(Duration::from_millis(5)))
                        .await
                        .map(|()| "job")
                };
                let raced = future::or(slow, async { Ok("ready") }).await;
                (raced, cpu.run(|| 3).await)
            },
            apply,
        ));
        assert!(matches!(raced, Ok("job" | "ready")), "{policy}: {raced:?}");
        assert_eq!(next, Ok(3), "{policy}");
    });
}

#[test]
fn two_runs_in_one_join_both_complete() {
    each_policy_and_hub(|hub, policy, apply| {
        let both = hub.block_on(drive(
            |cpu| async move { future::zip(cpu.run(|| 1), cpu.run(|| 2)).await },
            apply,
        ));
        assert_eq!(both, (Ok(1), Ok(2)), "{policy}");
    });
}

#[test]
fn runs_that_become_ready_together_all_complete() {
    // Two sub-requests that each sleep, then run a job: often both wake in
    // one poll of the body (70 of 200 rounds panicked on a pool before).
    each_policy_and_hub(|hub, policy, apply| {
        let apply: std::sync::Arc<dyn Apply> = apply.into();
        for round in 0..200u64 {
            let apply = apply.clone();
            let task = hub.spawn(drive(
                move |cpu| async move {
                    let part = |n: u64| async move {
                        sleep(Duration::from_micros(500 + (round * n) % 700)).await;
                        cpu.run(move || n * 10).await
                    };
                    future::zip(part(1), part(2)).await
                },
                apply,
            ));
            assert_eq!(
                hub.block_on(task),
                (Ok(10), Ok(20)),
                "{policy}, round {round}"
            );
        }
    });
}
