//! tokio-based code inside greenlets through `genlet::compat`: tokio's
//! sockets and timers work, a kill drops them, a genlet timeout bounds them.

#![cfg(feature = "tokio-compat")]

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet::compat::CompatExt;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

#[test]
fn a_tokio_socket_talks_to_a_genlet_server() {
    genlet::run(async {
        let server = genlet::StreamServer::bind(
            "127.0.0.1:0",
            |mut conn: genlet::Connection, _| async move {
                let mut buf = [0; 5];
                if conn.read_exact(&mut buf).await.is_ok() {
                    let _ = conn.write_all(&buf).await;
                }
            },
        )
        .unwrap();
        let addr = server.local_addr();
        let greenlets: Vec<_> = (0..20)
            .map(|i| {
                genlet::spawn(
                    async move {
                        let mut stream = tokio::net::TcpStream::connect(addr).await?;
                        let message = format!("{i:05}");
                        stream.write_all(message.as_bytes()).await?;
                        let mut echo = [0; 5];
                        stream.read_exact(&mut echo).await?;
                        assert_eq!(&echo, message.as_bytes());
                        Ok::<_, std::io::Error>(i)
                    }
                    .compat(),
                )
            })
            .collect();
        for (i, g) in greenlets.into_iter().enumerate() {
            assert_eq!(g.join().await.unwrap().unwrap(), i);
        }
        server.stop(Duration::from_secs(5)).await;
    });
}

#[test]
fn a_killed_greenlet_drops_its_tokio_socket() {
    genlet::run(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .compat()
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let reader = genlet::spawn(
            async move {
                let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                let mut buf = [0; 1];
                let _ = stream.read(&mut buf).await; // waits: nothing is sent
            }
            .compat(),
        );
        let (mut accepted, _) = listener.accept().compat().await.unwrap();
        reader.kill().await;
        // The killed greenlet's socket is closed: the peer reads EOF.
        let mut buf = [0; 1];
        let read = genlet::timeout(Duration::from_secs(20), accepted.read(&mut buf).compat())
            .await
            .expect("the socket was closed");
        assert_eq!(read.unwrap(), 0);
    });
}

#[test]
fn a_genlet_timeout_bounds_a_tokio_sleep() {
    let elapsed = genlet::run(genlet::timeout(
        Duration::from_millis(20),
        // Made inside the wrapped block: tokio's constructors look for the
        // runtime too.
        async { tokio::time::sleep(Duration::from_secs(3600)).await }.compat(),
    ));
    assert!(elapsed.is_err());
}
