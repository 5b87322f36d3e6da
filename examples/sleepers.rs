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
//! 10,000), `go` (N goroutines: `compare/go/sleepers`, built with `go build`
//! into `target/go/` and run as a child process, which measures itself the
//! same way; skipped with a message when `go` is not installed). Memory is
//! the process's peak resident size (VmHWM) minus its size before spawning,
//! divided by N: run one runtime per process.
//!
//! The code is in `src/demos/sleepers.rs`, shared with the tour.

use std::path::{Path, PathBuf};
use std::process::Command;
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
          value_parser = ["genlet", "smol", "tokio", "tokio-mt", "threads", "go"])]
    runtime: String,
    /// Worker threads of genlet's hub (default: one per core; 0: the calling thread only).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// One JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// What the Go program measured.
struct GoRun {
    wall: Duration,
    peak_rss_kib: u64,
    bytes_per_task: f64,
}

/// Builds `compare/go/sleepers` into `target/go/sleepers` (`go build`
/// reuses its cache when nothing changed); `None` when there is no `go`.
fn go_program() -> Result<Option<PathBuf>, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/go/sleepers");
    let built = match Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg("./sleepers")
        .current_dir(root.join("compare/go"))
        .status()
    {
        Ok(status) => status,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("sleepers: go build: {e}")),
    };
    if !built.success() {
        return Err(format!("sleepers: go build ./sleepers failed ({built})"));
    }
    Ok(Some(out))
}

/// Runs the Go program; `None` when there is no `go`.
fn measure_go(tasks: usize, sleep: Duration) -> Result<Option<GoRun>, String> {
    let Some(program) = go_program()? else {
        return Ok(None);
    };
    let out = Command::new(&program)
        .args(["--tasks", &tasks.to_string()])
        .args(["--sleep-ms", &sleep.as_millis().to_string()])
        .output()
        .map_err(|e| format!("sleepers: {}: {e}", program.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "sleepers: {} exited with {}: {}",
            program.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // One line of flat JSON: pick the three numbers out.
    let field = |key: &str| -> Result<f64, String> {
        let at = text
            .find(&format!("\"{key}\":"))
            .ok_or_else(|| format!("sleepers: no {key} in the Go program's {text:?}"))?;
        let rest = &text[at + key.len() + 3..];
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        rest[..end]
            .trim()
            .parse()
            .map_err(|e| format!("sleepers: {key} in {text:?}: {e}"))
    };
    Ok(Some(GoRun {
        wall: Duration::from_secs_f64(field("wall_ms")? / 1e3),
        peak_rss_kib: field("peak_rss_kib")? as u64,
        bytes_per_task: field("bytes_per_task")?,
    }))
}

fn main() {
    let args = Args::parse();
    let measured = if args.runtime == "go" {
        match measure_go(args.tasks, args.sleep) {
            Ok(Some(run)) => Ok(sleepers::Measurement {
                wall: run.wall,
                peak_rss_kib: run.peak_rss_kib,
                bytes_per_task: run.bytes_per_task,
            }),
            Ok(None) => {
                eprintln!(
                    "sleepers: --runtime go skipped: no Go toolchain (`go` is not on PATH; `apt-get install -y golang-go`)"
                );
                return;
            }
            Err(message) => Err(message),
        }
    } else {
        sleepers::measure(&args.runtime, args.tasks, args.sleep, args.workers)
    };
    let m = match measured {
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
