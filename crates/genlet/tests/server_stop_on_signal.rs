//! A server with requests in flight receives SIGTERM: it stops accepting,
//! answers every request in flight, and returns with none killed; a second
//! signal during the grace period kills the handlers at once. (One test in
//! this file: signals go to the whole process.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

fn send_sigterm() {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("the kill command runs");
    assert!(status.success());
}

/// A server whose handlers read a request, count themselves as in flight,
/// sleep as many ms as the request says, then reply `done N`.
fn sleeper(in_flight: Arc<AtomicUsize>) -> genlet::StreamServer {
    genlet::StreamServer::bind("127.0.0.1:0", move |mut conn, _peer| {
        let in_flight = in_flight.clone();
        async move {
            let mut buf = [0; 32];
            let n = conn.read(&mut buf).await.unwrap_or(0);
            let ms: u64 = String::from_utf8_lossy(&buf[..n]).parse().unwrap_or(0);
            in_flight.fetch_add(1, Ordering::SeqCst);
            genlet::sleep(Duration::from_millis(ms)).await;
            let _ = conn.write_all(format!("done {ms}").as_bytes()).await;
        }
    })
    .unwrap()
}

fn ask(addr: std::net::SocketAddr, request: &str) -> std::thread::JoinHandle<String> {
    let request = request.to_owned();
    std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        reply
    })
}

#[test]
fn sigterm_drains_in_flight_requests_and_a_second_signal_cuts() {
    let mut signals = genlet::Signals::new().unwrap();

    // The first signal drains: all four requests in flight are answered.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let server = sleeper(in_flight.clone());
    let addr = server.local_addr();
    let clients: Vec<_> = (0..4).map(|_| ask(addr, "300")).collect();
    let killed = genlet::run(async {
        let stop = genlet::spawn(async move {
            server
                .stop_on_signal(&mut signals, Duration::from_secs(20))
                .await
                .map(|k| (k, signals))
        });
        while in_flight.load(Ordering::SeqCst) < 4 {
            genlet::sleep(Duration::from_millis(1)).await;
        }
        send_sigterm();
        stop.await.unwrap().unwrap()
    });
    let (killed, mut signals) = killed;
    assert_eq!(killed, 0);
    for client in clients {
        assert_eq!(client.join().unwrap(), "done 300");
    }
    // It stopped accepting: a new connection is refused or never served.
    if let Ok(mut late) = TcpStream::connect(addr) {
        late.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = late.write_all(b"1");
        let mut reply = String::new();
        let _ = late.read_to_string(&mut reply);
        assert_eq!(reply, "");
    }

    // A second signal during the grace period kills the stuck handler.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let server = sleeper(in_flight.clone());
    let stuck = ask(server.local_addr(), "3600000");
    let killed = genlet::run(async {
        let stop = genlet::spawn(async move {
            server
                .stop_on_signal(&mut signals, Duration::from_secs(3600))
                .await
        });
        while in_flight.load(Ordering::SeqCst) < 1 {
            genlet::sleep(Duration::from_millis(1)).await;
        }
        send_sigterm(); // drains
        send_sigterm(); // cuts the drain short
        stop.await.unwrap().unwrap()
    });
    assert_eq!(killed, 1);
    assert_eq!(
        stuck.join().unwrap(),
        "",
        "the killed handler's connection closed unanswered"
    );
}
