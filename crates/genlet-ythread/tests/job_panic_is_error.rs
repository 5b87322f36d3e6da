//! A panic inside a job comes back to the body as a `JobError` naming the
//! message, under every policy, and the policy keeps running later jobs.

use genlet_ythread::{Apply, Exclusive, Inline, ThreadPool, YieldableThread, drive};

fn panics_then_recovers(apply: impl Apply + 'static) {
    let thread = YieldableThread::spawn(
        |cpu| async move {
            let failed = cpu.run(|| -> u32 { panic!("n must be positive") }).await;
            let owned = cpu.run(|| -> u32 { panic!("{} is too big", 7) }).await;
            let next = cpu.run(|| 5u32).await;
            (failed, owned, next)
        },
        apply,
    )
    .unwrap();
    let (failed, owned, next) = thread.join().expect("the body itself does not panic");
    let failed = failed.unwrap_err();
    assert!(failed.is_panic());
    assert_eq!(failed.panic_message(), Some("n must be positive"));
    assert_eq!(owned.unwrap_err().panic_message(), Some("7 is too big"));
    assert_eq!(next, Ok(5));
}

#[test]
fn inline_panics_come_back_as_errors() {
    panics_then_recovers(Inline);
}

#[test]
fn exclusive_panics_come_back_as_errors() {
    panics_then_recovers(Exclusive::new());
}

#[test]
fn pool_panics_come_back_as_errors_and_its_threads_live_on() {
    let pool = ThreadPool::with_limit(1);
    panics_then_recovers(pool.clone());
    // The same pool, after the panics.
    panics_then_recovers(pool);
}

#[test]
fn panics_on_a_hub_come_back_as_errors() {
    let hub = genlet_reactor::Hub::builder().workers(1).build().unwrap();
    let task = hub.spawn(drive(
        |cpu| async move { cpu.run(|| -> () { panic!("on the pool") }).await },
        ThreadPool::new(),
    ));
    let err = hub.block_on(task).unwrap_err();
    assert_eq!(err.to_string(), "job panicked: on the pool");
}

/// A panic payload whose own destructor panics.
struct PanicsWhenDropped;

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("the payload's destructor panicked");
    }
}

#[test]
fn a_panic_whose_payload_panics_when_dropped_still_comes_back() {
    // Before, the body waited for ever under a pool, and panicked inline.
    let policies: [Box<dyn Apply>; 3] = [
        Box::new(Inline),
        Box::new(Exclusive::new()),
        Box::new(ThreadPool::with_limit(1)),
    ];
    for apply in policies {
        let thread = YieldableThread::spawn(
            |cpu| async move {
                let failed = cpu
                    .run(|| -> u32 { std::panic::panic_any(PanicsWhenDropped) })
                    .await;
                (failed, cpu.run(|| 5u32).await)
            },
            apply,
        )
        .unwrap();
        let (failed, next) = thread.join().expect("the body itself does not panic");
        assert!(failed.unwrap_err().is_panic());
        assert_eq!(next, Ok(5));
    }
}
