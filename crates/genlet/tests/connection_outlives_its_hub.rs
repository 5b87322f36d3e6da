//! A `Connection` taken out of its handler and kept past its server's hub
//! (whose tasks, among them the one that watches the server's connections
//! for reads, drop with it) still reads: a read that waits is woken when
//! bytes come (the watcher, gone, marked its set dead, and the connection
//! waits with async-io's readiness instead), not left waiting for it.

use std::io::Write;
use std::net::TcpStream;
use std::pin::pin;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_lite::AsyncReadExt;
use genlet::reactor::Hub;

/// A waker that says whether it was woken.
#[derive(Default)]
struct Flag {
    woken: Mutex<bool>,
    changed: Condvar,
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        *self.woken.lock().unwrap() = true;
        self.changed.notify_all();
    }
}

impl Flag {
    /// Waits up to 30 s for a wake-up; whether one came. Clears it.
    fn wait(&self) -> bool {
        let woken = self.woken.lock().unwrap();
        let (mut woken, _) = self
            .changed
            .wait_timeout_while(woken, Duration::from_secs(30), |w| !*w)
            .unwrap();
        std::mem::take(&mut *woken)
    }
}

#[test]
fn a_connection_kept_past_its_hub_is_woken_for_its_reads() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let (kept, taken) = mpsc::channel();
    let (server, mut client) = hub.block_on(async move {
        let server =
            genlet::StreamServer::bind("127.0.0.1:0", move |mut conn: genlet::Connection, _| {
                let kept = kept.clone();
                async move {
                    let mut first = [0; 1];
                    conn.read_exact(&mut first).await.unwrap();
                    kept.send(conn).unwrap();
                }
            })
            .unwrap();
        let mut client = TcpStream::connect(server.local_addr()).unwrap();
        client.write_all(b"a").unwrap();
        (server, client)
    });
    let mut conn = taken.recv_timeout(Duration::from_secs(30)).unwrap();
    drop(server);
    drop(hub);

    // async-io's reactor, which now watches the socket, needs a driver.
    let _driver = std::thread::spawn(|| async_io::block_on(std::future::pending::<()>()));
    for message in [b"bc", b"de", b"fg"] {
        let flag = Arc::new(Flag::default());
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        let mut got = [0; 2];
        let mut read = pin!(conn.read_exact(&mut got));
        // Nothing sent yet: the read waits.
        assert!(read.as_mut().poll(&mut cx).is_pending());
        client.write_all(message).unwrap();
        assert!(flag.wait(), "the read was not woken for {message:?}");
        loop {
            match read.as_mut().poll(&mut cx) {
                Poll::Ready(result) => break result.unwrap(),
                // Woken early (a timer, a spurious wake): wait again.
                Poll::Pending => assert!(flag.wait(), "the read was not woken again"),
            }
        }
        assert_eq!(&got, message);
    }
}
