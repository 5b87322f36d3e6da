//! Cancelling a task drops its future (its destructors run) and it is never
//! polled again: `cancel().await` waits for that; dropping the `Task` lets the
//! hub do it soon after. `detach` keeps it running instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use genlet_reactor::{Hub, sleep};

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn cancel_waits_until_the_future_is_dropped() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let dropped = Arc::new(AtomicBool::new(false));
    let polls = Arc::new(AtomicUsize::new(0));
    let (d, p) = (dropped.clone(), polls.clone());
    let task = hub.spawn(async move {
        let _guard = SetOnDrop(d);
        loop {
            p.fetch_add(1, Ordering::SeqCst);
            sleep(Duration::from_millis(1)).await;
        }
    });
    hub.block_on(sleep(Duration::from_millis(10)));
    assert_eq!(hub.block_on(task.cancel()), None);
    assert!(dropped.load(Ordering::SeqCst));
    let after = polls.load(Ordering::SeqCst);
    hub.block_on(sleep(Duration::from_millis(10)));
    assert_eq!(
        polls.load(Ordering::SeqCst),
        after,
        "never polled after cancellation"
    );
}

#[test]
fn dropping_a_task_drops_its_future_on_the_hub() {
    struct Signal(Option<std::sync::mpsc::Sender<()>>);
    impl Drop for Signal {
        fn drop(&mut self) {
            let _ = self.0.take().unwrap().send(());
        }
    }
    let hub = Hub::builder().workers(1).build().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let task = hub.spawn(async move {
        let _signal = Signal(Some(tx));
        futures_lite::future::pending::<()>().await;
    });
    hub.block_on(sleep(Duration::from_millis(5)));
    drop(task);
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(()));
}

#[test]
fn a_detached_task_runs_to_completion() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    hub.spawn(async move {
        sleep(Duration::from_millis(2)).await;
        tx.send("finished").unwrap();
    })
    .detach();
    assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok("finished"));
}
