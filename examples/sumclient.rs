//! Seed 003's client: 1000 requests from 1, 2, 4 and 8 client threads, timed;
//! prints the post's table (client threads → seconds).
//!
//! ```text
//! cargo run --release --example sumclient -- [--requests 1000] [--clients 1,2,4,8] [--n N]
//!     [--port P | --apply inline|exclusive|pool [--async]] [--probe] [--json]
//! ```
//!
//! Without `--port` it starts a sum server in-process with the given policy
//! (default `pool`). The default `n` costs 4 to 5 ms per request here, like
//! the post's. `--probe` adds a client sending `n = 1` every 10 ms and
//! reports its median and 99th-percentile latency. The in-process server
//! computes sums of up to `--inline-below` steps (default 10,000) in the
//! handler instead of yielding them; 0 yields every sum. With `--json`, one object
//! per row: `apply, async, clients, requests, n, wall_ms` (and the probe's).
//!
//! The code is in `src/demos/sumclient.rs`.

use clap::Parser;
use genlet_workspace::demos::cli;
use genlet_workspace::demos::sumclient::{self, Options};
use genlet_workspace::demos::sumserver::{DEFAULT_INLINE_BELOW, DEFAULT_N, Policy};

/// Seed 003's client: requests from 1, 2, 4 and 8 client threads, timed; the
/// post's table (client threads -> seconds). Without --port it starts a sum
/// server in-process.
#[derive(Parser)]
#[command(name = "sumclient")]
struct Args {
    /// Requests per row.
    #[arg(long, value_name = "N", value_parser = cli::number::<usize>, default_value = "1000")]
    requests: usize,
    /// Client thread counts, one row each.
    #[arg(long, value_name = "C1,C2,...", value_delimiter = ',', value_parser = cli::at_least_one,
          default_value = "1,2,4,8")]
    clients: Vec<usize>,
    /// The n each request sends (the sum of 1..=n is its work).
    #[arg(long = "n", value_name = "N", value_parser = cli::number::<u64>, default_value_t = DEFAULT_N)]
    n: u64,
    /// A running sum server to talk to, instead of one in-process.
    #[arg(long, value_name = "P", conflicts_with_all = ["apply", "hub_tasks", "inline_below"])]
    port: Option<u16>,
    /// The in-process server's policy: inline, exclusive or pool.
    #[arg(long, value_name = "POLICY", value_parser = Policy::parse, default_value = "pool")]
    apply: Policy,
    /// The in-process server serves on the hub's tasks.
    #[arg(long = "async")]
    hub_tasks: bool,
    /// The in-process server runs sums of at most N steps in the handler (0: yield every sum).
    #[arg(long = "inline-below", value_name = "N", value_parser = cli::number::<u64>,
          default_value_t = DEFAULT_INLINE_BELOW)]
    inline_below: u64,
    /// Add a client sending n = 1 every 10 ms and report its latency.
    #[arg(long)]
    probe: bool,
    /// One JSON object per row instead of the table.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    let options = Options {
        requests: args.requests,
        clients: args.clients,
        n: args.n,
        port: args.port,
        policy: args.apply,
        hub_tasks: args.hub_tasks,
        inline_below: args.inline_below,
        probe: args.probe,
        json: args.json,
    };
    if let Err(e) = sumclient::run(&mut std::io::stdout().lock(), &options) {
        eprintln!("sumclient: {e}");
        std::process::exit(1);
    }
}
