//! The sum server over a real socket, both ways of serving: correct sums,
//! a one-line error for each kind of malformed request, and the server keeps
//! serving after every one of them.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use genlet_workspace::demos::sumclient::request;
use genlet_workspace::demos::sumserver::{Config, MAX_N, Policy, Server};

/// Sends `payload`, then closes our side, and reads the reply.
fn send_and_close(addr: SocketAddr, payload: &[u8]) -> String {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    conn.write_all(payload).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    reply
}

fn check_protocol(config: Config) {
    let server = Server::start(0, config).unwrap();
    let addr = server.addr();
    let ok = |payload: &[u8], expected: &str| {
        assert_eq!(request(addr, payload).unwrap(), expected, "{payload:?}");
    };
    ok(b"25000", "312512500"); // the post's n
    ok(b"1", "1");
    ok(b"0", "0");
    ok(b"100\n", "5050");
    ok(b"100\r\n", "5050");

    let refused = |payload: &[u8], reason: &str| {
        let reply = send_and_close(addr, payload);
        assert_eq!(reply, format!("error: {reason}\n"), "{payload:?}");
        // The server goes on serving after each.
        ok(b"10", "55");
    };
    refused(b"", "empty request");
    refused(b"\n", "empty request");
    refused(b"12a", "not a decimal number: \"12a\"");
    refused(b"-5", "not a decimal number: \"-5\"");
    refused(b" 5", "not a decimal number: \" 5\"");
    refused(b"1000000001", &format!("n must be at most {MAX_N}"));
    refused(b"99999999999999999", "request longer than 16 bytes");
    refused(&[b'7'; 5000], "request longer than 16 bytes");
    refused(&[0xff, 0xfe], "not a decimal number: \"\u{fffd}\u{fffd}\"");

    // A client that connects and goes away without a word.
    drop(TcpStream::connect(addr).unwrap());
    ok(b"3", "6");
}

#[test]
fn threads_serve_sums_and_refuse_malformed_requests() {
    for policy in Policy::ALL {
        check_protocol(Config::new(policy));
    }
}

#[test]
fn hub_tasks_serve_sums_and_refuse_malformed_requests() {
    for policy in Policy::ALL {
        let mut config = Config::new(policy);
        config.hub_tasks = true;
        check_protocol(config);
    }
}

#[test]
fn a_silent_client_times_out_with_an_error_and_others_are_served() {
    for hub_tasks in [false, true] {
        let mut config = Config::new(Policy::Pool);
        config.hub_tasks = hub_tasks;
        // Long enough that the other client, sent at once, is served first
        // even on a loaded machine.
        config.request_timeout = Duration::from_millis(500);
        let server = Server::start(0, config).unwrap();
        let mut silent = TcpStream::connect(server.addr()).unwrap();
        // Served while the silent one waits.
        assert_eq!(request(server.addr(), b"4").unwrap(), "10");
        silent
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut reply = String::new();
        silent.read_to_string(&mut reply).unwrap();
        assert_eq!(
            reply, "error: no request in time\n",
            "hub tasks: {hub_tasks}"
        );
    }
}
