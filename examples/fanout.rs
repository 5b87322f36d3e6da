//! Seed 001 ("Python and gevent"): seven heterogeneous lookups behind one
//! request, made one after another, then spawned and joined.
//!
//! ```text
//! cargo run --release --example fanout -- [--fail N] [--json]
//! ```
//!
//! It starts a local TCP data service whose answers take each lookup's own
//! latency. With `--fail N` (1 to 7), lookup N fails and its error is
//! printed at the join, with the greenlet's name. The code is in
//! `src/demos/fanout.rs`.

use clap::Parser;
use genlet_workspace::demos::fanout;

/// Seed 001: seven lookups behind one request, made one after another, then
/// spawned and joined.
#[derive(Parser)]
#[command(name = "fanout")]
struct Args {
    /// Make lookup N (1 to 7) fail; its error is printed at the join.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=7))]
    fail: Option<u8>,
    /// JSON instead of the tables.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    let fail = args.fail.map(usize::from);
    if let Err(e) = fanout::run(&mut std::io::stdout().lock(), fail, args.json) {
        eprintln!("fanout: {e}");
        std::process::exit(1);
    }
}
