//! A server's stop reaches its handlers (`Connection::stopping`) before it
//! waits for them, so handlers of idle connections finish in the grace
//! period and none is killed; over many rounds on a one-worker hub and the
//! default one.

mod common;

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt, FutureExt};

#[test]
fn idle_handlers_leave_when_told_and_none_is_killed() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..200 {
                let server = genlet::StreamServer::bind(
                    "127.0.0.1:0",
                    |mut conn: genlet::Connection, _| async move {
                        let stopping = conn.stopping();
                        assert!(!stopping.is_stopping());
                        let _ = conn.write_all(b"ready").await;
                        let mut buf = [0; 1];
                        let told = async {
                            stopping.wait().await;
                            true
                        }
                        .or(async {
                            let _ = conn.read(&mut buf).await;
                            false
                        })
                        .await;
                        assert!(told && stopping.is_stopping());
                    },
                )
                .unwrap();
                let mut client = genlet::net::TcpStream::connect(server.local_addr())
                    .await
                    .unwrap();
                let mut ready = [0; 5];
                client.read_exact(&mut ready).await.unwrap();
                let killed = server.stop(Duration::from_secs(60)).await;
                assert_eq!(killed, 0, "round {round}");
            }
        });
    });
}
