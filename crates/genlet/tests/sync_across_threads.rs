//! `Event`, `AsyncResult`, `BoundedSemaphore`, `Semaphore` and `Lock` work
//! between greenlets and plain OS threads.

use std::sync::Arc;
use std::time::Duration;

#[test]
fn an_event_set_from_a_thread_wakes_greenlets_and_threads() {
    let event = Arc::new(genlet::Event::new());
    let waiters: Vec<_> = (0..3)
        .map(|i| {
            let e = event.clone();
            genlet::spawn(async move {
                e.wait().await;
                i
            })
        })
        .collect();
    let e = event.clone();
    let thread_waiter = std::thread::spawn(move || e.wait_blocking());
    std::thread::spawn({
        let e = event.clone();
        move || e.set()
    })
    .join()
    .unwrap();
    let joined = genlet::run(genlet::joinall(
        waiters,
        Some(Duration::from_secs(30)),
        true,
        None,
    ))
    .unwrap();
    assert_eq!(joined.finished.len(), 3);
    thread_waiter.join().unwrap();
}

#[test]
fn an_async_result_is_delivered_once_to_many_readers() {
    let result = Arc::new(genlet::AsyncResult::<String, String>::new());
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let r = result.clone();
            genlet::spawn(async move { r.get().await })
        })
        .collect();
    let r = result.clone();
    std::thread::spawn(move || r.set_exception("failed upstream".into()).unwrap())
        .join()
        .unwrap();
    for reader in readers {
        assert_eq!(
            genlet::run(reader.join()).unwrap(),
            Err("failed upstream".to_string())
        );
    }
    assert!(result.set("late".into()).is_err());
    assert_eq!(result.get_blocking(), Err("failed upstream".to_string()));
}

#[test]
fn a_bounded_semaphore_refuses_over_release() {
    let sem = Arc::new(genlet::BoundedSemaphore::new(2));
    assert!(sem.release().is_err(), "nothing was acquired");
    let s = sem.clone();
    std::thread::spawn(move || genlet::run(s.acquire()))
        .join()
        .unwrap();
    assert_eq!(sem.available_permits(), 1);
    sem.release().unwrap();
    assert_eq!(
        sem.release().unwrap_err().to_string(),
        "semaphore released beyond its bound of 2"
    );
}

#[test]
fn a_lock_is_shared_by_greenlets_and_threads() {
    let total = Arc::new(genlet::Lock::new(0u64));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let t = total.clone();
            std::thread::spawn(move || {
                for _ in 0..1000 {
                    *t.lock_blocking() += 1;
                }
            })
        })
        .collect();
    let greenlets: Vec<_> = (0..2)
        .map(|_| {
            let t = total.clone();
            genlet::spawn(async move {
                for _ in 0..1000 {
                    *t.lock().await += 1;
                }
            })
        })
        .collect();
    for g in greenlets {
        genlet::run(g.join()).unwrap();
    }
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*total.lock_blocking(), 4000);
}
