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

use std::time::{Duration, Instant};

/// The process's resident size (`VmRSS`) or its peak (`VmHWM`), in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

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
    if args.runtime == "threads" && args.tasks > 10_000 {
        return Err("--runtime threads is limited to 10000 tasks".into());
    }
    Ok(args)
}

/// Spawns the sleepers on `runtime` and waits for them all.
fn run(runtime: &str, n: usize, sleep: Duration, workers: Option<usize>) -> Result<(), String> {
    match runtime {
        "genlet" => {
            let mut builder = genlet_reactor::Hub::builder();
            if let Some(workers) = workers {
                builder = builder.workers(workers);
            }
            let hub = builder.build().map_err(|e| e.to_string())?;
            let tasks: Vec<_> = (0..n)
                .map(|_| hub.spawn(genlet_reactor::sleep(sleep)))
                .collect();
            hub.block_on(async {
                for t in tasks {
                    t.await;
                }
            });
        }
        "smol" => {
            let tasks: Vec<_> = (0..n)
                .map(|_| smol::spawn(smol::Timer::after(sleep)))
                .collect();
            smol::block_on(async {
                for t in tasks {
                    t.await;
                }
            });
        }
        "tokio" | "tokio-mt" => {
            let rt = if runtime == "tokio" {
                tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
            } else {
                tokio::runtime::Builder::new_multi_thread()
                    .enable_time()
                    .build()
            }
            .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let tasks: Vec<_> = (0..n)
                    .map(|_| tokio::spawn(tokio::time::sleep(sleep)))
                    .collect();
                for t in tasks {
                    t.await.expect("a sleeper panicked");
                }
            });
        }
        "threads" => {
            let threads: Vec<_> = (0..n)
                .map(|_| std::thread::spawn(move || std::thread::sleep(sleep)))
                .collect();
            for t in threads {
                t.join().map_err(|_| "a sleeper panicked")?;
            }
        }
        other => return Err(format!("unknown runtime {other:?}; try --help")),
    }
    Ok(())
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let before = status_kib("VmRSS:");
    let start = Instant::now();
    if let Err(message) = run(&args.runtime, args.tasks, args.sleep, args.workers) {
        eprintln!("{message}");
        std::process::exit(2);
    }
    let wall = start.elapsed();
    let peak = status_kib("VmHWM:");
    let bytes_per_task = (peak.saturating_sub(before) * 1024) as f64 / args.tasks.max(1) as f64;
    if args.json {
        println!(
            "{{\"runtime\":\"{}\",\"tasks\":{},\"sleep_ms\":{},\"wall_ms\":{:.1},\"peak_rss_kib\":{},\"bytes_per_task\":{:.1}}}",
            args.runtime,
            args.tasks,
            args.sleep.as_millis(),
            wall.as_secs_f64() * 1e3,
            peak,
            bytes_per_task
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
            wall.as_secs_f64(),
            peak,
            bytes_per_task
        );
    }
}
