//! Seed 003's sum server: each connection's handler yields its CPU work (a
//! dumb sum of 1..=n) to an apply policy.
//!
//! ```text
//! cargo run --release --example sumserver -- [--port P] [--apply inline|exclusive|pool] [--async] [--inline-below N]
//! ```
//!
//! Prints the bound address first, then serves until interrupted. Talk to it
//! with `examples/sumclient.rs --port P`, or from any language: send the
//! digits of `n` (at most 16 bytes), read one line back (the sum, or
//! `error: …`). From Python:
//!
//! ```text
//! import socket
//! s = socket.create_connection(("127.0.0.1", P)); s.sendall(b"25000"); print(s.recv(128))
//! ```
//!
//! The code is in `src/demos/sumserver.rs`, shared with the tour and the tests.

use genlet_workspace::demos::sumserver::{Config, DEFAULT_INLINE_BELOW, MAX_N, Policy, Server};

fn parse_args() -> Result<(u16, Config), String> {
    let mut port = 0;
    let mut config = Config::new(Policy::Pool);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--apply" => config.policy = Policy::parse(&value()?)?,
            "--async" => config.hub_tasks = true,
            "--inline-below" => {
                config.inline_below = value()?
                    .parse()
                    .map_err(|e| format!("--inline-below: {e}"))?
            }
            "--help" | "-h" => {
                return Err(format!(
                    "usage: sumserver [--port P (0: any)] [--apply inline|exclusive|pool (pool)] [--async] \
                     [--inline-below N ({DEFAULT_INLINE_BELOW}; 0: yield every sum)]\n\
                     protocol: send the digits of n (at most 16 bytes, n <= {MAX_N}); \
                     the reply is one line, the sum or `error: ...`"
                ));
            }
            other => return Err(format!("unknown flag {other}; try --help")),
        }
    }
    Ok((port, config))
}

fn main() {
    let (port, config) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let mode = if config.hub_tasks {
        "hub tasks"
    } else {
        "a yieldable thread per connection"
    };
    let policy = config.policy;
    match Server::start(port, config) {
        Ok(server) => {
            println!("{}", server.addr().port());
            eprintln!("sumserver on {} (apply {policy}, {mode})", server.addr());
            server.wait();
        }
        Err(e) => {
            eprintln!("sumserver: cannot start: {e}");
            std::process::exit(1);
        }
    }
}
