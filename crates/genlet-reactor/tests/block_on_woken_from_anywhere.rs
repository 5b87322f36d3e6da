//! The future given to `Hub::block_on` on a hub without workers is polled
//! again whoever wakes it: a hub task or a `spawn_local` task that the
//! `block_on` thread runs (which the hub hands straight back to the
//! future, without a trip through async-io's `block_on`), another thread,
//! or the reactor (a timer, a socket). Each round mixes them, in a loop,
//! under a watchdog: a lost wake-up hangs the round.

use std::sync::mpsc;
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet_reactor::net::{TcpListener, TcpStream};
use genlet_reactor::{Hub, sleep, spawn_local};

const ROUNDS: u32 = 300;

/// Runs `f` on a thread of its own and fails if it does not finish.
fn within_a_minute(f: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        f();
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("a wake-up of the block_on future was lost");
}

#[test]
fn tasks_it_runs_wake_it() {
    within_a_minute(|| {
        let hub = Hub::builder().workers(0).build().unwrap();
        for round in 0..ROUNDS {
            let sum = hub.block_on(async {
                // More tasks than one batch of scheduling points (200), so
                // that some wake-ups come at the batch's end, not at an idle
                // point.
                let tasks: Vec<_> = (0..250u32).map(|i| hub.spawn(async move { i })).collect();
                let mut sum = 0;
                for task in tasks {
                    sum += task.await;
                }
                sum += spawn_local(async move { round }).await;
                sum
            });
            assert_eq!(sum, (0..250).sum::<u32>() + round);
        }
    });
}

#[test]
fn other_threads_wake_it() {
    within_a_minute(|| {
        let hub = Hub::builder().workers(0).build().unwrap();
        for round in 0..ROUNDS {
            let (tx, rx) = async_channel::bounded(1);
            let sender = std::thread::spawn(move || {
                // Sometimes before the future waits, sometimes after.
                for _ in 0..(round % 7) * 100 {
                    std::hint::spin_loop();
                }
                tx.send_blocking(round).unwrap();
            });
            let got = hub.block_on(async {
                // A task that runs meanwhile, waking nothing.
                hub.spawn(async {}).detach();
                rx.recv().await.unwrap()
            });
            assert_eq!(got, round);
            sender.join().unwrap();
        }
    });
}

#[test]
fn timers_and_sockets_wake_it_and_the_tasks_it_awaits() {
    within_a_minute(|| {
        let hub = Hub::builder().workers(0).build().unwrap();
        hub.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = hub.spawn(async move {
                let (mut peer, _) = listener.accept().await.unwrap();
                let mut buf = [0; 1];
                while peer.read_exact(&mut buf).await.is_ok() {
                    peer.write_all(&buf).await.unwrap();
                }
            });
            let mut client = TcpStream::connect(addr).await.unwrap();
            for round in 0..ROUNDS {
                let byte = round as u8;
                if round % 10 == 0 {
                    // A timer wakes a task, whose end wakes the future.
                    hub.spawn(sleep(Duration::from_millis(1))).await;
                }
                client.write_all(&[byte]).await.unwrap();
                let mut buf = [0; 1];
                client.read_exact(&mut buf).await.unwrap();
                assert_eq!(buf[0], byte);
            }
            drop(client);
            server.await;
        });
    });
}
