//! A task whose future panics while it is dropped (cancelled, or the hub
//! dropped under it) does not abort the process: the panic is caught and
//! reported, the future's other locals are dropped, and the hub goes on
//! running tasks. On a one-worker hub and on the default one, 20 rounds each.

use std::future::pending;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use genlet_reactor::{Hub, Task, spawn_local};

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

/// A task that holds a count and a bomb, and never finishes; `armed` is
/// set once it holds the bomb (a task cancelled before its first poll never
/// makes one).
fn doomed(
    dropped: &Arc<AtomicUsize>,
    armed: &Arc<AtomicBool>,
) -> impl Future<Output = ()> + Send + 'static {
    let (count, armed) = (Count(dropped.clone()), armed.clone());
    async move {
        let _count = count;
        let _bomb = Bomb;
        armed.store(true, Ordering::SeqCst);
        pending::<()>().await;
    }
}

/// Runs the hub until `armed` is set.
fn arm(hub: &Hub, armed: &AtomicBool) {
    while !armed.load(Ordering::SeqCst) {
        hub.block_on(genlet_reactor::yield_now());
    }
}

/// A [`doomed`] task spawned on `hub` and holding its bomb, and the count
/// of its future's drops.
fn armed_task(hub: &Hub) -> (Task<()>, Arc<AtomicUsize>) {
    let (dropped, armed) = (Arc::new(AtomicUsize::new(0)), Arc::default());
    let task = hub.spawn(doomed(&dropped, &armed));
    arm(hub, &armed);
    (task, dropped)
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
            let (task, dropped) = armed_task(&hub);
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
            let (task, dropped) = armed_task(&hub);
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
        let armed: [Arc<AtomicBool>; 3] = Default::default();
        for armed in &armed {
            hub.spawn(doomed(&dropped, armed)).detach();
        }
        for armed in &armed {
            arm(&hub, armed);
        }
        drop(hub);
        assert_eq!(dropped.load(Ordering::SeqCst), 3);
    }
}

#[test]
fn a_local_task_whose_future_panics_in_drop() {
    quiet_bombs();
    for hub in hubs() {
        let (dropped, armed) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (d, a) = (dropped.clone(), armed.clone());
        let value = hub.block_on(async move {
            let task = spawn_local(doomed(&d, &a));
            while !a.load(Ordering::SeqCst) {
                genlet_reactor::yield_now().await;
            }
            assert_eq!(task.cancel().await, None);
            spawn_local(async { 9 }).await
        });
        assert_eq!(value, 9);
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
    }
}

#[test]
fn spawning_such_a_future_on_a_hub_that_is_gone() {
    quiet_bombs();
    for hub in hubs() {
        let handle = hub.handle();
        drop(hub);
        let dropped = Arc::new(AtomicUsize::new(0));
        let (count, bomb) = (Count(dropped.clone()), Bomb);
        // Dropped unpolled at once: its captured bomb goes off then.
        let task = handle.spawn(async move {
            let _held = (count, bomb);
        });
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
        assert_eq!(futures_lite::future::block_on(task.cancel()), None);
    }
}
