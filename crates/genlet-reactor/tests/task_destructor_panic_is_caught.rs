//! A task whose future panics while it is dropped (cancelled, or the hub
//! dropped under it) does not abort the process: the panic is caught and
//! reported, the future's other locals are dropped, and the hub goes on
//! running tasks. On a one-worker hub and on the default one, 20 rounds each.

use std::future::pending;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use genlet_reactor::{Hub, spawn_local};

const ROUNDS: usize = 20;

/// Panics when dropped.
struct Bomb;

impl Drop for Bomb {
    fn drop(&mut self) {
        panic!("bomb");
    }
}

/// Counts its drops.
struct Count(Arc<AtomicUsize>);

impl Drop for Count {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Keeps the bombs' panic messages out of the test output, and no other.
fn quiet_bombs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&"bomb") {
                default(info);
            }
        }));
    });
}

/// A task that holds a count and a bomb, and never finishes.
fn doomed(dropped: &Arc<AtomicUsize>) -> impl Future<Output = ()> + Send + 'static {
    let count = Count(dropped.clone());
    async move {
        let _count = count;
        let _bomb = Bomb;
        pending::<()>().await;
    }
}

fn hubs() -> [Hub; 2] {
    [
        Hub::builder().workers(1).build().unwrap(),
        Hub::new().unwrap(),
    ]
}

#[test]
fn cancelling_a_task_whose_future_panics_in_drop() {
    quiet_bombs();
    for hub in hubs() {
        for _ in 0..ROUNDS {
            let dropped = Arc::new(AtomicUsize::new(0));
            let task = hub.spawn(doomed(&dropped));
            // Polled once at least, so the bomb is armed.
            hub.block_on(genlet_reactor::yield_now());
            assert_eq!(hub.block_on(task.cancel()), None);
            assert_eq!(dropped.load(Ordering::SeqCst), 1);
            assert_eq!(hub.block_on(hub.spawn(async { 7 })), 7);
        }
    }
}

#[test]
fn dropping_the_handle_of_such_a_task() {
    quiet_bombs();
    for hub in hubs() {
        for _ in 0..ROUNDS {
            let dropped = Arc::new(AtomicUsize::new(0));
            let task = hub.spawn(doomed(&dropped));
            hub.block_on(genlet_reactor::yield_now());
            drop(task);
            // The hub drops the future soon after; other tasks keep running.
            while dropped.load(Ordering::SeqCst) == 0 {
                hub.block_on(genlet_reactor::yield_now());
            }
            assert_eq!(hub.block_on(hub.spawn(async { 8 })), 8);
        }
    }
}

#[test]
fn dropping_a_hub_with_such_tasks() {
    quiet_bombs();
    for round in 0..ROUNDS {
        let dropped = Arc::new(AtomicUsize::new(0));
        let hub = if round % 2 == 0 {
            Hub::builder().workers(1).build().unwrap()
        } else {
            Hub::new().unwrap()
        };
        for _ in 0..3 {
            hub.spawn(doomed(&dropped)).detach();
        }
        hub.block_on(genlet_reactor::yield_now());
        drop(hub);
        assert_eq!(dropped.load(Ordering::SeqCst), 3);
    }
}

#[test]
fn a_local_task_whose_future_panics_in_drop() {
    quiet_bombs();
    for hub in hubs() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let d = dropped.clone();
        let value = hub.block_on(async move {
            let task = spawn_local(doomed(&d));
            genlet_reactor::yield_now().await;
            assert_eq!(task.cancel().await, None);
            spawn_local(async { 9 }).await
        });
        assert_eq!(value, 9);
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
    }
}
