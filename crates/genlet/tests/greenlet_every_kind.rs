//! Generator tasks and yieldable-thread bodies spawned through the facade
//! are greenlets like any other: joined, killed (destructors run), named,
//! owned by groups, waited on with `iwait`, their panics reported as
//! greenlet panics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use genlet::coro::{Co, Gen};
use genlet::reactor::gen_task::{GenTask, HubDriver, Reply, Request};
use genlet::ythread::{Inline, ThreadPool};

fn napper(naps: u32) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            for _ in 0..naps {
                co.yield_(Request::Sleep(Duration::from_millis(1))).await;
            }
        },
    ))
}

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn generator_tasks_join_and_die_as_greenlets() {
    genlet::run(async {
        let driver = HubDriver::new(genlet::default_hub().handle());
        let quick = genlet::task()
            .name("gen")
            .spawn_gen_task(&driver, napper(2));
        assert_eq!(quick.name(), "gen");
        quick.await.unwrap();

        let dropped = Arc::new(AtomicBool::new(false));
        let guard = SetOnDrop(dropped.clone());
        let forever: GenTask = Box::pin(Gen::new(
            move |co: Co<Request, Reply>, _: Reply| async move {
                let _guard = guard;
                loop {
                    co.yield_(Request::Sleep(Duration::from_secs(3600))).await;
                }
            },
        ));
        let stuck = genlet::task().spawn_gen_task(&driver, forever);
        genlet::sleep(Duration::from_millis(5)).await;
        stuck.kill().await;
        assert!(
            dropped.load(Ordering::SeqCst),
            "the generator's destructors ran"
        );
        assert!(stuck.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn yieldable_bodies_join_panic_and_die_as_greenlets() {
    genlet::run(async {
        let summed = genlet::spawn_yieldable(
            |cpu| async move { cpu.run(|| (1..=10u64).sum::<u64>()).await.unwrap() },
            ThreadPool::new(),
        );
        assert_eq!(summed.await.unwrap(), 55);

        let failing = genlet::task()
            .name("bad-body")
            .spawn_yieldable(|_cpu| async move { panic!("in the body") }, Inline);
        let error = failing.await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "greenlet 'bad-body' panicked: in the body"
        );

        let gate = Arc::new(genlet::Event::new());
        let g = gate.clone();
        let waiting = genlet::spawn_yieldable(
            move |_cpu| async move {
                g.wait().await;
            },
            Inline,
        );
        waiting.kill().await;
        assert!(waiting.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn every_kind_mixes_in_one_group_and_one_iwait() {
    genlet::run(async {
        let driver = HubDriver::new(genlet::default_hub().handle());
        let group = genlet::Group::new();
        let a = group.spawn(async { 1 });
        let b = group.spawn(async { 2 });
        let c = genlet::spawn_yieldable(
            |cpu| async move { cpu.run(|| 3).await.unwrap() },
            ThreadPool::new(),
        );
        let d = genlet::task().spawn_gen_task(&driver, napper(1));
        let e = genlet::spawn_blocking(|| 5);
        let mut done = genlet::as_completed(vec![a, b, c]);
        let mut total = 0;
        while let Some((_, r)) = done.next().await {
            total += r.unwrap();
        }
        assert_eq!(total, 6);
        d.await.unwrap();
        assert_eq!(e.await.unwrap(), 5);
        group.join().await.unwrap();
    });
}
