//! A hub whose last reference is dropped by one of its own tasks shuts down
//! without a panic (a worker cannot join itself: "Resource deadlock
//! avoided"), and the task goes on to finish.

use std::sync::{Arc, mpsc};
use std::time::Duration;

use genlet_reactor::Hub;

#[test]
fn a_task_can_drop_the_last_reference_to_its_hub() {
    for workers in [1, 2] {
        let hub = Arc::new(Hub::builder().workers(workers).build().unwrap());
        let (go, wait_go) = mpsc::channel::<()>();
        let (finished, wait_finished) = mpsc::channel();
        let last = hub.clone();
        hub.spawn(async move {
            wait_go.recv().unwrap();
            drop(last); // the last reference: the hub shuts down from here
            finished.send("after the drop").unwrap();
        })
        .detach();
        drop(hub);
        go.send(()).unwrap();
        assert_eq!(
            wait_finished.recv_timeout(Duration::from_secs(30)),
            Ok("after the drop"),
            "{workers} workers"
        );
    }
}
