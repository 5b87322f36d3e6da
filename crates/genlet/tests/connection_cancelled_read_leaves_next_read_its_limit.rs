//! A read the handler cancelled while it waited (inside `genlet::timeout`)
//! does not cut short the next read once the handler has answered: the
//! idle limit counts again from the answer. It used to count from the
//! cancelled read, so the next read failed with `TimedOut` at once,
//! cutting a client that sent its next request promptly.

mod common;

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

/// Longer than the idle limit: the handler's work before it answers.
const WORK: Duration = Duration::from_millis(1200);
const IDLE: Duration = Duration::from_millis(1000);

#[test]
fn the_next_read_waits_its_whole_limit() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let server = genlet::StreamServer::builder()
                .first_byte_timeout(IDLE)
                .idle_timeout(IDLE)
                .bind(
                    "127.0.0.1:0",
                    |mut conn: genlet::Connection, _| async move {
                        let mut buf = [0; 16];
                        let n = conn.read(&mut buf).await.unwrap();
                        assert_eq!(&buf[..n], b"req1");
                        // Look for more for a moment, then give up on it.
                        let more = genlet::timeout(Duration::from_millis(20), conn.read(&mut buf));
                        assert!(more.await.is_err(), "the client sent nothing more");
                        genlet::sleep(WORK).await;
                        conn.write_all(b"answer").await.unwrap();
                        let n = conn.read(&mut buf).await.expect("the next request");
                        assert_eq!(&buf[..n], b"req2");
                        conn.write_all(b"done").await.unwrap();
                    },
                )
                .unwrap();
            let mut client = genlet::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap();
            client.write_all(b"req1").await.unwrap();
            let mut answer = [0; 6];
            client.read_exact(&mut answer).await.unwrap();
            assert_eq!(&answer, b"answer");
            client.write_all(b"req2").await.unwrap();
            let mut done = [0; 4];
            client
                .read_exact(&mut done)
                .await
                .expect("the server answered the second request");
            assert_eq!(&done, b"done");
            server.stop(Duration::from_secs(5)).await;
        });
    });
}

/// The limit still holds for a peer that stays silent after the answer.
#[test]
fn a_silent_peer_still_times_out_after_the_answer() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let (tx, rx) = async_channel::bounded(1);
            let server = genlet::StreamServer::builder()
                .idle_timeout(Duration::from_millis(100))
                .bind("127.0.0.1:0", move |mut conn: genlet::Connection, _| {
                    let tx = tx.clone();
                    async move {
                        let mut buf = [0; 16];
                        conn.read(&mut buf).await.unwrap();
                        let more = genlet::timeout(Duration::from_millis(20), conn.read(&mut buf));
                        assert!(more.await.is_err());
                        conn.write_all(b"answer").await.unwrap();
                        let silence = conn.read(&mut buf).await;
                        tx.send(silence.map_err(|e| e.kind())).await.unwrap();
                    }
                })
                .unwrap();
            let mut client = genlet::net::TcpStream::connect(server.local_addr())
                .await
                .unwrap();
            client.write_all(b"req1").await.unwrap();
            let mut answer = [0; 6];
            client.read_exact(&mut answer).await.unwrap();
            assert_eq!(rx.recv().await.unwrap(), Err(std::io::ErrorKind::TimedOut));
            server.stop(Duration::from_secs(5)).await;
        });
    });
}
