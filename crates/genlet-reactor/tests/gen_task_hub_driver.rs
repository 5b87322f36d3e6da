//! The hub driver carries requests out with real sockets and timers, and
//! answers bad socket ids with a failure instead of panicking.

use std::io::{ErrorKind, Read};
use std::net::TcpStream;
use std::time::Duration;

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{HubDriver, Reply, Request, SocketId};

mod listening;

#[test]
fn a_generator_serves_a_real_client() {
    let hub = Hub::new().unwrap();
    let driver = HubDriver::with_transcripts(hub.handle());
    let (id, addr) = listening::listen(&driver);
    let server = driver.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(id)).await else {
                return;
            };
            co.yield_(Request::WaitWritable(s)).await;
            co.yield_(Request::Send(s, b"hello".to_vec())).await;
            co.yield_(Request::Close(s)).await;
        },
    )));
    let mut client = TcpStream::connect(addr).unwrap();
    let mut got = String::new();
    client.read_to_string(&mut got).unwrap();
    assert_eq!(got, "hello");
    hub.block_on(server);
    let replies: Vec<Reply> = driver.transcripts()[0]
        .iter()
        .map(|s| s.reply.clone())
        .collect();
    assert_eq!(
        replies,
        [
            Reply::Accepted(SocketId(1)),
            Reply::Ready,
            Reply::Sent(5),
            Reply::Closed
        ]
    );
}

#[test]
fn bad_socket_ids_fail_clearly() {
    let hub = Hub::new().unwrap();
    let driver = HubDriver::with_transcripts(hub.handle());
    let task = driver.spawn(Box::pin(Gen::new(
        |co: Co<Request, Reply>, _: Reply| async move {
            co.yield_(Request::Recv(SocketId(7), 1)).await;
            co.yield_(Request::Accept(SocketId(7))).await;
            co.yield_(Request::Sleep(Duration::from_millis(1))).await;
        },
    )));
    hub.block_on(task);
    let replies: Vec<Reply> = driver.transcripts()[0]
        .iter()
        .map(|s| s.reply.clone())
        .collect();
    assert_eq!(
        replies,
        [
            Reply::Failed(ErrorKind::NotFound.into()),
            Reply::Failed(ErrorKind::NotFound.into()),
            Reply::Woke
        ]
    );
}
