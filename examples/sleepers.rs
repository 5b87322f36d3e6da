//! Prog 1 and Prog 2 of seed 002 ("Greenlet-based concurrency"): spawn N tasks
//! that each sleep, wait for all of them, and report the wall time and the
//! memory each sleeping task cost.
//!
//! ```text
//! cargo run --release --example sleepers -- --tasks 1000000 --sleep-ms 200 --runtime genlet [--json]
//! ```
//!
//! Runtimes: `genlet` (the hub), `smol` (its global executor), `tokio` (current
//! thread), `tokio-mt` (multi-thread), `threads` (one OS thread each, at most
//! 10,000). Memory is the process's peak resident size (VmHWM) minus its size
//! before spawning, divided by N: run one runtime per process.
//!
//! The code is in `src/demos/sleepers.rs`, shared with the tour.

use std::time::Duration;

use clap::Parser;
use genlet_workspace::demos::{cli, sleepers};

/// Seed 002, Prog 1 and 2: N tasks that each sleep, on one runtime; the wall
/// time and the memory each sleeping task cost. Run one runtime per process.
#[derive(Parser)]
#[command(name = "sleepers")]
struct Args {
    /// Tasks to spawn (`threads`: at most 10,000).
    #[arg(long, value_name = "N", value_parser = cli::number::<usize>, default_value = "100000")]
    tasks: usize,
    /// How long each task sleeps, in milliseconds.
    #[arg(long = "sleep-ms", value_name = "MS", value_parser = cli::millis, default_value = "200")]
    sleep: Duration,
    /// The runtime.
    #[arg(long, value_name = "RUNTIME", default_value = "genlet",
          value_parser = ["genlet", "smol", "tokio", "tokio-mt", "threads"])]
    runtime: String,
    /// Worker threads of genlet's hub (default: one per core; 0: the calling thread only).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// One JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    let m = match sleepers::measure(&args.runtime, args.tasks, args.sleep, args.workers) {
        Ok(m) => m,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if args.json {
        println!(
            "{{\"runtime\":\"{}\",\"tasks\":{},\"sleep_ms\":{},\"wall_ms\":{:.1},\"peak_rss_kib\":{},\"bytes_per_task\":{:.1}}}",
            args.runtime,
            args.tasks,
            args.sleep.as_millis(),
            m.wall.as_secs_f64() * 1e3,
            m.peak_rss_kib,
            m.bytes_per_task
        );
    } else {
        println!(
            "{:<10} {:>10} {:>9} {:>10} {:>13} {:>10}",
            "runtime", "tasks", "sleep", "wall", "peak RSS", "per task"
        );
        println!(
            "{:<10} {:>10} {:>7}ms {:>8.3} s {:>9} KiB {:>8.0} B",
            args.runtime,
            args.tasks,
            args.sleep.as_millis(),
            m.wall.as_secs_f64(),
            m.peak_rss_kib,
            m.bytes_per_task
        );
    }
}
