//! Connections that never send a byte take no handler slot and are closed
//! after the first-byte timeout: a pool of 2 held by 2 silent connections
//! still serves a normal client at once.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

#[test]
fn silent_connections_do_not_starve_the_pool() {
    let server = genlet::run(async {
        genlet::StreamServer::builder()
            .pool_size(2)
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
