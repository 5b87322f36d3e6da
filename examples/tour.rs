//! The tour: a short run of every genlet demo, each printing its table.
//!
//! ```text
//! cargo run --release --example tour
//! ```
//!
//! A small, fast version of every demo, each printing its table: seed 000's
//! matrix sums, genlet-coro's generators and what a resume costs, an echo
//! server written as generator tasks, a hundred thousand sleeping tasks
//! (seed 002), seed 001's fan-out, seed 002's crawler, seed 003's sum server
//! with each apply policy, and seed 004's convoy experiment and ccbench.
//! Each demo has its own example with the full-size run.

use std::io::Write;
use std::time::Instant;

use clap::Parser;

/// The tour: a short run of every genlet demo, each printing its table (under
/// a minute). Each demo has its own example with the full-size run. Takes no
/// flags.
#[derive(Parser)]
#[command(name = "tour")]
struct Args {}

fn main() -> std::io::Result<()> {
    Args::parse();
    let start = Instant::now();
    let mut out = std::io::stdout().lock();
    writeln!(out, "genlet tour: generator-style coroutines for Rust\n")?;
    genlet_workspace::demos::matrix::run(&mut out, &[10, 100, 1000, 10_000, 100_000], false)?;
    writeln!(out)?;
    genlet_workspace::demos::generators::run(&mut out)?;
    writeln!(out)?;
    genlet_workspace::demos::resume_cost::run(&mut out, 2_000_000)?;
    writeln!(out)?;
    genlet_workspace::demos::echo_gen::run(&mut out, 0, 3)?;
    writeln!(out)?;
    genlet_workspace::demos::sleepers::run(&mut out, 100_000)?;
    writeln!(out)?;
    genlet_workspace::demos::fanout::run(&mut out, None, false)?;
    writeln!(out)?;
    genlet_workspace::demos::crawl::run(
        &mut out,
        10,
        5,
        std::time::Duration::from_millis(50),
        false,
    )?;
    writeln!(out)?;
    genlet_workspace::demos::sumclient::tour(&mut out)?;
    writeln!(out)?;
    genlet_workspace::demos::iotest::run(
        &mut out,
        &[0, 2, 4],
        &genlet_workspace::demos::iotest::Mode::ALL,
        500_000,
        false,
    )?;
    writeln!(out)?;
    genlet_workspace::demos::ccbench::run(&mut out, std::time::Duration::from_millis(100), false)?;
    writeln!(
        out,
        "\ntour finished in {:.2} s",
        start.elapsed().as_secs_f64()
    )?;
    Ok(())
}
