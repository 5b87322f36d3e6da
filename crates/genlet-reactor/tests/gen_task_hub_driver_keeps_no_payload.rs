//! A `HubDriver` made by `HubDriver::new` keeps nothing of past requests: an
//! echo server written as generator tasks holds no more memory after echoing
//! megabytes than before (with transcripts it would hold several times its
//! traffic). Memory is measured by a counting global allocator (this file
//! holds one test, so nothing else allocates meanwhile).

use std::io::{Read, Write};
use std::net::TcpStream;

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{GenTask, HubDriver, Reply, Request, SocketId};

mod common;

use common::in_use;

mod listening;

/// Echoes one connection until its end, then closes it.
fn echo(listener: SocketId) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                return;
            };
            loop {
                match co.yield_(Request::Recv(s, 16 * 1024)).await {
                    Reply::Received(bytes) if !bytes.is_empty() => {
                        co.yield_(Request::Send(s, bytes)).await;
                    }
                    _ => break,
                }
            }
            co.yield_(Request::Close(s)).await;
        },
    ))
}

/// Sends `total` bytes through one connection and reads them back.
fn client(addr: std::net::SocketAddr, total: usize) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut back = vec![0; 64 * 1024];
    let mut sent = 0;
    while sent < total {
        stream.write_all(&chunk).unwrap();
        stream.read_exact(&mut back).unwrap();
        sent += chunk.len();
    }
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(stream.read(&mut back).unwrap(), 0, "the server closes");
}

const MB: usize = 1024 * 1024;

#[test]
fn an_echo_server_keeps_none_of_its_traffic() {
    let hub = Hub::builder().workers(1).build().unwrap();
    let driver = HubDriver::new(hub.handle());
    let (id, addr) = listening::listen(&driver);

    // Warm up: one connection, so the hub and the reactor allocated what
    // later ones reuse.
    let server = driver.spawn(echo(id));
    client(addr, MB);
    hub.block_on(server);
    let start = in_use();

    let mut echoed = 0;
    for _ in 0..4 {
        let server = driver.spawn(echo(id));
        client(addr, 2 * MB);
        hub.block_on(server);
        echoed += 2 * MB;
    }
    let grown = in_use() - start;
    println!("bytes in use beyond the start after echoing {echoed}: {grown}");
    // Kept traffic would be several times `echoed` (8 MB); allow 1 MB of
    // allocator noise (socket buffers, a task's stack of futures).
    assert!(
        grown < MB as isize,
        "{grown} bytes more after echoing {echoed}"
    );
    assert!(driver.transcripts().is_empty());
}
