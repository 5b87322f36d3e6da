//! Seed 003's sum server: each connection's handler yields its CPU work (a
//! dumb sum of 1..=n) to an apply policy.
//!
//! ```text
//! cargo run --release --example sumserver -- [--port P] [--apply inline|exclusive|pool] [--async] [--inline-below N]
//! ```
//!
//! Prints the bound address first, then serves until SIGTERM or SIGINT:
//! then it stops accepting, answers the requests in flight and exits 0; a
//! second signal exits at once. Talk to it
//! with `examples/sumclient.rs --port P`, or from any language: send the
//! digits of `n` and a newline (at most 16 bytes), read one line back (the
//! sum, or `error: …`). From Python:
//!
//! ```text
//! import socket
//! s = socket.create_connection(("127.0.0.1", P)); s.sendall(b"25000\n"); print(s.recv(128))
//! ```
//!
//! The code is in `src/demos/sumserver.rs`, shared with the tour and the tests.

use clap::Parser;
use genlet_workspace::demos::cli;
use genlet_workspace::demos::sumserver::{Config, DEFAULT_INLINE_BELOW, MAX_N, Policy, Server};

/// Seed 003's sum server: each connection's handler yields its CPU work (a
/// dumb sum of 1..=n) to an apply policy. Prints its port, then serves until
/// SIGTERM or SIGINT, drains the requests in flight and exits 0 (a second
/// signal: at once).
#[derive(Parser)]
#[command(name = "sumserver", after_help = format!(
    "Protocol: send the digits of n and a newline (at most 16 bytes, n <= {MAX_N}); \
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
    // Caught from before the first connection: a signal never kills it
    // mid-request.
    let mut signals = match genlet::Signals::new() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("sumserver: cannot catch signals: {e}");
            std::process::exit(1);
        }
    };
    let server = match Server::start(args.port, config) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("sumserver: cannot start: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", server.addr().port());
    eprintln!("sumserver on {} (apply {policy}, {mode})", server.addr());
    genlet::run(async {
        if let Ok(signal) = signals.recv().await {
            eprintln!(
                "sumserver: {signal}: answering {} requests in flight",
                server.active()
            );
        }
        let cut = async {
            let _ = signals.recv().await;
        };
        match server.drain(cut).await {
            0 => eprintln!("sumserver: drained"),
            left => eprintln!("sumserver: second signal: {left} requests cut"),
        }
    });
}
