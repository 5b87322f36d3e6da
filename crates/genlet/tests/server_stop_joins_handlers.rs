//! `StreamServer::stop` stops accepting, waits for running handlers, kills
//! the ones past the grace period; a handler that panics does not stop the
//! server serving others.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

/// A server that sleeps as many ms as the request says, then replies
/// `slept N`; "panic" makes the handler panic. `sleeping` counts handlers
/// that started a sleep of more than zero.
fn start(sleeping: Arc<AtomicUsize>) -> genlet::StreamServer {
    genlet::StreamServer::bind("127.0.0.1:0", move |mut stream, _peer| {
        let sleeping = sleeping.clone();
        async move {
            let mut buf = [0; 64];
            let n = stream.read(&mut buf).await.unwrap_or(0);
            let text = String::from_utf8_lossy(&buf[..n]).to_string();
            if text == "panic" {
                panic!("handler asked to panic");
            }
            let ms: u64 = text.parse().unwrap_or(0);
            if ms > 0 {
                sleeping.fetch_add(1, Ordering::SeqCst);
            }
            genlet::sleep(Duration::from_millis(ms)).await;
            let _ = stream.write_all(format!("slept {ms}").as_bytes()).await;
        }
    })
    .unwrap()
}

fn ask(addr: std::net::SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply
}

#[test]
fn stop_joins_running_handlers_within_the_grace_period() {
    let sleeping = Arc::new(AtomicUsize::new(0));
    let server = genlet::run(async { start(sleeping.clone()) });
    let addr = server.local_addr();
    // One handler panics; the server keeps serving.
    assert_eq!(ask(addr, "panic"), "");
    assert_eq!(ask(addr, "0"), "slept 0");
    let slow = std::thread::spawn(move || ask(addr, "100"));
    // Wait until its handler runs.
    let killed = genlet::run(async {
        while sleeping.load(Ordering::SeqCst) == 0 {
            genlet::sleep(Duration::from_millis(1)).await;
        }
        server.stop(Duration::from_secs(30)).await
    });
    assert_eq!(killed, 0, "the handler finished within the grace period");
    assert_eq!(slow.join().unwrap(), "slept 100");
    // No longer accepting.
    assert!(TcpStream::connect(addr).is_err() || ask(addr, "0").is_empty());
}

#[test]
fn stop_kills_handlers_past_the_grace_period() {
    let sleeping = Arc::new(AtomicUsize::new(0));
    let server = genlet::run(async { start(sleeping.clone()) });
    let addr = server.local_addr();
    let stuck = std::thread::spawn(move || ask(addr, "3600000"));
    let killed = genlet::run(async {
        while sleeping.load(Ordering::SeqCst) == 0 {
            genlet::sleep(Duration::from_millis(1)).await;
        }
        server.stop(Duration::from_millis(20)).await
    });
    assert_eq!(killed, 1);
    // The killed handler's connection was closed: the client sees EOF.
    assert_eq!(stuck.join().unwrap(), "");
}
