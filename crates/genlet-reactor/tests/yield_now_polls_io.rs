//! A task that loops on `yield_now` does not starve I/O: the hub polls for I/O
//! at the latest every 61 yields, so a TCP round trip on the same
//! single-threaded hub completes after a few dozen spins (gevent #1071).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet_reactor::net::{TcpListener, TcpStream};
use genlet_reactor::{Handle, Hub, yield_now};

#[test]
fn io_completes_beside_a_yielding_spinner() {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    // Watchdog: a starved reactor would hang the round trip forever.
    std::thread::spawn(move || {
        let hub = Hub::builder().workers(0).build().unwrap();
        let spins = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let round_trips = hub.block_on(async {
            let (s, st) = (spins.clone(), stop.clone());
            let spinner = Handle::current().unwrap().spawn(async move {
                while !st.load(Ordering::SeqCst) {
                    s.fetch_add(1, Ordering::Relaxed);
                    yield_now().await;
                }
            });
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = Handle::current().unwrap().spawn(async move {
                let (mut peer, _) = listener.accept().await.unwrap();
                let mut buf = [0; 1];
                for _ in 0..20 {
                    peer.read_exact(&mut buf).await.unwrap();
                    peer.write_all(&buf).await.unwrap();
                }
            });
            let mut client = TcpStream::connect(addr).await.unwrap();
            let mut buf = [0; 1];
            for i in 0..20u8 {
                client.write_all(&[i]).await.unwrap();
                client.read_exact(&mut buf).await.unwrap();
                assert_eq!(buf[0], i);
            }
            server.await;
            stop.store(true, Ordering::SeqCst);
            spinner.await;
            20
        });
        done_tx
            .send((round_trips, spins.load(Ordering::SeqCst)))
            .unwrap();
    });
    let (round_trips, spins) = done_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the spinner starved the reactor");
    assert_eq!(round_trips, 20);
    assert!(spins > 0, "the spinner ran meanwhile");
    // Each round trip needs two I/O polls, so about 2 × 61 spins (110 when
    // measured). Polling only every 200 tasks, as the executor's batches
    // alone would, costs hundreds (about 390 when measured).
    assert!(
        spins < round_trips * 200,
        "{spins} spins for {round_trips} round trips"
    );
}
