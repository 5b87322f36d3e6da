//! A wait made while the event is set returns, even when a `clear` comes
//! before its first poll: the wait starts when `wait` is called.

use std::time::Duration;

#[test]
fn a_wait_made_while_set_returns_after_a_clear() {
    genlet::run(async {
        let event = genlet::Event::new();
        event.set();
        let wait = event.wait();
        event.clear();
        genlet::timeout(Duration::from_secs(30), wait)
            .await
            .expect("the wait began while the event was set");
    });
}

#[test]
fn an_iwait_made_while_set_returns_after_a_clear() {
    genlet::run(async {
        let event = genlet::Event::new();
        event.set();
        let mut ready = genlet::iwait([&event]);
        event.clear();
        let first = genlet::timeout(Duration::from_secs(30), ready.next())
            .await
            .expect("the wait began while the event was set");
        assert_eq!(first, Some(0));
    });
}
