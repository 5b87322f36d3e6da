//! The network-load experiment on its own (the harness runs it too, as
//! `netload` in `results.json`): echo servers on genlet, smol, tokio,
//! gevent and Go under one load generator, two core splits; a table on
//! stdout and the samples in `target/compare/netload.json`.
//!
//! ```text
//! cargo run --release -p genlet-compare --bin netload -- [--quick] [--reps N] [--connections 1,10,100,1000]
//!     [--depth 1] [--no-python] [--diagnose]
//! ```

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Parser;
use genlet_compare::netload;

/// Echo servers on genlet, smol, tokio (current-thread, multi-thread),
/// gevent and Go, under the same load generator: req/s and p50/p99 latency
/// at each connection count, server alone on core 0 and server sharing
/// both cores with the client.
#[derive(Parser)]
#[command(name = "netload")]
struct Options {
    /// One repetition, 1 s windows (about 2 minutes).
    #[arg(long)]
    quick: bool,
    /// Repetitions of each point [default: 3; 1 with --quick].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    reps: Option<u16>,
    /// Connection counts.
    #[arg(
        long,
        value_name = "C,...",
        value_delimiter = ',',
        default_value = "1,10,100,1000"
    )]
    connections: Vec<usize>,
    /// Messages in flight per connection (1: request/response; more: pipelined).
    #[arg(long, value_name = "D,...", value_delimiter = ',', default_value = "1",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    depth: Vec<u16>,
    /// Leave gevent out.
    #[arg(long = "no-python", action = clap::ArgAction::SetFalse)]
    python: bool,
    /// Also genlet's server with its timeouts off, on a hub with no worker
    /// threads, and a plain spawn loop.
    #[arg(long)]
    diagnose: bool,
    /// Only these systems (genlet, smol, tokio-ct, tokio-mt, gevent, go and
    /// the --diagnose variants) [default: all].
    #[arg(long, value_name = "S,...", value_delimiter = ',')]
    systems: Vec<String>,
}

/// The harness's venv interpreter if it has gevent, made like the
/// harness makes it when missing.
fn gevent_python(root: &Path) -> Option<PathBuf> {
    let venv = root.join("target/compare/venv");
    let python = venv.join("bin/python");
    let ready = |p: &Path| {
        Command::new(p)
            .args(["-c", "import gevent"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if python.exists() && ready(&python) {
        return Some(python);
    }
    eprintln!("netload: making {} with gevent from PyPI", venv.display());
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "gevent", "greenlet"])
            .status()
            .is_ok_and(|s| s.success());
    if made && ready(&python) {
        Some(python)
    } else {
        eprintln!("netload: no gevent venv; gevent is left out");
        None
    }
}

fn main() -> ExitCode {
    let options = Options::parse();
    let Some(root) = Path::new(env!("CARGO_MANIFEST_DIR")).parent() else {
        eprintln!("netload: no workspace root");
        return ExitCode::FAILURE;
    };
    let plan = netload::Plan {
        root: root.to_path_buf(),
        python: if options.python
            && (options.systems.is_empty() || options.systems.iter().any(|s| s == "gevent"))
        {
            gevent_python(root)
        } else {
            None
        },
        reps: options
            .reps
            .map_or(if options.quick { 1 } else { 3 }, usize::from),
        quick: options.quick,
        diagnose: options.diagnose,
        connections: options.connections,
        depths: options.depth,
        only: options.systems,
    };
    let samples = match netload::run(&plan) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("netload: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", netload::summary(&samples));
    let cells: Vec<serde_json::Value> = samples
        .iter()
        .map(|s| {
            serde_json::json!({
                "system": s.system, "split": s.split, "connections": s.connections,
                "depth": s.depth, "rps": s.rps, "p50_us": s.p50_us, "p99_us": s.p99_us,
                "client_cpu": s.client_cpu, "server_cpu": s.server_cpu,
            })
        })
        .collect();
    let out = root.join("target/compare");
    let written = std::fs::create_dir_all(&out).and_then(|()| {
        std::fs::write(
            out.join("netload.json"),
            serde_json::to_string_pretty(&cells).unwrap_or_default(),
        )
    });
    match written {
        Ok(()) => {
            eprintln!("netload: wrote {}", out.join("netload.json").display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("netload: {e}");
            ExitCode::FAILURE
        }
    }
}
