//! `Group::add` / `discard` / `killone` and their `Pool` forms: an adopted
//! greenlet is owned (cancelled with its group, its panic reaches `join`,
//! it holds a pool slot); a discarded one runs on, unowned; and racing a
//! greenlet's end, neither loses a member, a slot or a result, over many
//! rounds on a one-worker hub and the default one.

mod common;

use std::time::Duration;

#[test]
fn an_adopted_greenlet_is_owned_like_a_spawned_one() {
    genlet::run(async {
        let group = genlet::Group::new();
        // It fails only once adopted: `add` refuses a greenlet that finished.
        let adopted = std::sync::Arc::new(genlet::Event::new());
        let failing = genlet::task().name("adopted").spawn({
            let adopted = adopted.clone();
            async move {
                adopted.wait().await;
                panic!("adopted and failed");
            }
        });
        assert!(group.add(&failing));
        assert!(!group.add(&failing), "already a member");
        let other = genlet::Group::new();
        assert!(!other.add(&failing), "a greenlet has one owner");
        adopted.set();
        assert_eq!(group.join().await.unwrap_err().name(), "adopted");
        let done = genlet::spawn(async {});
        done.wait().await;
        assert!(!group.add(&done), "finished: nothing to own");
        assert!(group.is_empty());
    });
}

#[test]
fn a_discarded_member_runs_on_and_is_not_waited_for() {
    genlet::run(async {
        let group = genlet::Group::new();
        let (tx, rx) = async_channel::bounded::<()>(1);
        let g = group.spawn(async move { rx.recv().await.is_ok() });
        assert!(group.discard(&g));
        assert!(!group.discard(&g));
        group.join().await.unwrap(); // does not wait for it
        group.kill().await; // does not kill it
        tx.send(()).await.unwrap();
        assert!(g.join().await.unwrap());
    });
}

#[test]
fn pool_add_waits_for_a_slot_and_holds_it() {
    genlet::run(async {
        let pool = genlet::Pool::new(1);
        let first = pool.spawn(genlet::sleep(Duration::from_millis(20))).await;
        let stray = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
        assert!(pool.add(&stray).await); // after `first` freed its slot
        assert!(first.is_ready());
        assert!(pool.is_full());
        assert!(pool.killone(&stray).await);
        assert_eq!(pool.free_count(), 1);
        // Cancelled while waiting for a slot: adopts nothing.
        let blocker = pool.spawn(genlet::sleep(Duration::from_secs(3600))).await;
        let waiting = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
        assert!(
            genlet::timeout(Duration::from_millis(10), pool.add(&waiting))
                .await
                .is_err()
        );
        assert!(!pool.contains(&waiting));
        pool.kill().await;
        assert!(blocker.is_ready() && !waiting.is_ready());
        waiting.kill().await;
        assert_eq!(pool.free_count(), 1);
    });
}

#[test]
fn add_and_discard_racing_the_end_lose_nothing() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let pool = genlet::Pool::new(4);
            for round in 0..300 {
                let g = genlet::spawn(async move {
                    if round % 2 == 0 {
                        genlet::yield_now().await;
                    }
                    round
                });
                let adopted = pool.add(&g).await;
                if round % 3 == 0 {
                    genlet::yield_now().await;
                }
                let discarded = adopted && pool.discard(&g);
                assert_eq!(g.join().await.unwrap(), round);
                if adopted && !discarded {
                    // It left by itself: once joined here, the pool lets
                    // go of it as soon as its links ran.
                    genlet::timeout(Duration::from_secs(60), pool.join())
                        .await
                        .expect("the member left")
                        .unwrap();
                }
                assert!(pool.is_empty(), "round {round}");
                assert_eq!(pool.free_count(), 4, "round {round}");
            }
        });
    });
}

/// Adding another group's member is refused, and a kill of the group it
/// was offered to, racing the offer, never touches it.
#[test]
fn a_refused_add_racing_a_kill_leaves_the_greenlet_alone() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let owner = genlet::Group::new();
            let owned = owner.spawn(genlet::sleep(Duration::from_secs(3600)));
            for round in 0..300 {
                let other = std::sync::Arc::new(genlet::Group::new());
                let _busy = other.spawn(genlet::sleep(Duration::from_secs(3600)));
                let killer = {
                    let other = other.clone();
                    genlet::spawn(async move { other.kill().await })
                };
                assert!(!other.add(&owned), "round {round}: it has an owner");
                killer.join().await.unwrap();
                assert!(
                    !owned.is_ready(),
                    "round {round}: killed by a group that never owned it"
                );
            }
            owner.kill().await;
        });
    });
}

/// `killone` racing a `discard` of the same member: exactly what was still a
/// member when `killone` looked is killed (membership check and kill are
/// one step), and a member one of them took is never left in the group.
#[test]
fn killone_racing_discard_kills_only_a_member() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..300 {
                let group = std::sync::Arc::new(genlet::Group::new());
                let (tx, rx) = async_channel::bounded::<()>(1);
                let g = std::sync::Arc::new(group.spawn(async move { rx.recv().await.is_ok() }));
                let discarder = {
                    let (group, g) = (group.clone(), g.clone());
                    genlet::spawn(async move {
                        if round % 2 == 0 {
                            genlet::yield_now().await;
                        }
                        group.discard(&g)
                    })
                };
                let killed = group.killone(&g).await;
                let discarded = discarder.join().await.unwrap();
                assert!(killed || discarded, "round {round}: it was a member");
                let _ = tx.try_send(());
                let g = std::sync::Arc::into_inner(g).expect("the discarder let go");
                match g.join().await {
                    Err(e) => assert!(killed && e.is_cancelled(), "round {round}: {e}"),
                    Ok(ran) => assert!(!killed && ran, "round {round}: killone said killed"),
                }
                genlet::timeout(Duration::from_secs(60), group.join())
                    .await
                    .expect("the member left")
                    .unwrap();
                assert!(group.is_empty(), "round {round}");
            }
        });
    });
}

/// `apply` from an adopted member runs inline (it holds the slot already:
/// waiting for one would deadlock a full pool); from a discarded one it
/// waits for a slot like any outsider.
#[test]
fn apply_tells_adopted_and_discarded_members_apart() {
    genlet::run(async {
        let pool = genlet::Pool::new(1);
        let handle = pool.handle();
        let added = std::sync::Arc::new(genlet::Event::new());
        let adopted = genlet::spawn({
            let added = added.clone();
            async move {
                added.wait().await; // adopted by then
                handle.apply(async { "inline" }).await
            }
        });
        assert!(pool.add(&adopted).await);
        added.set();
        let applied = genlet::timeout(Duration::from_secs(60), adopted.join()).await;
        assert_eq!(applied.expect("no deadlock").unwrap().unwrap(), "inline");
        // Owned by a pool: adding it to another returns at once.
        let member = pool.spawn(genlet::sleep(Duration::from_secs(3600))).await;
        let other = genlet::Pool::new(1);
        let _busy = other.spawn(genlet::sleep(Duration::from_secs(3600))).await;
        let refused = genlet::timeout(Duration::from_secs(60), other.add(&member)).await;
        assert!(!refused.expect("no wait for a slot"));
        pool.kill().await;
        other.kill().await;
    });
}

/// A destructor run by a kill sees its greenlet's `Local` values.
#[test]
fn a_killed_greenlets_destructors_see_its_locals() {
    static TAG: genlet::Local<u32> = genlet::Local::new();
    struct Reports(std::sync::mpsc::Sender<Option<u32>>);
    impl Drop for Reports {
        fn drop(&mut self) {
            let _ = self.0.send(TAG.get());
        }
    }
    let (tx, rx) = std::sync::mpsc::channel();
    genlet::run(async move {
        let g = genlet::spawn(async move {
            TAG.set(7);
            let _reports = Reports(tx);
            genlet::sleep(Duration::from_secs(3600)).await;
        });
        while !g.is_started() {
            genlet::yield_now().await;
        }
        genlet::sleep(Duration::from_millis(1)).await;
        g.kill().await;
    });
    assert_eq!(rx.recv().unwrap(), Some(7));
}
