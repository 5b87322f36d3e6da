//! A generator is `Send` exactly when its captures and what its body keeps
//! across a yield are `Send` (the compile-fail side is in `tests/ui`); the
//! handle is always `Send + Sync`; a `Send` generator resumes on other threads.

use core::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use genlet_coro::{Co, Coroutine, CoroutineState, Gen};

fn assert_send<T: Send>(_: &T) {}
fn assert_sync<T: Sync>(_: &T) {}

#[test]
fn handle_is_send_and_sync_whatever_its_types() {
    let g = Gen::new(
        |co: Co<Rc<u8>, Rc<u8>, Rc<u8>>, _first: Rc<u8>| async move {
            fn check<T: Send + Sync>(_: &T) {}
            check(&co);
        },
    );
    drop(g);
}

#[test]
fn a_local_rc_dropped_before_the_yield_keeps_it_send() {
    let g = Gen::new(|co: Co<u32>, ()| async move {
        let n = {
            let rc = Rc::new(5);
            *rc
        };
        co.yield_(n).await;
    });
    assert_send(&g);
    assert_sync(&g);
}

#[test]
fn send_generator_moves_between_threads_mid_iteration() {
    let shared = Arc::new(Mutex::new(Vec::new()));
    let log = shared.clone();
    let mut g = Box::pin(Gen::new(move |co: Co<u32, u32>, mut x: u32| async move {
        loop {
            log.lock().unwrap().push(x);
            x = co.yield_(x + 1).await;
        }
    }));
    assert_eq!(g.as_mut().resume(1), CoroutineState::Yielded(2));
    let mut g = std::thread::spawn(move || {
        assert_eq!(g.as_mut().resume(10), CoroutineState::Yielded(11));
        g
    })
    .join()
    .unwrap();
    assert_eq!(Pin::as_mut(&mut g).resume(20), CoroutineState::Yielded(21));
    assert_eq!(*shared.lock().unwrap(), [1, 10, 20]);
}
