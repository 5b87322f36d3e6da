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

use genlet_workspace::demos::sleepers;

struct Args {
    /// Worker threads for genlet's hub (default: one per core).
    workers: Option<usize>,
    tasks: usize,
    sleep: Duration,
    runtime: String,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        workers: None,
        tasks: 100_000,
        sleep: Duration::from_millis(200),
        runtime: "genlet".into(),
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--tasks" => {
                args.tasks = value()?
                    .replace('_', "")
                    .parse()
                    .map_err(|e| format!("--tasks: {e}"))?
            }
            "--sleep-ms" => {
                args.sleep =
                    Duration::from_millis(value()?.parse().map_err(|e| format!("--sleep-ms: {e}"))?)
            }
            "--runtime" => args.runtime = value()?,
            "--workers" => {
                args.workers = Some(value()?.parse().map_err(|e| format!("--workers: {e}"))?)
            }
            "--json" => args.json = true,
            "--help" | "-h" => {
                return Err(
                    "usage: sleepers [--tasks N (100000)] [--sleep-ms MS (200)] \
                            [--runtime genlet|smol|tokio|tokio-mt|threads] [--workers N (genlet)] [--json]"
                        .into(),
                );
            }
            other => return Err(format!("unknown flag {other}; try --help")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
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
