//! A future given to `Hub::block_on` on a hub without workers that keeps
//! waking itself (a busy-wait on `futures_lite::future::yield_now`, which
//! knows nothing of the hub) still lets the reactor run between its polls:
//! the hub passes such wake-ups on to async-io's `block_on`, which polls
//! for I/O each time, so the TCP round trips its tasks make complete.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet_reactor::Hub;
use genlet_reactor::net::{TcpListener, TcpStream};

#[test]
fn io_runs_beside_a_block_on_future_that_wakes_itself() {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let hub = Hub::builder().workers(0).build().unwrap();
        let trips = Arc::new(AtomicU32::new(0));
        let spins = hub.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            hub.spawn(async move {
                let (mut peer, _) = listener.accept().await.unwrap();
                let mut buf = [0; 1];
                while peer.read_exact(&mut buf).await.is_ok() {
                    peer.write_all(&buf).await.unwrap();
                }
            })
            .detach();
            let counted = trips.clone();
            hub.spawn(async move {
                let mut client = TcpStream::connect(addr).await.unwrap();
                for i in 0..50u8 {
                    client.write_all(&[i]).await.unwrap();
                    let mut buf = [0; 1];
                    client.read_exact(&mut buf).await.unwrap();
                    assert_eq!(buf[0], i);
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            })
            .detach();
            let mut spins = 0u64;
            while trips.load(Ordering::SeqCst) < 50 {
                spins += 1;
                futures_lite::future::yield_now().await;
            }
            spins
        });
        done.send(spins).unwrap();
    });
    let spins = finished
        .recv_timeout(Duration::from_secs(60))
        .expect("the self-waking future starved the reactor");
    assert!(spins > 0);
}
