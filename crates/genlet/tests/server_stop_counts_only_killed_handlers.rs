//! `stop` returns the number of handlers (and held connections) it really
//! killed: none for a server that never had a connection, even with no
//! grace at all, and one for a server with one idle handler.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_lite::AsyncReadExt;

#[test]
fn a_server_without_connections_kills_nothing() {
    for round in 0..200 {
        let killed = genlet::run(async {
            let server =
                genlet::StreamServer::bind("127.0.0.1:0", |_conn, _peer| async {}).unwrap();
            server.stop(Duration::ZERO).await
        });
        assert_eq!(killed, 0, "round {round}");
    }
}

#[test]
fn one_idle_handler_is_one_killed() {
    for round in 0..50 {
        let started = Arc::new(AtomicUsize::new(0));
        let seen = started.clone();
        let server = genlet::run(async move {
            genlet::StreamServer::bind("127.0.0.1:0", move |mut conn, _peer| {
                seen.fetch_add(1, Ordering::SeqCst);
                async move {
                    let mut buf = [0; 1];
                    let _ = conn.read(&mut buf).await;
                    genlet::sleep(Duration::from_secs(3600)).await;
                }
            })
            .unwrap()
        });
        let mut client = TcpStream::connect(server.local_addr()).unwrap();
        client.write_all(b"x").unwrap();
        genlet::run(async {
            while started.load(Ordering::SeqCst) == 0 {
                genlet::sleep(Duration::from_millis(1)).await;
            }
        });
        let killed = genlet::run(server.stop(Duration::ZERO));
        assert_eq!(killed, 1, "round {round}");
    }
}
