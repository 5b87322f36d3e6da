//! `Local`: each greenlet sees its own value, across hub workers and
//! awaits; children do not inherit; values are dropped when their greenlet
//! finishes or is killed; outside greenlets each thread has its own.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static ID: genlet::Local<u64> = genlet::Local::new();
static NAME: genlet::Local<String> = genlet::Local::new();

#[test]
fn each_greenlet_sees_its_own_across_awaits_and_workers() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..100 {
                let greenlets: Vec<_> = (0..50u64)
                    .map(|i| {
                        genlet::spawn(async move {
                            assert_eq!(ID.get(), None, "a fresh greenlet has none");
                            ID.set(i);
                            NAME.set(format!("g{i}"));
                            for _ in 0..3 {
                                genlet::yield_now().await;
                                assert_eq!(ID.get(), Some(i));
                            }
                            (ID.get(), NAME.get())
                        })
                    })
                    .collect();
                for (i, g) in (0..50u64).zip(greenlets) {
                    assert_eq!(
                        g.join().await.unwrap(),
                        (Some(i), Some(format!("g{i}"))),
                        "round {round}"
                    );
                }
            }
        });
    });
}

#[test]
fn pools_groups_and_servers_run_greenlets_with_their_own() {
    genlet::run(async {
        let pool = genlet::Pool::new(2);
        let seen = pool
            .map(0..6u64, |i| async move {
                ID.set(i * 10);
                genlet::yield_now().await;
                ID.get()
            })
            .await
            .unwrap();
        assert_eq!(seen, (0..6).map(|i| Some(i * 10)).collect::<Vec<_>>());
        let server = genlet::StreamServer::bind(
            "127.0.0.1:0",
            |mut conn: genlet::Connection, _| async move {
                assert_eq!(ID.get(), None);
                ID.set(99);
                genlet::yield_now().await;
                let _ = futures_lite::AsyncWriteExt::write_all(
                    &mut conn,
                    &ID.get().unwrap().to_be_bytes(),
                )
                .await;
            },
        )
        .unwrap();
        let mut client = genlet::net::TcpStream::connect(server.local_addr())
            .await
            .unwrap();
        let mut reply = [0; 8];
        futures_lite::AsyncReadExt::read_exact(&mut client, &mut reply)
            .await
            .unwrap();
        assert_eq!(u64::from_be_bytes(reply), 99);
        server.stop(Duration::from_secs(5)).await;
    });
}

#[test]
fn children_do_not_inherit() {
    let child_saw = genlet::run(async {
        genlet::spawn(async {
            ID.set(1);
            let child = genlet::spawn(async { ID.get() });
            let saw = child.join().await.unwrap();
            assert_eq!(ID.get(), Some(1), "the parent keeps its own");
            saw
        })
        .await
        .unwrap()
    });
    assert_eq!(child_saw, None);
}

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

static GUARD: genlet::Local<Counted> = genlet::Local::new();

#[test]
fn values_are_dropped_when_the_greenlet_finishes_or_is_killed() {
    let drops = Arc::new(AtomicUsize::new(0));
    genlet::run(async {
        let d = drops.clone();
        let finished = genlet::spawn(async move {
            GUARD.set(Counted(d));
        });
        finished.wait().await;
        assert_eq!(
            drops.load(Ordering::SeqCst),
            1,
            "dropped before the result is seen"
        );
        let d = drops.clone();
        let killed = genlet::spawn(async move {
            GUARD.set(Counted(d));
            genlet::sleep(Duration::from_secs(3600)).await;
        });
        while !killed.is_started() {
            genlet::sleep(Duration::from_millis(1)).await;
        }
        genlet::yield_now().await;
        killed.kill().await;
        assert_eq!(drops.load(Ordering::SeqCst), 2);
    });
}

#[test]
fn outside_greenlets_each_thread_has_its_own() {
    ID.set(5);
    let other = std::thread::spawn(|| {
        let before = ID.get();
        ID.set(6);
        (before, ID.get())
    })
    .join()
    .unwrap();
    assert_eq!(other, (None, Some(6)));
    assert_eq!(ID.get(), Some(5));
    // A greenlet does not see the thread's value either.
    assert_eq!(
        genlet::run(genlet::spawn(async { ID.get() })).unwrap(),
        None
    );
}
