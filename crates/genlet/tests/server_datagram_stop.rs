//! `DatagramServer`: a handler per datagram; a panicking handler does not
//! stop it; `stop` stops receiving, waits for running handlers and kills
//! the ones past the grace period.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Counts itself when dropped.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A server that sleeps as many ms as the datagram says, then replies
/// `slept N`; "panic" makes the handler panic. `sleeping` counts handlers
/// that started a sleep of more than zero, `handled` every handler: it
/// counts when the handler's future is dropped (finished or killed).
fn start(sleeping: Arc<AtomicUsize>, handled: Arc<AtomicUsize>) -> genlet::DatagramServer {
    genlet::DatagramServer::bind("127.0.0.1:0", move |data, peer, socket| {
        let (sleeping, handled) = (sleeping.clone(), handled.clone());
        async move {
            let _gone = Counted(handled);
            let text = String::from_utf8_lossy(&data).to_string();
            if text == "panic" {
                panic!("handler asked to panic");
            }
            let ms: u64 = text.parse().unwrap_or(0);
            if ms > 0 {
                sleeping.fetch_add(1, Ordering::SeqCst);
            }
            genlet::sleep(Duration::from_millis(ms)).await;
            let _ = socket.send_to(format!("slept {ms}").as_bytes(), peer).await;
        }
    })
    .unwrap()
}

fn ask(socket: &UdpSocket, addr: SocketAddr, request: &str) -> String {
    socket.send_to(request.as_bytes(), addr).unwrap();
    let mut buf = [0; 64];
    let (n, _) = socket.recv_from(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).to_string()
}

#[test]
fn stop_waits_for_handlers_within_the_grace_period() {
    let (sleeping, handled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let server = genlet::run(async { start(sleeping.clone(), handled.clone()) });
    let addr = server.local_addr();
    let socket = common::udp_client();
    // One handler panics; the server keeps serving.
    socket.send_to(b"panic", addr).unwrap();
    assert_eq!(ask(&socket, addr, "0"), "slept 0");
    let slow = std::thread::spawn(move || ask(&socket, addr, "100"));
    let killed = genlet::run(async {
        common::until(|| sleeping.load(Ordering::SeqCst) == 1).await;
        server.stop(Duration::from_secs(30)).await
    });
    assert_eq!(killed, 0, "the handler finished within the grace period");
    assert_eq!(slow.join().unwrap(), "slept 100");
}

#[test]
fn stop_kills_handlers_past_the_grace_period_and_stops_receiving() {
    let (sleeping, handled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let server = genlet::run(async { start(sleeping.clone(), handled.clone()) });
    let addr = server.local_addr();
    let socket = common::udp_client();
    socket.send_to(b"3600000", addr).unwrap();
    let killed = genlet::run(async {
        common::until(|| sleeping.load(Ordering::SeqCst) == 1).await;
        server.stop(Duration::from_millis(20)).await
    });
    assert_eq!(killed, 1);
    assert_eq!(handled.load(Ordering::SeqCst), 1, "the handler was killed");
    // Stopped: a datagram sent now reaches no handler.
    let _ = socket.send_to(b"0", addr);
    genlet::run(genlet::sleep(Duration::from_millis(50)));
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}
