//! A greenlet that loops on acquire, yield, release cannot starve another
//! waiting for the same permit (gevent's `test_fair_or_hangs`, #1487): the
//! release hands the permit to the waiter, which nobody overtakes. And a
//! waiter that times out in the instant a permit is handed to it passes the
//! permit on: nothing is lost.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// The hog's bound: far more turns than a fair semaphore lets it take.
const TURNS: usize = 100_000;

#[test]
fn a_waiter_gets_the_permit_a_loop_keeps_taking() {
    common::on_each_hub(|hub| {
        for round in 0..20 {
            hub.block_on(async {
                let sem = Arc::new(genlet::Semaphore::new(1));
                let served = Arc::new(AtomicBool::new(false));
                let turns = Arc::new(AtomicUsize::new(0));
                let hog = {
                    let (sem, served, turns) = (sem.clone(), served.clone(), turns.clone());
                    genlet::spawn(async move {
                        while !served.load(Ordering::SeqCst) && turns.load(Ordering::SeqCst) < TURNS
                        {
                            let permit = sem.acquire().await;
                            turns.fetch_add(1, Ordering::SeqCst);
                            genlet::yield_now().await;
                            drop(permit);
                        }
                    })
                };
                common::until(|| turns.load(Ordering::SeqCst) > 0).await;
                let waiter = {
                    let (sem, served) = (sem.clone(), served.clone());
                    genlet::spawn(async move {
                        drop(sem.acquire().await);
                        served.store(true, Ordering::SeqCst);
                    })
                };
                hog.join().await.unwrap();
                let taken = turns.load(Ordering::SeqCst);
                assert!(
                    taken < TURNS,
                    "round {round}: the waiter starved for {taken} turns"
                );
                waiter.join().await.unwrap();
            });
        }
    });
}

#[test]
fn a_permit_handed_to_a_waiter_that_times_out_goes_on() {
    common::on_each_hub(|hub| {
        for round in 0..300u64 {
            hub.block_on(async {
                let sem = Arc::new(genlet::Semaphore::new(1));
                let held = sem.acquire_arc().await;
                let quitter = {
                    let sem = sem.clone();
                    let limit = Duration::from_micros(100 + round * 7 % 900);
                    genlet::spawn(
                        async move { genlet::timeout(limit, sem.acquire_arc()).await.is_ok() },
                    )
                };
                let patient = {
                    let sem = sem.clone();
                    genlet::spawn(async move { drop(sem.acquire_arc().await) })
                };
                genlet::sleep(Duration::from_micros(round * 13 % 1000)).await;
                drop(held);
                let _ = quitter.join().await.unwrap();
                genlet::timeout(Duration::from_secs(60), patient.join())
                    .await
                    .expect("the patient waiter got the permit")
                    .unwrap();
                assert_eq!(sem.available_permits(), 1, "round {round}");
            });
        }
    });
}
