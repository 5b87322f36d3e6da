//! The server examples drain on SIGTERM and exit 0: `sumserver` (a thread
//! per connection, and hub tasks) answers every request in flight first;
//! `iotest --serve` stops. A second signal ends a drain at once.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Starts example `name` with `args`; returns it and the port it printed.
fn start(name: &str, args: &[&str]) -> (Child, u16) {
    let dir = common::example_dir(&[name.to_owned()]);
    let mut child = Command::new(dir.join(name))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (
        child,
        line.trim().parse().expect("the example prints its port"),
    )
}

/// Reads the example's stderr until a line containing `text`.
fn wait_for_line(child: &mut Child, text: &str) {
    let mut stderr = BufReader::new(child.stderr.as_mut().unwrap());
    let mut line = String::new();
    while !line.contains(text) {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no line with {text:?}"
        );
    }
}

fn signal(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn ask(port: u16, request: &[u8]) -> std::thread::JoinHandle<String> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    conn.write_all(request).unwrap();
    std::thread::spawn(move || {
        let mut reply = String::new();
        let _ = conn.read_to_string(&mut reply);
        reply
    })
}

#[test]
fn sumserver_answers_requests_in_flight_then_exits_0() {
    for mode in [&["--apply", "pool"][..], &["--apply", "pool", "--async"]] {
        let (mut server, port) = start("sumserver", mode);
        let clients: Vec<_> = (0..4).map(|_| ask(port, b"20000000\n")).collect();
        // Connections are accepted in order: once a later one is answered,
        // the four are in flight.
        assert_eq!(ask(port, b"1\n").join().unwrap(), "1\n");
        signal(&server);
        for client in clients {
            assert_eq!(client.join().unwrap(), "200000010000000\n", "{mode:?}");
        }
        let status = server.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{mode:?}");
    }
}

#[test]
fn sumserver_stops_at_once_on_a_second_signal() {
    let (mut server, port) = start("sumserver", &["--apply", "pool"]);
    let stuck = ask(port, b"1000000000\n"); // seconds of work
    assert_eq!(ask(port, b"1\n").join().unwrap(), "1\n");
    signal(&server); // drains
    wait_for_line(&mut server, "in flight");
    signal(&server); // cuts the drain short
    assert_eq!(server.wait().unwrap().code(), Some(0));
    drop(stuck);
}

#[test]
fn iotest_serve_stops_on_sigterm() {
    let (mut server, _port) = start("iotest", &["--serve", "--spinners", "1"]);
    signal(&server);
    assert_eq!(server.wait().unwrap().code(), Some(0));
}

#[test]
fn http_hello_closes_idle_keep_alive_connections_on_sigterm() {
    // A grace of an hour: the stop must not wait for the idle connection.
    let (mut server, port) = start("http_hello", &["--grace-ms", "3600000"]);
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        .unwrap();
    let mut reply = [0; 512];
    let n = conn.read(&mut reply).unwrap();
    let reply = String::from_utf8_lossy(&reply[..n]);
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.ends_with("Hello, world!\n"), "{reply}");
    // The connection stays open (keep-alive) while the server stops.
    signal(&server);
    wait_for_line(&mut server, "0 connections cut");
    assert_eq!(server.wait().unwrap().code(), Some(0));
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "closed without another byte");
}
