//! A server's handlers are named `server peer`: the same name in the
//! blocking detector's report and in the panic report. (One test in this
//! file: the panic hook is global.)

use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_lite::AsyncReadExt;

#[test]
fn blocking_and_panicking_handlers_are_reported_by_their_name() {
    let (blocked_tx, blocked_rx) = std::sync::mpsc::channel::<String>();
    let blocked_tx = Mutex::new(blocked_tx);
    let hub = genlet::reactor::Hub::builder()
        .workers(1)
        .detect_blocking(Duration::from_millis(20))
        .on_blocking(move |report| {
            let _ = blocked_tx.lock().unwrap().send(report.task().to_owned());
        })
        .build()
        .unwrap();
    let panics = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = panics.clone();
    genlet::set_panic_hook(move |err| log.lock().unwrap().push(err.name().to_owned()));

    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let server = hub
        .block_on(async {
            genlet::StreamServer::builder().name("api").bind(
                "127.0.0.1:0",
                move |mut conn, _peer| {
                    let release_rx = release_rx.clone();
                    async move {
                        let mut buf = [0; 16];
                        let n = conn.read(&mut buf).await.unwrap_or(0);
                        if &buf[..n] == b"block" {
                            // Blocks its thread until the detector reported it.
                            let _ = release_rx
                                .lock()
                                .unwrap()
                                .recv_timeout(Duration::from_secs(30));
                        } else {
                            panic!("asked to panic");
                        }
                    }
                },
            )
        })
        .unwrap();

    let mut blocker = TcpStream::connect(server.local_addr()).unwrap();
    let expected = format!("api {}", blocker.local_addr().unwrap());
    blocker.write_all(b"block").unwrap();
    let named = blocked_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a blocking report");
    release_tx.send(()).unwrap();
    assert_eq!(named, expected);

    let mut panicker = TcpStream::connect(server.local_addr()).unwrap();
    let expected = format!("api {}", panicker.local_addr().unwrap());
    panicker.write_all(b"panic").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while panics.lock().unwrap().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(*panics.lock().unwrap(), [expected]);
    hub.block_on(server.stop(Duration::from_secs(5)));
    genlet::reset_panic_hook();
}
