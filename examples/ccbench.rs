//! Seed 004's `ccbench`: CPU-task throughput with 1 to 4 pool workers, and
//! the latency of a ping task while CPU tasks run on the hub, inline, with
//! the ping at high priority, or offloaded to the pool.
//!
//! ```text
//! cargo run --release --example ccbench -- [--seconds 0.5] [--json]
//! ```
//!
//! The code is in `src/demos/ccbench.rs`.

use std::time::Duration;

use clap::Parser;
use genlet_workspace::demos::cli;

/// Seed 004's ccbench: CPU-task throughput with 1 to 4 pool workers, and the
/// latency of a ping task beside CPU tasks (inline, priority, offload).
#[derive(Parser)]
#[command(name = "ccbench")]
struct Args {
    /// Seconds per table cell.
    #[arg(long, value_name = "S", value_parser = cli::seconds, default_value = "0.5")]
    seconds: Duration,
    /// JSON instead of the tables.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = genlet_workspace::demos::ccbench::run(
        &mut std::io::stdout().lock(),
        args.seconds,
        args.json,
    ) {
        eprintln!("ccbench: {e}");
        std::process::exit(1);
    }
}
