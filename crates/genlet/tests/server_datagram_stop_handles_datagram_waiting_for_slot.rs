//! A datagram server's stop while its pool is full handles the datagram it
//! already received and was holding for a free slot (within the grace
//! period), instead of dropping it unanswered; `stop` counts nothing
//! killed. When the grace period runs out first, that datagram counts as
//! killed. 20 rounds, on a one-worker hub and on the default one.
//!
//! Linux only: that the receiver has taken the second datagram is read from
//! the socket's receive queue in `/proc/net/udp`, not guessed from a sleep.

#![cfg(target_os = "linux")]

mod common;

use std::net::UdpSocket;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A pool of one: each handler echoes its datagram, the one of `"a"` once
/// `release` is set; `started` counts the handlers begun.
fn start(started: Arc<AtomicUsize>, release: Arc<genlet::Event>) -> genlet::DatagramServer {
    genlet::DatagramServer::builder()
        .pool_size(1)
        .bind_datagram("127.0.0.1:0", move |data, peer, socket| {
            let (started, release) = (started.clone(), release.clone());
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                if data == b"a" {
                    release.wait().await;
                }
                let _ = socket.send_to(&data, peer).await;
            }
        })
        .unwrap()
}

/// The bytes waiting in the receive queue of the UDP socket bound to
/// 127.0.0.1:`port`, from `/proc/net/udp`.
fn queued(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/udp").unwrap();
    let local = format!("0100007F:{port:04X}");
    let line = table
        .lines()
        .find(|line| line.split_whitespace().nth(1) == Some(local.as_str()))
        .expect("the server's socket is listed");
    let queues = line.split_whitespace().nth(4).unwrap();
    let rx = queues.split(':').nth(1).unwrap();
    usize::from_str_radix(rx, 16).unwrap()
}

fn answer(socket: &UdpSocket) -> Option<String> {
    let mut buf = [0; 64];
    let (n, _) = socket.recv_from(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf[..n]).to_string())
}

/// A server whose only slot `a`'s handler holds until `release` is set,
/// and `b`'s datagram, received and held for that slot.
fn full_pool(
    hub: &genlet::reactor::Hub,
    release: Arc<genlet::Event>,
) -> (genlet::DatagramServer, UdpSocket, UdpSocket) {
    let started = Arc::new(AtomicUsize::new(0));
    let server = hub.block_on(async { start(started.clone(), release) });
    let addr = server.local_addr();
    let (a, b) = (common::udp_client(), common::udp_client());
    a.send_to(b"a", addr).unwrap();
    hub.block_on(common::until(|| started.load(Ordering::SeqCst) == 1));
    b.send_to(b"b", addr).unwrap();
    hub.block_on(common::until(|| queued(addr.port()) == 0));
    assert_eq!(started.load(Ordering::SeqCst), 1, "the pool of one is full");
    (server, a, b)
}

#[test]
fn the_datagram_waiting_for_a_slot_is_handled() {
    common::on_each_hub(|hub| {
        for round in 0..20 {
            let release = Arc::new(genlet::Event::new());
            let (server, a, b) = full_pool(hub, release.clone());
            let killed = hub.block_on(async {
                let stop = hub.spawn(server.stop(Duration::from_secs(30)));
                // Released once the stop has begun; it waits for the held
                // datagram, so it cannot end before.
                genlet::sleep(Duration::from_millis(5)).await;
                release.set();
                stop.await
            });
            assert_eq!(answer(&a).as_deref(), Some("a"), "round {round}");
            assert_eq!(answer(&b).as_deref(), Some("b"), "round {round}");
            assert_eq!(killed, 0, "round {round}");
        }
    });
}

#[test]
fn past_the_grace_period_the_held_datagram_counts_as_killed() {
    common::on_each_hub(|hub| {
        let (server, a, b) = full_pool(hub, Arc::default());
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
