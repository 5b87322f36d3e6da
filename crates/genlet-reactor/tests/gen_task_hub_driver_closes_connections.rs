//! The hub driver keeps no connection a generator is done with: one closed
//! while another task waits on it wakes that task (`NotFound`, as the
//! simulation answers) and the peer sees the end at once; one that every
//! task naming it left without closing (returned or panicked) is closed.
//! And a `Recv` of any length reads at most `MAX_RECV` bytes, without
//! allocating what it asked for.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{HubDriver, MAX_RECV, Reply, Request, SocketId};

mod listening;

/// A driver on `hub` with a listener; its address.
fn serving(hub: &Hub) -> (HubDriver, SocketId, std::net::SocketAddr) {
    let driver = HubDriver::with_transcripts(hub.handle());
    let (id, addr) = listening::listen(&driver);
    (driver, id, addr)
}

fn client(addr: std::net::SocketAddr) -> TcpStream {
    let client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    client
}

#[test]
fn closing_a_connection_another_task_reads_wakes_it_and_ends_the_peer() {
    let hub = Hub::new().unwrap();
    let (driver, listener, addr) = serving(&hub);
    let server = driver.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                return;
            };
            // A reader that waits on the connection...
            let reader = Box::pin(Gen::new(
                move |co: Co<Request, Reply>, _: Reply| async move {
                    co.yield_(Request::Recv(s, 16)).await;
                },
            ));
            co.yield_(Request::Spawn(reader)).await;
            co.yield_(Request::Sleep(Duration::from_millis(20))).await;
            // ...and this task closes it.
            co.yield_(Request::Close(s)).await;
        },
    )));
    let mut peer = client(addr);
    let mut rest = Vec::new();
    assert_eq!(
        peer.read_to_end(&mut rest).unwrap(),
        0,
        "the peer sees the end"
    );
    hub.block_on(server);
    // The reader's reply comes once it ran.
    hub.block_on(async {
        while driver.transcripts().get(1).is_none_or(Vec::is_empty) {
            genlet_reactor::sleep(Duration::from_millis(1)).await;
        }
    });
    assert_eq!(
        driver.transcripts()[1][0].reply,
        Reply::Failed(ErrorKind::NotFound.into())
    );
}

#[test]
fn a_connection_every_user_left_open_is_closed() {
    let hub = Hub::new().unwrap();
    let (driver, listener, addr) = serving(&hub);
    // Accepts 20 connections; each handler reads one message and returns
    // (every other one panics) without closing.
    let _acceptor = driver.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            for n in 0..20 {
                let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                    return;
                };
                let handler = Box::pin(Gen::new(
                    move |co: Co<Request, Reply>, _: Reply| async move {
                        co.yield_(Request::Recv(s, 16)).await;
                        assert!(n % 2 == 0, "handler {n} panics");
                    },
                ));
                co.yield_(Request::Spawn(handler)).await;
            }
        },
    )));
    for _ in 0..20 {
        let mut peer = client(addr);
        peer.write_all(b"hi").unwrap();
        let mut rest = Vec::new();
        // Before, the connection stayed open for good: this timed out.
        assert_eq!(peer.read_to_end(&mut rest).unwrap(), 0);
    }
}

#[test]
fn a_recv_of_any_length_reads_at_most_max_recv() {
    let hub = Hub::new().unwrap();
    let (driver, listener, addr) = serving(&hub);
    let server = driver.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                return;
            };
            co.yield_(Request::Recv(s, 0)).await;
            for max in [1 << 40, usize::MAX] {
                co.yield_(Request::Recv(s, max)).await;
            }
            co.yield_(Request::Close(s)).await;
        },
    )));
    let mut peer = client(addr);
    peer.write_all(&vec![7; 3 * MAX_RECV]).unwrap();
    let mut rest = Vec::new();
    peer.read_to_end(&mut rest).unwrap();
    hub.block_on(server);
    let replies = &driver.transcripts()[0];
    assert_eq!(
        replies[1].reply,
        Reply::Failed(ErrorKind::InvalidInput.into())
    );
    for step in &replies[2..4] {
        let Reply::Received(bytes) = &step.reply else {
            panic!("{step}");
        };
        assert!(
            !bytes.is_empty() && bytes.len() <= MAX_RECV,
            "{}",
            bytes.len()
        );
    }
}
