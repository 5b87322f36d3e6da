//! A connection's idle limit counts from each read that waits, not from
//! the first: a peer that sends a little at a time, each time within the
//! limit but over all for longer than it, is never cut. The timer a read
//! leaves filed when its data comes fires while a later read waits, and
//! must not end that read: it gets its whole limit.
//!
//! And the reverse: a limit shorter than the one a read left its timer
//! for (the first-byte timeout longer than the idle one) still holds.

mod common;

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

const IDLE: Duration = Duration::from_millis(1500);
/// Under the idle limit by a second (room for a loaded machine), and four
/// of them over it.
const GAP: Duration = Duration::from_millis(500);
const BYTES: usize = 4;

#[test]
fn a_peer_that_trickles_within_the_limit_is_never_cut() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let (tx, rx) = async_channel::bounded(1);
            let server = genlet::StreamServer::builder()
                .first_byte_timeout(IDLE)
                .idle_timeout(IDLE)
                .bind("127.0.0.1:0", move |mut conn: genlet::Connection, _| {
                    let tx = tx.clone();
                    async move {
                        let mut got = Vec::new();
                        let mut buf = [0; 16];
                        let end = loop {
                            match conn.read(&mut buf).await {
                                Ok(0) => break Ok(()),
                                Ok(n) => got.extend_from_slice(&buf[..n]),
                                Err(e) => break Err(e.kind()),
                            }
                        };
                        tx.send((got, end)).await.unwrap();
                    }
                })
                .unwrap();
            let mut client = genlet::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap();
            for i in 0..BYTES {
                genlet::sleep(GAP).await;
                client.write_all(&[b'a' + i as u8]).await.unwrap();
            }
            genlet::sleep(GAP).await;
            client.close().await.unwrap();
            let (got, end) = rx.recv().await.unwrap();
            assert_eq!((got.as_slice(), end), (&b"abcd"[..], Ok(())));
            server.stop(Duration::from_secs(5)).await;
        });
    });
}

#[test]
fn a_shorter_idle_limit_still_cuts_after_a_longer_first_byte_wait() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let (tx, rx) = async_channel::bounded(1);
            let server = genlet::StreamServer::builder()
                .first_byte_timeout(Duration::from_secs(60))
                .idle_timeout(Duration::from_millis(100))
                .bind("127.0.0.1:0", move |mut conn: genlet::Connection, _| {
                    let tx = tx.clone();
                    async move {
                        let mut buf = [0; 16];
                        // Waits, its timer filed a minute ahead.
                        let first = conn.read(&mut buf).await.map_err(|e| e.kind());
                        let silence = conn.read(&mut buf).await.map_err(|e| e.kind());
                        tx.send((first, silence)).await.unwrap();
                    }
                })
                .unwrap();
            let mut client = genlet::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap();
            genlet::sleep(Duration::from_millis(50)).await;
            client.write_all(b"x").await.unwrap();
            let told = genlet::timeout(Duration::from_secs(30), rx.recv()).await;
            let told = told.expect("the idle limit, not the first-byte one, ended the read");
            assert_eq!(told.unwrap(), (Ok(1), Err(std::io::ErrorKind::TimedOut)));
            server.stop(Duration::from_secs(5)).await;
        });
    });
}
