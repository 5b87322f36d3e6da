//! A stop while the pool is full serves the connection the server already
//! accepted and was holding for a free slot (within the grace period),
//! instead of dropping it unserved; `stop` counts nothing killed. And when
//! the grace period runs out first, that connection counts as killed. The
//! listener closes when the stop begins: new clients are refused at once,
//! not left in its backlog until the held connection got its slot.

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
    genlet::run(async {
        while started.load(Ordering::SeqCst) == 0 {
            genlet::sleep(Duration::from_millis(1)).await;
        }
    });
    // The acceptor takes `b` and waits for the slot `a` holds.
    let b = send(addr, b"b");
    genlet::run(genlet::sleep(Duration::from_millis(20)));
    (server, a, b, started)
}

#[test]
fn the_connection_waiting_for_a_slot_is_served() {
    for round in 0..20 {
        let (server, a, b, _) = full_pool(Duration::from_millis(50), Arc::default());
        let killed = genlet::run(server.stop(Duration::from_secs(30)));
        assert_eq!(reply(a), Ok(b"a".to_vec()), "round {round}");
        assert_eq!(reply(b), Ok(b"b".to_vec()), "round {round}");
        assert_eq!(killed, 0, "round {round}");
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
