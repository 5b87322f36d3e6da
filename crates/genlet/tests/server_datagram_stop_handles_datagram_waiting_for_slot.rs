//! A datagram server's stop while its pool is full handles the datagram it
//! already received and was holding for a free slot (within the grace
//! period), instead of dropping it unanswered; `stop` counts nothing
//! killed. When the grace period runs out first, that datagram counts as
//! killed. 20 rounds, on a one-worker hub and on the default one.

mod common;

use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A pool of one: each handler waits the milliseconds its datagram says,
/// then echoes it; `started` counts the handlers begun.
fn start(started: Arc<AtomicUsize>) -> genlet::DatagramServer {
    genlet::DatagramServer::builder()
        .pool_size(1)
        .bind_datagram("127.0.0.1:0", move |data, peer, socket| {
            let started = started.clone();
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                let ms: u64 = String::from_utf8_lossy(&data).parse().unwrap_or(0);
                genlet::sleep(Duration::from_millis(ms)).await;
                let _ = socket.send_to(&data, peer).await;
            }
        })
        .unwrap()
}

fn client() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    socket
}

fn answer(socket: &UdpSocket) -> Option<String> {
    let mut buf = [0; 64];
    let (n, _) = socket.recv_from(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf[..n]).to_string())
}

/// Sends `first` (which takes the pool's only slot), waits until its
/// handler started, then sends `second`, which the receiver holds.
fn full_pool(
    hub: &genlet::reactor::Hub,
    first: &str,
    second: &str,
) -> (genlet::DatagramServer, UdpSocket, UdpSocket) {
    let started = Arc::new(AtomicUsize::new(0));
    let server = hub.block_on(async { start(started.clone()) });
    let addr = server.local_addr();
    let (a, b) = (client(), client());
    a.send_to(first.as_bytes(), addr).unwrap();
    hub.block_on(common::until(|| started.load(Ordering::SeqCst) == 1));
    b.send_to(second.as_bytes(), addr).unwrap();
    // The receiver takes it and waits for the slot.
    hub.block_on(genlet::sleep(Duration::from_millis(20)));
    assert_eq!(started.load(Ordering::SeqCst), 1, "the pool of one is full");
    (server, a, b)
}

#[test]
fn the_datagram_waiting_for_a_slot_is_handled() {
    common::on_each_hub(|hub| {
        for round in 0..20 {
            let (server, a, b) = full_pool(hub, "50", "0");
            let killed = hub.block_on(server.stop(Duration::from_secs(30)));
            assert_eq!(answer(&a).as_deref(), Some("50"), "round {round}");
            assert_eq!(answer(&b).as_deref(), Some("0"), "round {round}");
            assert_eq!(killed, 0, "round {round}");
        }
    });
}

#[test]
fn past_the_grace_period_the_held_datagram_counts_as_killed() {
    common::on_each_hub(|hub| {
        let (server, a, b) = full_pool(hub, "3600000", "0");
        let killed = hub.block_on(server.stop(Duration::from_millis(50)));
        assert_eq!(killed, 2, "the running handler and the held datagram");
        for socket in [a, b] {
            socket
                .set_read_timeout(Some(Duration::from_millis(100)))
                .unwrap();
            assert_eq!(answer(&socket), None);
        }
    });
}
