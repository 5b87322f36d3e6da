//! The sum server under abuse, both ways of serving: a request split over
//! two writes is read whole; sums of clients that hung up are not computed,
//! so the next client is served; a full pool refuses with `error: busy`; a
//! drain answers every request in flight.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use genlet_workspace::demos::sumclient::request;
use genlet_workspace::demos::sumserver::{Config, Policy, QUIET, Server};

fn configs() -> Vec<Config> {
    let mut configs = Vec::new();
    for policy in Policy::ALL {
        for hub_tasks in [false, true] {
            let mut config = Config::new(policy);
            config.hub_tasks = hub_tasks;
            configs.push(config);
        }
    }
    configs
}

fn connect(addr: SocketAddr) -> TcpStream {
    let conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    conn
}

/// The two writes are 20 ms apart. A round in which this thread was kept
/// off the CPU until [`QUIET`] had passed between them (so the server was
/// right to take the first part as the whole request) is tried again, up to
/// 20 times.
#[test]
fn a_request_split_over_two_writes_is_read_whole() {
    for config in configs() {
        let server = Server::start(0, config.clone()).unwrap();
        let read_whole = (0..20).any(|_| {
            let mut conn = connect(server.addr());
            // Taken before the first write: the server's quiet can start
            // as soon as its bytes are sent.
            let first = Instant::now();
            conn.write_all(b"2").unwrap();
            std::thread::sleep(Duration::from_millis(20));
            let second = conn.write_all(b"5000\n");
            let quiet = first.elapsed();
            let mut reply = String::new();
            let read = conn.read_to_string(&mut reply);
            if quiet >= QUIET {
                // The server took "2" as the request and may have closed
                // with the rest unread: a reset for the write or the read.
                return false;
            }
            second.unwrap();
            read.unwrap();
            assert_eq!(reply, "312512500\n", "{config:?}");
            true
        });
        assert!(read_whole, "no round kept its writes within {QUIET:?}");
        // Without a newline, a request is complete once the client is quiet.
        assert_eq!(request(server.addr(), b"100").unwrap(), "5050");
    }
}

/// 40 clients ask for the largest sum (about 2 s each) and hang up. Had
/// their sums run, the next request would wait 40 s behind them on 2 cores;
/// its read timeout (20 s) fails the test then.
#[test]
fn sums_of_clients_that_hung_up_do_not_hold_up_the_next() {
    for config in configs() {
        let server = Server::start(0, config.clone()).unwrap();
        for _ in 0..40 {
            let mut hung = connect(server.addr());
            hung.write_all(b"1000000000\n").unwrap();
        }
        let mut conn = connect(server.addr());
        conn.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        conn.write_all(b"25000\n").unwrap();
        let mut reply = String::new();
        conn.read_to_string(&mut reply).unwrap();
        assert_eq!(reply, "312512500\n", "{config:?}");
    }
}

#[test]
fn a_full_pool_refuses_with_busy_and_serves_again_after() {
    for hub_tasks in [false, true] {
        let mut config = Config::new(Policy::Pool);
        config.hub_tasks = hub_tasks;
        config.max_queued = 0;
        let server = Server::start(0, config).unwrap();
        // Keep every pool thread busy with clients that stay.
        let busy: Vec<_> = (0..8)
            .map(|_| {
                let mut c = connect(server.addr());
                c.write_all(b"1000000000\n").unwrap();
                c
            })
            .collect();
        // Once the pool's threads have taken their sums (about 2 s each),
        // the next request is refused; until then it may still be served.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let reply = request(server.addr(), b"25000\n").unwrap();
            if reply == "error: busy, try again later" {
                break;
            }
            assert_eq!(reply, "312512500", "hub_tasks {hub_tasks}");
            assert!(Instant::now() < deadline, "never refused");
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(busy); // hung up: their sums stop
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let reply = request(server.addr(), b"25000\n").unwrap();
            if reply == "312512500" {
                break;
            }
            assert!(Instant::now() < deadline, "still {reply:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[test]
fn a_drain_answers_every_request_in_flight() {
    for config in configs() {
        let server = Server::start(0, config.clone()).unwrap();
        let clients: Vec<_> = (0..4)
            .map(|_| {
                let mut c = connect(server.addr());
                c.write_all(b"50000000\n").unwrap();
                c
            })
            .collect();
        while server.active() < 4 {
            std::thread::sleep(Duration::from_millis(1));
        }
        let left = genlet::run(server.drain(core::future::pending()));
        assert_eq!(left, 0);
        for mut c in clients {
            let mut reply = String::new();
            c.read_to_string(&mut reply).unwrap();
            assert_eq!(reply, "1250000025000000\n", "{config:?}");
        }
    }
}
