//! A bounded `ThreadPool` counts against its queue only the jobs that wait
//! for a thread: a burst of `limit + queue` jobs handed over at once is
//! accepted, even before the runners it starts have picked theirs up, and
//! the next one is refused while they all run or wait.

mod common;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::Body;
use futures_lite::future::{block_on, poll_once};
use genlet_ythread::{ThreadPool, drive};

/// Held shut until opened: the jobs wait on it (30 s at most).
#[derive(Default)]
struct Gate(Mutex<bool>, Condvar);

impl Gate {
    fn wait(&self) {
        let open = self.0.lock().unwrap();
        let _ = self
            .1
            .wait_timeout_while(open, Duration::from_secs(30), |open| !*open)
            .unwrap();
    }

    fn open(&self) {
        *self.0.lock().unwrap() = true;
        self.1.notify_all();
    }
}

fn gated(pool: &ThreadPool, gate: &Arc<Gate>, value: u32) -> Body {
    let gate = gate.clone();
    Box::pin(drive(
        move |cpu| async move {
            cpu.run(move || {
                gate.wait();
                value
            })
            .await
        },
        pool.clone(),
    ))
}

#[test]
fn a_burst_of_limit_plus_queue_is_accepted() {
    for round in 0..200 {
        let (limit, queue) = (2, 2);
        let pool = ThreadPool::builder().limit(limit).queue(queue).build();
        let gate = Arc::new(Gate::default());
        let mut bodies = Vec::new();
        for value in 0..(limit + queue) as u32 {
            let mut body = gated(&pool, &gate, value);
            let early = block_on(poll_once(body.as_mut()));
            assert!(
                early.is_none(),
                "round {round}: job {value} refused: {early:?}"
            );
            bodies.push((value, body));
        }
        assert!(
            pool.queued() <= queue,
            "round {round}: {} queued",
            pool.queued()
        );
        // Two run or are about to, two wait: the next has no room.
        let refused = block_on(poll_once(gated(&pool, &gate, 99)));
        assert!(
            refused.is_some_and(|r| r.is_err_and(|e| e.is_refused())),
            "round {round}: a job beyond the limit and the queue was accepted"
        );
        gate.open();
        for (value, body) in bodies {
            assert_eq!(block_on(body), Ok(value), "round {round}");
        }
    }
}
