//! A stop while the pool is full serves the connection the server already
//! accepted and was holding for a free slot (within the grace period),
//! instead of dropping it unserved; `stop` counts nothing killed. And when
//! the grace period runs out first, that connection counts as killed. The
//! listener closes when the stop begins: new clients are refused at once,
//! not left in its backlog until the held connection got its slot.
//!
//! Linux only: that the acceptor has taken the held connection (it is
//! established and the listener's accept queue is empty) and that the stop
//! has begun (the listener is gone) are read from `/proc/net/tcp`, not
//! guessed from a sleep.

#![cfg(target_os = "linux")]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

/// A pool of one; each handler reads a message, waits `hold` or until
/// `release` is set (only for `a`), echoes it.
fn start(
    hold: Duration,
    started: Arc<AtomicUsize>,
    release: Arc<genlet::Event>,
) -> genlet::StreamServer {
    genlet::StreamServer::builder()
        .pool_size(1)
        .bind("127.0.0.1:0", move |mut conn, _peer| {
            let (started, release) = (started.clone(), release.clone());
            async move {
                let mut buf = [0; 16];
                let n = conn.read(&mut buf).await.unwrap_or(0);
                started.fetch_add(1, Ordering::SeqCst);
                if &buf[..n] == b"a" {
                    let _ = genlet::timeout(hold, release.wait()).await;
                }
                let _ = conn.write_all(&buf[..n]).await;
            }
        })
        .unwrap()
}

fn send(addr: SocketAddr, message: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(message).unwrap();
    s
}

/// Everything the server sent before closing, or the error that ended it.
fn reply(mut s: TcpStream) -> Result<Vec<u8>, std::io::ErrorKind> {
    let mut got = Vec::new();
    s.read_to_end(&mut got).map(|_| got).map_err(|e| e.kind())
}

/// 127.0.0.1:`port` as `/proc/net/tcp` writes it: the address's four bytes
/// read as a native-endian number (`0100007F` on a little-endian machine,
/// `7F000001` on a big-endian one), then the port, both in hexadecimal.
fn loopback(port: u16) -> String {
    let address = u32::from_ne_bytes(std::net::Ipv4Addr::LOCALHOST.octets());
    format!("{address:08X}:{port:04X}")
}

/// Whether the listener on 127.0.0.1:`port` has accepted the connection
/// from `client`: the server's end of it is established (state `01` in
/// `/proc/net/tcp`) and no longer waits in the listener's accept queue
/// (whose length a listening socket, state `0A`, shows as its receive queue).
fn accepted(port: u16, client: &TcpStream) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let local = loopback(port);
    let remote = loopback(client.local_addr().unwrap().port());
    let (mut established, mut backlog) = (false, None);
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields[1] != local {
            continue;
        }
        match fields[3] {
            "01" if fields[2] == remote => established = true,
            "0A" => {
                let rx = fields[4].split(':').nth(1).unwrap();
                backlog = Some(usize::from_str_radix(rx, 16).unwrap());
            }
            _ => {}
        }
    }
    established && backlog == Some(0)
}

/// A server whose only slot `a` holds (its handler waits `hold`, or until
/// `release` is set), `b`, accepted and waiting for that slot, and the
/// count of handlers started.
fn full_pool(
    hold: Duration,
    release: Arc<genlet::Event>,
) -> (genlet::StreamServer, TcpStream, TcpStream, Arc<AtomicUsize>) {
    let started = Arc::new(AtomicUsize::new(0));
    let server = genlet::run(async { start(hold, started.clone(), release) });
    let addr = server.local_addr();
    let a = send(addr, b"a");
    genlet::run(common::until(|| started.load(Ordering::SeqCst) == 1));
    // The acceptor takes `b` and waits for the slot `a` holds.
    let b = send(addr, b"b");
    genlet::run(common::until(|| accepted(addr.port(), &b)));
    assert_eq!(started.load(Ordering::SeqCst), 1, "the pool of one is full");
    (server, a, b, started)
}

/// Whether anything still listens on 127.0.0.1:`port` (a socket in state
/// `0A` in `/proc/net/tcp`).
fn listening(port: u16) -> bool {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    let local = loopback(port);
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields[1] == local && fields[3] == "0A"
    })
}

#[test]
fn the_connection_waiting_for_a_slot_is_served() {
    for round in 0..20 {
        let release = Arc::new(genlet::Event::new());
        let (server, a, b, _) = full_pool(Duration::from_secs(3600), release.clone());
        let port = server.local_addr().port();
        let stopper = std::thread::spawn(move || genlet::run(server.stop(Duration::from_secs(30))));
        // `a` finishes only once the stop has begun (the listener is closed).
        genlet::run(common::until(|| !listening(port)));
        release.set();
        assert_eq!(reply(a), Ok(b"a".to_vec()), "round {round}");
        assert_eq!(reply(b), Ok(b"b".to_vec()), "round {round}");
        assert_eq!(stopper.join().unwrap(), 0, "round {round}");
    }
}

#[test]
fn past_the_grace_period_the_held_connection_counts_as_killed() {
    let (server, a, b, _) = full_pool(Duration::from_secs(3600), Arc::default());
    let killed = genlet::run(server.stop(Duration::from_millis(50)));
    assert_eq!(killed, 2, "the running handler and the held connection");
    assert_ne!(reply(a), Ok(b"a".to_vec()));
    assert_ne!(reply(b), Ok(b"b".to_vec()));
}

#[test]
fn new_clients_are_refused_while_the_held_connection_waits() {
    let release = Arc::new(genlet::Event::new());
    let (server, a, b, started) = full_pool(Duration::from_secs(3600), release.clone());
    let addr = server.local_addr();
    let stopper = std::thread::spawn(move || genlet::run(server.stop(Duration::from_secs(30))));
    // Clients that connect before the stop took effect sit in the backlog
    // (and are reset); then the listener is gone.
    let refused = (0..10_000).any(|_| match TcpStream::connect(addr) {
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => true,
        Err(e) => panic!("connect: {e}"),
        Ok(_) => {
            std::thread::sleep(Duration::from_millis(1));
            false
        }
    });
    assert!(refused, "the listener stayed open");
    assert_eq!(
        started.load(Ordering::SeqCst),
        1,
        "refused while the pool was still full"
    );
    release.set();
    assert_eq!(reply(a), Ok(b"a".to_vec()));
    assert_eq!(reply(b), Ok(b"b".to_vec()));
    assert_eq!(stopper.join().unwrap(), 0);
}
