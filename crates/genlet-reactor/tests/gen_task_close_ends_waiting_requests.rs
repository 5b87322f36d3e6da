//! `Request::Close` ends the requests other tasks are waiting on with that
//! socket, at once and on both drivers: an `Accept` on a closed listener
//! (whose port then refuses connections), and a `Recv` on a closed
//! connection.

use std::io::ErrorKind;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{GenTask, HubDriver, Reply, Request, SimDriver, SocketId};

mod listening;

type Log = Arc<Mutex<Vec<String>>>;

/// Waits on `request`, then logs its reply.
fn waiter(request: Request, log: Log) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let reply = co.yield_(request).await;
            log.lock().unwrap().push(format!("waiter: {reply:?}"));
        },
    ))
}

/// Sleeps `after`, then closes `socket`.
fn closer(socket: SocketId, after: Duration) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            co.yield_(Request::Sleep(after)).await;
            assert_eq!(co.yield_(Request::Close(socket)).await, Reply::Closed);
        },
    ))
}

/// Sleeps `after`, then logs that it woke.
fn clock(after: Duration, log: Log) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            co.yield_(Request::Sleep(after)).await;
            log.lock().unwrap().push(format!("clock: {after:?}"));
        },
    ))
}

#[test]
fn hub_close_ends_a_waiting_accept_and_the_listener() {
    let hub = Hub::new().unwrap();
    for round in 0..50 {
        let driver = HubDriver::new(hub.handle());
        let (id, addr) = listening::listen(&driver);
        let log = Log::default();
        let waiting = driver.spawn(waiter(Request::Accept(id), log.clone()));
        let closing = driver.spawn(closer(id, Duration::from_millis(round % 3)));
        hub.block_on(async {
            closing.await;
            waiting.await;
        });
        assert_eq!(*log.lock().unwrap(), ["waiter: Failed(NotFound)"]);
        let refused = TcpStream::connect(addr).unwrap_err();
        assert_eq!(
            refused.kind(),
            ErrorKind::ConnectionRefused,
            "round {round}"
        );
    }
}

#[test]
fn sim_close_ends_a_waiting_accept_at_once() {
    let ms = Duration::from_millis;
    let mut sim = SimDriver::new();
    let listener = sim.add_listener();
    // A client long after the close, so the simulation has a later event.
    sim.connect(listener, ms(10_000), &[], ms(10_001));
    let log = Log::default();
    sim.spawn(waiter(Request::Accept(listener), log.clone()));
    sim.spawn(closer(listener, ms(5)));
    sim.spawn(clock(ms(6), log.clone()));
    sim.run();
    assert_eq!(
        *log.lock().unwrap(),
        ["waiter: Failed(NotFound)", "clock: 6ms"]
    );
}

#[test]
fn sim_close_ends_a_waiting_recv_at_once() {
    let ms = Duration::from_millis;
    let mut sim = SimDriver::new();
    let listener = sim.add_listener();
    sim.connect(listener, ms(1), &[], ms(10_000));
    let log = Log::default();
    let reader_log = log.clone();
    sim.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                panic!("no connection")
            };
            co.yield_(Request::Spawn(closer(s, ms(4)))).await;
            let reply = co.yield_(Request::Recv(s, 100)).await;
            reader_log
                .lock()
                .unwrap()
                .push(format!("waiter: {reply:?}"));
        },
    )));
    sim.spawn(clock(ms(6), log.clone()));
    sim.run();
    assert_eq!(
        *log.lock().unwrap(),
        ["waiter: Failed(NotFound)", "clock: 6ms"]
    );
}
