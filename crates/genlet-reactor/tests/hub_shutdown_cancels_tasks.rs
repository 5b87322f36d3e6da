//! Dropping a hub cancels the tasks it still holds and runs their destructors,
//! including tasks that hold a handle to the hub itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use genlet_reactor::{Handle, Hub};

struct CountDrop(Arc<AtomicUsize>);

impl Drop for CountDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn pending_tasks_are_dropped_with_the_hub() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let hub = Hub::builder().workers(2).build().unwrap();
    for _ in 0..10 {
        let guard = CountDrop(dropped.clone());
        hub.spawn(async move {
            let _guard = guard;
            futures_lite::future::pending::<()>().await;
        })
        .detach();
    }
    for _ in 0..10 {
        // A task keeping a handle to its own hub: no reference cycle.
        let guard = CountDrop(dropped.clone());
        let handle = hub.handle();
        hub.spawn(async move {
            let _guard = guard;
            let _keep = (handle, Handle::current());
            futures_lite::future::pending::<()>().await;
        })
        .detach();
    }
    hub.block_on(genlet_reactor::sleep(std::time::Duration::from_millis(5)));
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    drop(hub);
    assert_eq!(dropped.load(Ordering::SeqCst), 20);
}

#[test]
fn spawning_after_shutdown_gives_a_cancelled_task() {
    let hub = Hub::new().unwrap();
    let handle = hub.handle();
    drop(hub);
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let task = handle.spawn(async move {
        r.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(futures_lite::future::block_on(task.fallible()), None);
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}
