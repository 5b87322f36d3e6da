//! `spawn_local` runs `!Send` futures on the thread inside `Hub::block_on`,
//! and refuses clearly outside it.

use std::cell::RefCell;
use std::rc::Rc;

use genlet_reactor::{Hub, spawn_local};

#[test]
fn local_tasks_share_non_send_state() {
    let hub = Hub::new().unwrap();
    let log = hub.block_on(async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let tasks: Vec<_> = (0..3)
            .map(|i| {
                let log = log.clone();
                spawn_local(async move {
                    genlet_reactor::yield_now().await;
                    log.borrow_mut().push(i);
                })
            })
            .collect();
        for t in tasks {
            t.await;
        }
        Rc::try_unwrap(log).unwrap().into_inner()
    });
    assert_eq!(log.len(), 3);
}

#[test]
fn spawn_local_outside_block_on_panics_with_a_clear_message() {
    let err = std::panic::catch_unwind(|| spawn_local(async {})).unwrap_err();
    let msg = err.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(msg.contains("outside Hub::block_on"), "{msg}");
}
