//! A job that uses a `Cpu` (its body's, or one of a body it drives under
//! the same `Exclusive`) panics, and its body gets a `JobError`, under every
//! policy: nothing deadlocks and nothing is run twice.

use genlet_ythread::{Apply, Exclusive, Inline, ThreadPool, YieldableThread, drive};

const OUTSIDE: &str = "used outside the body";

/// A body whose job awaits the body's own `Cpu`.
fn job_uses_the_cpu(apply: impl Apply + 'static) -> String {
    let thread = YieldableThread::spawn(
        |cpu| async move {
            cpu.run(move || futures_lite::future::block_on(cpu.run(|| 1)))
                .await
                .unwrap_err()
                .to_string()
        },
        apply,
    )
    .unwrap();
    thread.join().expect("the body itself does not panic")
}

#[test]
fn a_job_awaiting_its_bodys_cpu_is_an_error_under_every_policy() {
    for message in [
        job_uses_the_cpu(Inline),
        // Before, this one deadlocked on the lock it held.
        job_uses_the_cpu(Exclusive::new()),
        job_uses_the_cpu(ThreadPool::new()),
    ] {
        assert!(message.contains(OUTSIDE), "{message}");
    }
}

#[test]
fn a_job_driving_a_body_under_its_own_exclusive_is_an_error() {
    let exclusive = Exclusive::new();
    let inner = exclusive.clone();
    let thread = YieldableThread::spawn(
        |cpu| async move {
            let nested = cpu
                .run(move || {
                    futures_lite::future::block_on(drive(
                        |cpu| async move { cpu.run(|| 1).await },
                        inner,
                    ))
                })
                .await;
            (nested, cpu.run(|| 2).await)
        },
        exclusive.clone(),
    )
    .unwrap();
    let (nested, next) = thread.join().expect("the body itself does not panic");
    let err = nested.unwrap_err();
    assert!(err.to_string().contains("another turn"), "{err}");
    assert_eq!(next, Ok(2));
    // The lock is free again: another thread gets its turn.
    let other =
        YieldableThread::spawn(|cpu| async move { cpu.run(|| 3).await }, exclusive).unwrap();
    assert_eq!(other.join().unwrap(), Ok(3));
}

#[test]
fn a_job_asking_an_exclusive_it_holds_through_another_is_an_error() {
    // A's job drives a body under B, whose job drives one under A again.
    let (a, b) = (Exclusive::new(), Exclusive::new());
    let (inner_a, inner_b) = (a.clone(), b.clone());
    let thread = YieldableThread::spawn(
        |cpu| async move {
            cpu.run(move || {
                futures_lite::future::block_on(drive(
                    move |cpu| async move {
                        cpu.run(move || {
                            futures_lite::future::block_on(drive(
                                |cpu| async move { cpu.run(|| 1).await },
                                inner_a,
                            ))
                        })
                        .await
                    },
                    inner_b,
                ))
            })
            .await
        },
        a.clone(),
    )
    .unwrap();
    // The middle job's body asked A again: that job (B's) panicked, and the
    // outer job got its error.
    let outer = thread.join().expect("the body itself does not panic");
    let err = outer.expect("the outer job returned").unwrap_err();
    assert!(err.to_string().contains("another turn"), "{err}");
    // Both locks are free again.
    for policy in [a, b] {
        let other =
            YieldableThread::spawn(|cpu| async move { cpu.run(|| 3).await }, policy).unwrap();
        assert_eq!(other.join().unwrap(), Ok(3));
    }
}
