//! An accepted connection that no task ever names is not kept for ever: it
//! is closed when the task that accepted it ends, or when the handler that
//! task spawned next (which takes it) ends, on both drivers. So an acceptor
//! that returns, or a handler that fails before touching its connection,
//! leaks no socket, and the peer sees the end.

use std::io::Read;
use std::net::TcpStream;
use std::time::Duration;

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{GenTask, HubDriver, Reply, Request, SimDriver, SocketId};

mod listening;

fn task<Fut>(body: impl FnOnce(Co<Request, Reply>, Reply) -> Fut + Send + 'static) -> GenTask
where
    Fut: Future<Output = ()> + Send + 'static,
{
    Box::pin(Gen::new(body))
}

/// Accepts one connection on `listener` and returns.
fn accept_once(listener: SocketId) -> GenTask {
    task(move |co, _| async move {
        let reply = co.yield_(Request::Accept(listener)).await;
        assert!(matches!(reply, Reply::Accepted(_)), "{reply:?}");
    })
}

/// Accepts `n` connections, spawning for each a handler that never names it.
fn accept_and_forget(listener: SocketId, n: usize) -> GenTask {
    task(move |co, _| async move {
        for _ in 0..n {
            let Reply::Accepted(_) = co.yield_(Request::Accept(listener)).await else {
                return;
            };
            let forgetful = task(|co, _| async move {
                co.yield_(Request::Yield).await;
            });
            co.yield_(Request::Spawn(forgetful)).await;
        }
    })
}

/// The peer's read until the end: the end must come.
fn read_to_end(peer: &mut TcpStream) {
    peer.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut rest = Vec::new();
    assert_eq!(
        peer.read_to_end(&mut rest).expect("the peer saw the end"),
        0
    );
}

fn serving(hub: &Hub) -> (HubDriver, SocketId, std::net::SocketAddr) {
    let driver = HubDriver::new(hub.handle());
    let (id, addr) = listening::listen(&driver);
    (driver, id, addr)
}

#[test]
fn the_hub_closes_a_connection_its_acceptor_left_unnamed() {
    let hub = Hub::new().unwrap();
    let (driver, listener, addr) = serving(&hub);
    let acceptor = driver.spawn(accept_once(listener));
    let mut peer = TcpStream::connect(addr).unwrap();
    hub.block_on(acceptor);
    read_to_end(&mut peer);
}

#[test]
fn the_hub_closes_connections_handed_to_handlers_that_never_used_them() {
    for hub in [
        Hub::builder().workers(1).build().unwrap(),
        Hub::new().unwrap(),
    ] {
        let (driver, listener, addr) = serving(&hub);
        let rounds = 100;
        let _acceptor = driver.spawn(accept_and_forget(listener, rounds));
        for _ in 0..rounds {
            let mut peer = TcpStream::connect(addr).unwrap();
            read_to_end(&mut peer);
        }
    }
}

#[test]
fn the_simulation_closes_them_too() {
    let mut sim = SimDriver::new();
    let listener = sim.add_listener();
    let at = Duration::from_millis(1);
    sim.connect(listener, at, &[(at, b"hello")], at * 10);
    sim.spawn(accept_once(listener));
    // Later, a task that was never given the connection finds it closed.
    sim.spawn(task(|co, _| async move {
        co.yield_(Request::Sleep(Duration::from_millis(5))).await;
        let reply = co.yield_(Request::Recv(SocketId(1), 16)).await;
        assert_eq!(reply, Reply::Failed(std::io::ErrorKind::NotFound.into()));
    }));
    sim.run();
    let accepted = &sim.transcripts()[0][0];
    assert_eq!(accepted.reply, Reply::Accepted(SocketId(1)), "{accepted}");
    assert_eq!(sim.transcripts()[1].len(), 2, "the late reader ran");
}
