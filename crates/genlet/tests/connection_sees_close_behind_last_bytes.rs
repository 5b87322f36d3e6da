//! A peer that sends its last bytes and closes at once: the bytes and the
//! close can reach the server in one readiness event, and the read that
//! returns the bytes comes up short (a `Connection` then guesses the socket
//! is empty and waits). The end of stream behind them must still be read,
//! not waited for forever: every handler reads to the end, answers with
//! what it got, and the client reads that answer. Four clients side by
//! side, a hundred connections each, on a one-worker hub and on the default
//! hub.

mod common;

use std::net::Shutdown;
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

const CLIENTS: usize = 4;
const ROUNDS: usize = 100;

#[test]
fn the_end_of_stream_after_the_last_bytes_is_read() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let server = genlet::StreamServer::bind(
                "127.0.0.1:0",
                |mut conn: genlet::Connection, _| async move {
                    let mut got = Vec::new();
                    let mut buf = [0; 64];
                    loop {
                        match conn.read(&mut buf).await {
                            Ok(0) => break,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                            Err(e) => panic!("read: {e}"),
                        }
                    }
                    let _ = conn.write_all(&got).await;
                },
            )
            .unwrap();
            let addr = server.local_addr();
            // Clients side by side, so that keys in the server's set are
            // freed and reused while events for them are in flight.
            let clients: Vec<_> = (0..CLIENTS)
                .map(|client| {
                    genlet::spawn(async move {
                        for round in 0..ROUNDS {
                            let message = format!("client {client} round {round}");
                            let mut stream = genlet::net::TcpStream::connect(addr).await.unwrap();
                            stream.write_all(message.as_bytes()).await.unwrap();
                            stream.shutdown(Shutdown::Write).unwrap();
                            let mut answer = String::new();
                            genlet::timeout(
                                Duration::from_secs(30),
                                stream.read_to_string(&mut answer),
                            )
                            .await
                            .unwrap_or_else(|_| panic!("{message}: the close was never seen"))
                            .unwrap();
                            assert_eq!(answer, message);
                        }
                    })
                })
                .collect();
            for client in clients {
                client.await.expect("every answer came whole");
            }
            assert_eq!(server.stop(Duration::from_secs(30)).await, 0);
        });
    });
}
