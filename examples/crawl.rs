//! Seed 002's URL fetcher: N pages fetched through a `genlet::Pool`, from a
//! local HTTP/1.1 server the example starts; prints each length and the
//! total time.
//!
//! ```text
//! cargo run --release --example crawl -- [--urls 20] [--pool 5] [--latency-ms 50] [--json]
//! ```
//!
//! The code is in `src/demos/crawl.rs`.

use std::time::Duration;

use clap::Parser;
use genlet_workspace::demos::{cli, crawl};

/// Seed 002's crawler: N pages fetched through a pool of greenlets from a
/// local HTTP server.
#[derive(Parser)]
#[command(name = "crawl")]
struct Args {
    /// Pages to fetch.
    #[arg(long, value_name = "N", value_parser = cli::number::<u64>, default_value = "20")]
    urls: u64,
    /// Greenlets in the pool (at most this many fetches at once).
    #[arg(long, value_name = "N", value_parser = cli::at_least_one, default_value = "5")]
    pool: usize,
    /// The server's latency per page, in milliseconds.
    #[arg(long = "latency-ms", value_name = "MS", value_parser = cli::millis, default_value = "50")]
    latency: Duration,
    /// JSON instead of the table.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    let out = &mut std::io::stdout().lock();
    if let Err(e) = crawl::run(out, args.urls, args.pool, args.latency, args.json) {
        eprintln!("crawl: {e}");
        std::process::exit(1);
    }
}
