//! A `ThreadPool` with a bounded queue refuses jobs beyond its threads and its
//! queue with `JobError::is_refused`, at once; every job it accepted runs
//! and its result reaches its own body. A waiting job whose body went frees
//! its room in the queue.

mod common;

use common::{Body, occupy};
use futures_lite::future::{block_on, poll_once};
use genlet_ythread::{ThreadPool, YieldableThread, drive};

fn body(pool: &ThreadPool, value: u32) -> Body {
    Box::pin(drive(
        move |cpu| async move { cpu.run(move || value).await },
        pool.clone(),
    ))
}

#[test]
fn a_full_pool_refuses_and_runs_everything_it_accepted() {
    let pool = ThreadPool::builder().limit(1).queue(2).build();
    let (blocker, release) = occupy(&pool);

    let mut accepted: Vec<(u32, Body)> = Vec::new();
    for value in 1..=2 {
        let mut b = body(&pool, value);
        assert!(
            block_on(poll_once(b.as_mut())).is_none(),
            "job {value} was not queued"
        );
        accepted.push((value, b));
    }
    assert_eq!(pool.queued(), 2);
    for value in 3..=5 {
        let refused = block_on(poll_once(body(&pool, value))).expect("refused at once");
        let err = refused.unwrap_err();
        assert!(err.is_refused(), "job {value}: {err}");
        assert_eq!(
            err.to_string(),
            "job refused by its apply policy: overloaded"
        );
    }

    release.send(()).unwrap();
    assert_eq!(block_on(blocker), Ok(0));
    for (value, b) in accepted {
        assert_eq!(block_on(b), Ok(value));
    }
    // Room again once the queue drained.
    assert_eq!(block_on(body(&pool, 9)), Ok(9));
}

#[test]
fn a_waiting_job_whose_body_went_frees_its_room() {
    let pool = ThreadPool::builder().limit(1).queue(1).build();
    let (blocker, release) = occupy(&pool);
    let mut waiting = body(&pool, 1);
    assert!(block_on(poll_once(waiting.as_mut())).is_none());
    drop(waiting);
    // The queue holds only a job nobody waits for: it is skipped, not counted.
    let mut next = body(&pool, 2);
    assert!(
        block_on(poll_once(next.as_mut())).is_none(),
        "refused for a dead job"
    );
    assert!(
        block_on(poll_once(body(&pool, 3)))
            .unwrap()
            .unwrap_err()
            .is_refused()
    );
    release.send(()).unwrap();
    assert_eq!(block_on(blocker), Ok(0));
    assert_eq!(block_on(next), Ok(2));
}

#[test]
fn under_contention_every_job_is_answered_or_refused() {
    let pool = ThreadPool::builder().limit(2).queue(3).build();
    for round in 0..200u32 {
        let threads: Vec<_> = (0..8u32)
            .map(|t| {
                YieldableThread::spawn(
                    move |cpu| async move {
                        let mut outcomes = Vec::new();
                        for i in 0..4 {
                            let value = round * 100 + t * 10 + i;
                            outcomes.push((value, cpu.run(move || value).await));
                        }
                        outcomes
                    },
                    pool.clone(),
                )
                .unwrap()
            })
            .collect();
        let (mut answered, mut refused) = (0, 0);
        for thread in threads {
            for (value, outcome) in thread.join().unwrap() {
                match outcome {
                    Ok(got) => {
                        assert_eq!(got, value, "round {round}: a result reached the wrong body");
                        answered += 1;
                    }
                    Err(e) => {
                        assert!(e.is_refused(), "round {round}: job {value}: {e}");
                        refused += 1;
                    }
                }
            }
        }
        assert_eq!(answered + refused, 32, "round {round}");
        assert_eq!(pool.queued(), 0);
    }
}
