//! A job whose body went and whose result panics when dropped does not cost
//! the pool a thread: the pool's only runner lives on and serves the next
//! job.

use std::sync::mpsc;
use std::time::Duration;

use futures_lite::future::{block_on, poll_once};
use genlet_ythread::{ThreadPool, drive};

struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("dropping an unobserved result");
    }
}

#[test]
fn a_panicking_unobserved_result_leaves_the_pool_serving() {
    let pool = ThreadPool::with_limit(1);
    for _ in 0..20 {
        let (started_tx, started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let mut body = Box::pin(drive(
            move |cpu| async move {
                cpu.run(move || {
                    started_tx.send(()).unwrap();
                    released.recv_timeout(Duration::from_secs(30)).unwrap();
                    PanicOnDrop
                })
                .await
                .map(std::mem::forget)
            },
            pool.clone(),
        ));
        assert!(block_on(poll_once(body.as_mut())).is_none());
        started.recv_timeout(Duration::from_secs(30)).unwrap();
        drop(body); // the body goes while its job runs
        release.send(()).unwrap();
        // The same single runner slot serves the next job.
        let (done, next) = mpsc::channel();
        let p = pool.clone();
        std::thread::spawn(move || {
            let _ = done.send(block_on(drive(|cpu| async move { cpu.run(|| 5).await }, p)));
        });
        let next = next
            .recv_timeout(Duration::from_secs(30))
            .expect("the pool lost its only runner");
        assert_eq!(next, Ok(5));
    }
}
