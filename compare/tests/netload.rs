//! The network-load experiment's programs: every Rust echo server answers
//! the load generator on a few connections, in request/response and
//! pipelined, and the generator reports what it measured; the bins print
//! their usage for `--help`. (Behaviour only: no figure is checked.)

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const SERVER: &str = env!("CARGO_BIN_EXE_echo_server");
const LOAD: &str = env!("CARGO_BIN_EXE_echo_load");
const RUNNER: &str = env!("CARGO_BIN_EXE_netload");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(runtime: &str) -> (Server, u16) {
    let mut child = Command::new(SERVER)
        .args(["--runtime", runtime])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    (
        server,
        line.trim().parse().expect("a port on the first line"),
    )
}

fn load(port: u16, connections: &str, depth: &str) -> serde_json::Value {
    let out = Command::new(LOAD)
        .args(["--port", &port.to_string(), "--connections", connections])
        .args([
            "--depth",
            depth,
            "--warmup-ms",
            "20",
            "--ms",
            "150",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "echo_load: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_rust_server_echoes_for_the_load_generator() {
    for runtime in [
        "genlet",
        "genlet-no-timeouts",
        "genlet-calling-thread",
        "genlet-spawn",
        "smol",
        "tokio-ct",
        "tokio-mt",
    ] {
        let (server, port) = start(runtime);
        for (connections, depth) in [("1", "1"), ("5", "1"), ("3", "8")] {
            let line = load(port, connections, depth);
            assert!(line["requests"].as_u64().unwrap() > 0, "{runtime}: {line}");
            assert_eq!(line["connections"].as_u64(), connections.parse().ok());
            let (p50, p99) = (line["p50_us"].as_f64(), line["p99_us"].as_f64());
            assert!(p50.unwrap() <= p99.unwrap(), "{runtime}: {line}");
        }
        drop(server);
    }
}

#[test]
fn the_load_generator_fails_cleanly_without_a_server() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // bound, then closed: nothing listens there now
    let out = Command::new(LOAD)
        .args(["--port", &port.to_string(), "--ms", "10", "--json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("echo_load: connection 0"));
}

#[test]
fn the_netload_programs_print_usage_for_help() {
    for (bin, name) in [
        (SERVER, "echo_server"),
        (LOAD, "echo_load"),
        (RUNNER, "netload"),
    ] {
        let out = Command::new(bin).arg("--help").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("Usage: {name}")), "{stdout}");
    }
}
