//! A get that times out in the instant an item is handed to it passes the
//! item on (to the next get waiting, or back into the queue), and a put
//! that times out in the instant room is promised to it passes the room on
//! to the next put: nothing is lost and nobody is left waiting beside it.
//! The timeouts and the hand-over race, round after round, on a one-worker
//! hub and on the default one.

mod common;

use std::time::Duration;

const ROUNDS: u64 = 300;

/// A timeout racing a hand-over made about now.
fn limit(round: u64) -> Duration {
    Duration::from_micros(100 + round * 7 % 900)
}

/// A pause before the hand-over, moving it about the timeout.
fn pause(round: u64) -> Duration {
    Duration::from_micros(round * 13 % 1000)
}

#[test]
fn an_item_handed_to_a_get_that_times_out_goes_on() {
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let queue = genlet::Queue::unbounded();
                let quitter = {
                    let queue = queue.clone();
                    genlet::spawn(async move { genlet::timeout(limit(round), queue.get()).await })
                };
                let patient = {
                    let queue = queue.clone();
                    genlet::spawn(async move { queue.get().await.unwrap() })
                };
                genlet::sleep(pause(round)).await;
                queue.try_put(1u32).unwrap();
                let quitter_got = quitter.join().await.unwrap().is_ok();
                if quitter_got {
                    // The patient one still waits: give it its own.
                    queue.try_put(2).unwrap();
                }
                let patient_got = genlet::timeout(Duration::from_secs(60), patient.join())
                    .await
                    .expect("the patient get was served")
                    .unwrap();
                assert_eq!(
                    patient_got,
                    if quitter_got { 2 } else { 1 },
                    "round {round}"
                );
                assert!(queue.is_empty(), "round {round}");
            });
        }
    });
}

#[test]
fn room_promised_to_a_put_that_times_out_goes_on() {
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let queue = genlet::Queue::bounded(1);
                queue.try_put(0u32).unwrap();
                let quitter = {
                    let queue = queue.clone();
                    genlet::spawn(async move { genlet::timeout(limit(round), queue.put(1)).await })
                };
                let patient = {
                    let queue = queue.clone();
                    genlet::spawn(async move { queue.put(2).await.unwrap() })
                };
                genlet::sleep(pause(round)).await;
                assert_eq!(queue.get().await.unwrap(), 0);
                let quitter_put = quitter.join().await.unwrap().is_ok();
                if quitter_put {
                    assert_eq!(queue.get().await.unwrap(), 1, "round {round}");
                }
                genlet::timeout(Duration::from_secs(60), patient.join())
                    .await
                    .expect("the patient put was let in")
                    .unwrap();
                assert_eq!(queue.try_get(), Some(2), "round {round}");
                assert!(queue.is_empty(), "round {round}");
            });
        }
    });
}
