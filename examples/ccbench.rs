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

fn main() {
    let (mut seconds, mut json) = (0.5f64, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--seconds" => match args.next().and_then(|v| v.parse::<f64>().ok()) {
                Some(s) if s > 0.0 && s < 3600.0 => seconds = s,
                _ => {
                    eprintln!("--seconds needs a positive number (per table cell)");
                    std::process::exit(2);
                }
            },
            "--json" => json = true,
            "--help" | "-h" => {
                println!("usage: ccbench [--seconds S per cell (0.5)] [--json]");
                return;
            }
            other => {
                eprintln!("unknown flag {other}; try --help");
                std::process::exit(2);
            }
        }
    }
    let cell = Duration::from_secs_f64(seconds);
    if let Err(e) = genlet_workspace::demos::ccbench::run(&mut std::io::stdout().lock(), cell, json)
    {
        eprintln!("ccbench: {e}");
        std::process::exit(1);
    }
}
