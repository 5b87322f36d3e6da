//! `killall` kills every greenlet before it waits for any: one slow to die
//! (in a long poll elsewhere) holds up no other's kill, a `killall` cut
//! short by a timeout has still killed them all, and a greenlet that
//! kills a list it is in takes the others with it. Over many rounds on a
//! one-worker hub and the default one.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const ROUNDS: usize = 100;
const BOUND: Duration = Duration::from_secs(60);

#[test]
fn a_killall_cut_short_has_killed_them_all() {
    let other = common::one_worker();
    let elsewhere = other.handle();
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let (inside, release) = (
                    Arc::new(AtomicBool::new(false)),
                    Arc::new(AtomicBool::new(false)),
                );
                let (i, r) = (inside.clone(), release.clone());
                // Dies slowly: in the middle of a long poll on another hub.
                let slow = genlet::task().on(&elsewhere).spawn(async move {
                    i.store(true, Ordering::SeqCst);
                    while !r.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    genlet::sleep(Duration::from_secs(3600)).await;
                });
                common::until(|| inside.load(Ordering::SeqCst)).await;
                let quick = genlet::spawn(genlet::sleep(Duration::from_secs(3600)));
                let both = [slow, quick];
                let cut = genlet::timeout(Duration::from_millis(2), genlet::killall(&both)).await;
                assert!(
                    cut.is_err(),
                    "round {round}: the slow one was still in its poll"
                );
                let [slow, quick] = both;
                // Killed already, though killall never got to wait for it.
                let quick = genlet::timeout(BOUND, quick.join()).await.expect("killed");
                assert!(quick.unwrap_err().is_cancelled(), "round {round}");
                release.store(true, Ordering::SeqCst);
                assert!(
                    slow.join().await.unwrap_err().is_cancelled(),
                    "round {round}"
                );
            });
        }
    });
}

#[test]
fn a_greenlet_killing_a_list_it_is_in_takes_the_others_with_it() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..ROUNDS {
                let list: Arc<OnceLock<Vec<genlet::Greenlet<()>>>> = Arc::new(OnceLock::new());
                let ready = Arc::new(genlet::Event::new());
                let (l, r) = (list.clone(), ready.clone());
                let killer = genlet::spawn(async move {
                    r.wait().await;
                    genlet::killall(l.get().expect("set before the event")).await;
                });
                let others =
                    [0, 1].map(|_| genlet::spawn(genlet::sleep(Duration::from_secs(3600))));
                let _ = list.set([killer].into_iter().chain(others).collect());
                ready.set();
                for (i, g) in list.get().unwrap().iter().enumerate() {
                    genlet::timeout(BOUND, g.wait())
                        .await
                        .unwrap_or_else(|_| panic!("round {round}: greenlet {i} still alive"));
                    assert!(!g.is_successful(), "round {round}: greenlet {i} was killed");
                }
            }
        });
    });
}
