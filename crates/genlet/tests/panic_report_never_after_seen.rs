//! A panic returned to a caller (through `join`, `get`, `Pool::apply`,
//! `map`, `joinall`, `error`) is never reported again by the panic hook,
//! including when its group or pool is dropped without being joined. (One
//! test in this file: the hook is global.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn seen_panics_are_never_reported() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    genlet::set_panic_hook(move |err| log.lock().unwrap().push(err.to_string()));
    for _ in 0..50 {
        genlet::run(async {
            // Pool::apply returns the panic; the pool is dropped unjoined.
            let pool = genlet::Pool::new(2);
            assert!(pool.apply(async { panic!("apply") }).await.is_err());
            drop(pool);

            // map returns the first panic; the group is dropped unjoined.
            let group = genlet::Group::new();
            let err = group
                .map([1, 2], |i| async move {
                    if i == 1 {
                        panic!("map");
                    }
                    i
                })
                .await
                .unwrap_err();
            assert_eq!(err.panic_message(), Some("map"));
            drop(group);

            // Two members that both panic, each joined through its handle,
            // in a group dropped unjoined.
            let group = genlet::Group::new();
            let a = group.spawn(async { panic!("a") });
            let b = group.spawn(async { panic!("b") });
            assert!(a.await.is_err());
            assert!(b.await.is_err());
            drop(group);

            // joinall with raise_error returns it.
            let g = genlet::spawn(async { panic!("joinall") });
            assert!(genlet::joinall(vec![g], None, true, None).await.is_err());

            // get returns it.
            let g = genlet::spawn(async { panic!("get") });
            assert!(g.get(Duration::from_secs(30)).await.is_err());

            // error() shows it; the handle is dropped after.
            let g = genlet::spawn(async { panic!("error") });
            g.wait().await;
            assert!(g.error().is_some());
            drop(g);

            // A group's join returns it; the member's handle is dropped.
            let group = genlet::Group::new();
            drop(group.spawn(async { panic!("group join") }));
            assert!(group.join().await.is_err());
        });
    }
    // Reports happen on the thread that lets go last, before `run` returns
    // or while its future runs: nothing is pending here.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(*seen.lock().unwrap(), Vec::<String>::new());
    genlet::reset_panic_hook();
}
