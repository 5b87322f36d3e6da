//! A `StreamServer` dropped after serving leaves no descriptor open: its
//! listener, its connections' sockets and its edge-triggered read set (on
//! Linux, an epoll descriptor in async-io's reactor, with the task that
//! drains it) all close. Hundreds of servers bound, used and
//! dropped, on a one-worker hub and on the default one, leave the process's
//! descriptor count where it was.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

const ROUNDS: usize = 200;
/// Descriptors a hub and async-io's reactor may open once and keep.
const SLACK: usize = 8;

/// The process's open descriptors (`None` where `/proc` is missing).
fn open_descriptors() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

/// Binds an echo server, has two clients use it, closes them, then stops
/// the server (which drops it).
async fn serve_once() {
    let server = genlet::StreamServer::bind(
        "127.0.0.1:0",
        |mut conn: genlet::Connection, _| async move {
            let mut buf = [0; 16];
            while let Ok(n @ 1..) = conn.read(&mut buf).await {
                if conn.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        },
    )
    .unwrap();
    let addr = server.local_addr();
    let clients = genlet::spawn_blocking(move || {
        for message in [b"one", b"two"] {
            let mut client = TcpStream::connect(addr).unwrap();
            client
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            client.write_all(message).unwrap();
            let mut got = [0; 3];
            client.read_exact(&mut got).unwrap();
            assert_eq!(&got, message);
        }
    });
    clients.await.expect("the clients got their echoes");
    server.stop(Duration::from_secs(30)).await;
}

#[test]
fn dropped_servers_leave_no_descriptor_open() {
    let Some(before) = open_descriptors() else {
        eprintln!("no /proc/self/fd here: nothing to count");
        return;
    };
    common::on_each_hub(|hub| {
        let after = hub.block_on(async {
            for _ in 0..ROUNDS {
                serve_once().await;
            }
            // Handlers and sockets close as their tasks end: wait for it (a
            // minute at most), allowing for the few descriptors a hub and
            // async-io's reactor open once; the assert below says how many.
            common::within_a_minute(|| open_descriptors().unwrap() <= before + SLACK).await;
            open_descriptors().unwrap()
        });
        assert!(
            after <= before + SLACK,
            "{before} descriptors open before {ROUNDS} servers, {after} after"
        );
    });
}
