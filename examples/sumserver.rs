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

use clap::Parser;
use genlet_workspace::demos::cli;
use genlet_workspace::demos::sumserver::{Config, DEFAULT_INLINE_BELOW, MAX_N, Policy, Server};

/// Seed 003's sum server: each connection's handler yields its CPU work (a
/// dumb sum of 1..=n) to an apply policy. Prints its port, then serves until
/// interrupted.
#[derive(Parser)]
#[command(name = "sumserver", after_help = format!(
    "Protocol: send the digits of n (at most 16 bytes, n <= {MAX_N}); \
     the reply is one line, the sum or `error: ...`."
))]
struct Args {
    /// The port (0: any free one).
    #[arg(long, value_name = "P", default_value_t = 0)]
    port: u16,
    /// The apply policy: inline, exclusive or pool.
    #[arg(long, value_name = "POLICY", value_parser = Policy::parse, default_value = "pool")]
    apply: Policy,
    /// Serve on the hub's tasks instead of a yieldable thread per connection.
    #[arg(long = "async")]
    hub_tasks: bool,
    /// Sums of at most N steps run in the handler (0: yield every sum).
    #[arg(long = "inline-below", value_name = "N", value_parser = cli::number::<u64>,
          default_value_t = DEFAULT_INLINE_BELOW)]
    inline_below: u64,
}

fn main() {
    let args = Args::parse();
    let mut config = Config::new(args.apply);
    config.hub_tasks = args.hub_tasks;
    config.inline_below = args.inline_below;
    let mode = if config.hub_tasks {
        "hub tasks"
    } else {
        "a yieldable thread per connection"
    };
    let policy = config.policy;
    match Server::start(args.port, config) {
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
