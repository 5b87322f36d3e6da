//! `just compare`: genlet beside gevent, greenlet, Python threads, OS
//! threads, smol and tokio, in one run.
//!
//! Each experiment runs every system for each setting, interleaved (A B A B
//! …) for several repetitions, and reports medians, min to max and the ratio
//! genlet / peer. Python's side is a set of small scripts in
//! `compare/python/`, written for this comparison after the seeds'
//! experiments, run in a virtualenv with gevent and greenlet from PyPI
//! (`target/compare/venv`, made on first use and kept).
//!
//! Output: a table per experiment on stdout, progress with an estimate of
//! the time left on stderr, and in `target/compare/` (`--out`):
//! `results.json`, SVG plots and `results.md`. With `--update-book` the plots
//! and `results.md` also go to `docs/src/performance/`, which the book's
//! Performance chapter includes; without it no tracked file changes.
//!
//! ```text
//! cargo run --release -p genlet-compare -- [--quick] [--reps N] [--no-python] [--out DIR] [--update-book]
//! ```

#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

mod experiments;
mod plot;
mod progress;
mod results;

use clap::Parser;
use genlet_compare::netload;
use results::Results;

/// genlet beside gevent, greenlet, Python threads, OS threads, smol and
/// tokio, interleaved, with tables, results.json and SVG plots. A full run
/// takes over 12 minutes; --quick under 3.
#[derive(Parser)]
#[command(name = "genlet-compare")]
struct Options {
    /// Fewer settings and repetitions.
    #[arg(long)]
    quick: bool,
    /// Repetitions of each setting [default: 3; 2 with --quick].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    reps: Option<u16>,
    /// Run the Rust systems only.
    #[arg(long = "no-python", action = clap::ArgAction::SetFalse)]
    python: bool,
    /// Where results.json, the plots and results.md go [default: target/compare].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write the plots and results.md into the book (docs/src/performance/).
    #[arg(long = "update-book")]
    update_book: bool,
}

/// Runs `program args` and returns its standard output.
fn output(program: &Path, args: &[&str]) -> io::Result<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "{} {} exited with {}",
            program.display(),
            args.join(" "),
            out.status
        )));
    }
    String::from_utf8(out.stdout).map_err(io::Error::other)
}

/// The JSON objects a program printed, one per line.
fn json_lines(program: &Path, args: &[&str]) -> io::Result<Vec<serde_json::Value>> {
    output(program, args)?
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .map(|l| serde_json::from_str(l).map_err(io::Error::other))
        .collect()
}

/// `program args`, to start as a [`Server`](genlet_compare::Server).
fn command(program: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args);
    command
}

/// The last JSON object a program printed.
fn last_json(program: &Path, args: &[&str]) -> io::Result<serde_json::Value> {
    json_lines(program, args)?
        .pop()
        .ok_or_else(|| io::Error::other(format!("{} printed no JSON", program.display())))
}

/// Makes the virtualenv with gevent and greenlet (kept between runs) and
/// returns its interpreter.
fn python(root: &Path) -> io::Result<PathBuf> {
    let venv = root.join("target/compare/venv");
    let interpreter = venv.join("bin/python");
    let ready = interpreter.exists()
        && Command::new(&interpreter)
            .args(["-c", "import gevent, greenlet"])
            .status()
            .is_ok_and(|s| s.success());
    if !ready {
        eprintln!(
            "compare: making {} with gevent and greenlet from PyPI",
            venv.display()
        );
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?;
        if !made.success() {
            return Err(io::Error::other("python3 -m venv failed"));
        }
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "gevent", "greenlet"])
            .status()?;
        if !installed.success() {
            return Err(io::Error::other("pip install gevent greenlet failed"));
        }
    }
    Ok(interpreter)
}

/// The machine line: CPU model, cores, OS.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cores} cores, {}", std::env::consts::OS)
}

fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown date".into(), |d| d.trim().to_string())
}

fn main() -> ExitCode {
    let options = Options::parse();
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> io::Result<()> {
    let start = Instant::now();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or_else(|| io::Error::other("no workspace root"))?;
    let reps = options
        .reps
        .map_or(if options.quick { 2 } else { 3 }, usize::from);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--examples", "--quiet"])
        .current_dir(root)
        .status()?;
    if !built.success() {
        return Err(io::Error::other("cargo build --release --examples failed"));
    }
    let python = if options.python {
        match python(root) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("compare: no Python side ({e}); running the Rust systems only");
                None
            }
        }
    } else {
        None
    };
    let ctx = experiments::Context {
        examples: root.join("target/release/examples"),
        scripts: root.join("compare/python"),
        python,
        reps,
        quick: options.quick,
    };
    let mut results = Results::new(machine(), today(), options.quick, reps);
    experiments::sleepers::run(&ctx, &mut results)?;
    experiments::resume::run(&ctx, &mut results)?;
    experiments::matrix::run(&ctx, &mut results)?;
    experiments::sumserver::run(&ctx, &mut results)?;
    experiments::udp_echo::run(&ctx, &mut results)?;
    // The network-load experiment (src/netload.rs; on its own: `just netload`).
    let net = netload::run(&netload::Plan {
        root: root.to_path_buf(),
        python: ctx.python.clone(),
        reps,
        quick: options.quick,
        diagnose: false,
        connections: vec![1, 10, 100, 1000],
        depths: vec![1],
        only: Vec::new(),
    })?;
    for s in &net {
        for (metric, unit, v) in [
            ("requests", "req/s", s.rps),
            ("p50", "µs", s.p50_us),
            ("p99", "µs", s.p99_us),
        ] {
            let x = s.connections as f64;
            results.add("netload", metric, unit, &s.setting(), x, &s.system, v);
        }
        if let Some(v) = s.server_us_per_request() {
            let (x, metric) = (s.connections as f64, "server CPU per request");
            results.add("netload", metric, "µs", &s.setting(), x, &s.system, v);
        }
    }

    let tables = results.tables();
    print!("{tables}");
    let mut goals = results.goals();
    goals.push_str(&netload::summary(&net));
    print!("{goals}");

    let out = options
        .out
        .clone()
        .unwrap_or_else(|| root.join("target/compare"));
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("results.json"), results.to_json())?;
    let plots = plot::all(&results, &out)?;
    let mut page = String::new();
    let _ = writeln!(
        page,
        "# Measured side by side\n\n\
         Generated by `just compare{}{}` on {} ({}; {} repetitions,\n\
         interleaved; medians, with min to max). Do not edit: rerun the command.\n",
        if options.quick { " --quick" } else { "" },
        if options.update_book {
            " --update-book"
        } else {
            ""
        },
        results.date,
        results.machine,
        results.reps
    );
    for file in &plots {
        let _ = writeln!(page, "![{file}]({file})\n");
    }
    page.push_str("```text\n");
    page.push_str(&tables);
    page.push_str(&goals);
    page.push_str("```\n");
    std::fs::write(out.join("results.md"), &page)?;
    let mut wrote = out.display().to_string();
    if options.update_book {
        let docs = root.join("docs/src/performance");
        std::fs::create_dir_all(&docs)?;
        for file in &plots {
            std::fs::copy(out.join(file), docs.join(file))?;
        }
        std::fs::write(docs.join("results.md"), &page)?;
        wrote = format!("{wrote} and {}", docs.display());
    }
    eprintln!(
        "compare: done in {:.0} s; wrote {wrote}{}",
        start.elapsed().as_secs_f64(),
        if options.update_book {
            ""
        } else {
            " (the book's page is unchanged: --update-book refreshes it)"
        }
    );
    Ok(())
}
