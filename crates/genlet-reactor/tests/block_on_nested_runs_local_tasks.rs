//! A `block_on` nested in the future of another `block_on` of the same hub
//! goes on running the outer one's `spawn_local` tasks: a nested `block_on`
//! that waits on one of them finishes, on hubs with no, one and the default
//! number of workers; and a local task spawned inside the nested one lives
//! on in the outer one.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use genlet_reactor::{Hub, sleep, spawn_local, timeout};

fn hubs() -> Vec<Arc<Hub>> {
    vec![
        Arc::new(Hub::builder().workers(0).build().unwrap()),
        Arc::new(Hub::builder().workers(1).build().unwrap()),
        Arc::new(Hub::new().unwrap()),
    ]
}

#[test]
fn nested_block_on_runs_the_outer_local_tasks() {
    for hub in hubs() {
        for round in 0..100 {
            let inner = hub.clone();
            let got = hub.block_on(async move {
                let local = spawn_local(async move {
                    if round % 2 == 0 {
                        sleep(Duration::from_millis(1)).await;
                    }
                    round
                });
                // Generous: a wait that never ends would take it all.
                inner.block_on(async move { timeout(Duration::from_secs(30), local).await })
            });
            assert_eq!(got, Ok(round), "round {round}");
        }
    }
}

#[test]
fn a_local_task_spawned_in_a_nested_block_on_lives_in_the_outer_one() {
    for hub in hubs() {
        let inner = hub.clone();
        let ran = hub.block_on(async move {
            let ran = Rc::new(Cell::new(false));
            let flag = ran.clone();
            let mut task = None;
            inner.block_on(async {
                task = Some(spawn_local(async move {
                    sleep(Duration::from_millis(2)).await;
                    flag.set(true);
                }));
            });
            let task = task.expect("spawned above");
            timeout(Duration::from_secs(30), task).await.unwrap();
            ran.get()
        });
        assert!(ran);
    }
}
