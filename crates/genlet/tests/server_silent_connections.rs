//! Silent connections cannot starve a pool: by default their handlers' first
//! read fails after the first-byte timeout, which frees the slot; with
//! `await_first_byte` they take no slot at all and are closed after it, or
//! at once by a stop, which neither waits for them nor counts them killed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

/// Echoes one read; a read that fails closes the connection.
fn echo_once(builder: genlet::ServerBuilder) -> genlet::StreamServer {
    genlet::run(async {
        builder.bind("127.0.0.1:0", |mut conn, _peer| async move {
            let mut buf = [0; 16];
            if let Ok(n @ 1..) = conn.read(&mut buf).await {
                let _ = conn.write_all(&buf[..n]).await;
            }
        })
    })
    .unwrap()
}

fn ask(addr: std::net::SocketAddr) -> [u8; 5] {
    let mut client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    client.write_all(b"hello").unwrap();
    let mut reply = [0; 5];
    client.read_exact(&mut reply).unwrap();
    reply
}

fn closed_unanswered(silent: Vec<TcpStream>) {
    for mut s in silent {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = [0; 1];
        let read = s.read(&mut buf);
        assert!(matches!(read, Ok(0)) || read.is_err(), "closed: {read:?}");
    }
}

#[test]
fn by_default_silent_connections_free_their_slots_after_the_first_byte_timeout() {
    let server = echo_once(
        genlet::StreamServer::builder()
            .pool_size(2)
            .first_byte_timeout(Duration::from_millis(200)),
    );
    let addr = server.local_addr();
    let silent: Vec<_> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // Served once a silent one's handler gave up (the client's read timeout
    // of 30 s is the bound).
    assert_eq!(&ask(addr), b"hello");
    closed_unanswered(silent);
    assert_eq!(genlet::run(server.stop(Duration::from_secs(5))), 0);
}

#[test]
fn awaiting_the_first_byte_keeps_silent_connections_out_of_the_pool() {
    let server = echo_once(
        genlet::StreamServer::builder()
            .pool_size(2)
            .await_first_byte(true)
            .first_byte_timeout(Duration::from_secs(3600)),
    );
    let addr = server.local_addr();
    let silent: Vec<_> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // Served while both silent connections are held, for an hour at most.
    assert_eq!(&ask(addr), b"hello");
    drop(silent);
    assert_eq!(genlet::run(server.stop(Duration::from_secs(5))), 0);
}

#[test]
fn awaiting_the_first_byte_closes_silent_connections_after_the_timeout() {
    let server = genlet::run(async {
        genlet::StreamServer::builder()
            .pool_size(2)
            .await_first_byte(true)
            .first_byte_timeout(Duration::from_millis(300))
            .bind("127.0.0.1:0", |mut conn, _peer| async move {
                let mut buf = [0; 16];
                if let Ok(n @ 1..) = conn.read(&mut buf).await {
                    let _ = conn.write_all(&buf[..n]).await;
                }
            })
    })
    .unwrap();
    let addr = server.local_addr();
    let silent: Vec<_> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();

    // A normal client, while both silent connections are held.
    let mut client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    client.write_all(b"hello").unwrap();
    let mut reply = [0; 5];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"hello");

    // The silent ones are closed by the server, unanswered.
    for mut s in silent {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = [0; 1];
        let read = s.read(&mut buf);
        assert!(matches!(read, Ok(0)) || read.is_err(), "closed: {read:?}");
    }
    assert_eq!(genlet::run(server.stop(Duration::from_secs(5))), 0);
}

#[test]
fn a_stop_closes_connections_waiting_for_their_first_byte_at_once() {
    let server = echo_once(
        genlet::StreamServer::builder()
            .await_first_byte(true)
            .first_byte_timeout(Duration::from_secs(3600)),
    );
    let addr = server.local_addr();
    let silent: Vec<_> = (0..10).map(|_| TcpStream::connect(addr).unwrap()).collect();
    assert_eq!(&ask(addr), b"hello"); // all ten accepted by now
    // A grace of an hour: the stop must not wait it out for them.
    let stopped = genlet::run(genlet::timeout(
        Duration::from_secs(60),
        server.stop(Duration::from_secs(3600)),
    ));
    assert_eq!(stopped, Ok(0), "nothing was in flight: none killed");
    closed_unanswered(silent);
}

#[test]
fn nodelay_is_on_by_default_and_can_be_turned_off() {
    genlet::run(async {
        for (builder, expected) in [
            (genlet::StreamServer::builder(), true),
            (genlet::StreamServer::builder().nodelay(false), false),
        ] {
            let (tx, rx) = async_channel::bounded(1);
            let server = builder
                .bind("127.0.0.1:0", move |conn, _peer| {
                    let tx = tx.clone();
                    async move {
                        let _ = tx.send(conn.get_ref().nodelay().unwrap()).await;
                    }
                })
                .unwrap();
            let mut client = genlet::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap();
            client.write_all(b"x").await.unwrap();
            assert_eq!(rx.recv().await.unwrap(), expected);
            server.stop(Duration::from_secs(5)).await;
        }
    });
}
