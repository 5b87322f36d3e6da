//! A `Recv` that reads less than it asked for hands back a buffer of about
//! what it read: a generator that keeps the chunks it received does not keep
//! a 64 KiB allocation for each few bytes.

use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc;

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{HubDriver, MAX_RECV, Reply, Request};

mod listening;

#[test]
fn a_short_read_keeps_no_big_buffer() {
    let hub = Hub::new().unwrap();
    let driver = HubDriver::new(hub.handle());
    let (listener, addr) = listening::listen(&driver);
    let (chunks, received) = mpsc::channel();
    let reader = driver.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                return;
            };
            if let Reply::Received(bytes) = co.yield_(Request::Recv(s, MAX_RECV)).await {
                chunks.send((bytes.len(), bytes.capacity())).unwrap();
            }
        },
    )));
    let mut peer = TcpStream::connect(addr).unwrap();
    peer.write_all(b"hello").unwrap();
    hub.block_on(reader);
    let (len, capacity) = received.recv().unwrap();
    assert_eq!(len, 5);
    assert!(
        capacity < MAX_RECV / 2,
        "5 bytes kept a buffer of {capacity}"
    );
}
