//! An echo server written as generator tasks, served on 127.0.0.1 by the hub,
//! then run again on the deterministic driver with the same clients scripted;
//! prints both and checks that the transcripts are identical.
//!
//! ```text
//! cargo run --example echo_gen -- [--port P] [--clients N]
//! ```
//!
//! The code is in `src/demos/echo_gen.rs`, shared with the tour and the tests.

use clap::Parser;

/// An echo server written as generator tasks, on the hub and on the
/// deterministic driver; checks that both transcripts are identical.
#[derive(Parser)]
#[command(name = "echo_gen")]
struct Args {
    /// The hub server's port (0: any free one).
    #[arg(long, value_name = "P", default_value_t = 0)]
    port: u16,
    /// Scripted clients.
    #[arg(long, value_name = "N", default_value_t = 3)]
    clients: usize,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    genlet_workspace::demos::echo_gen::run(&mut std::io::stdout().lock(), args.port, args.clients)
}
