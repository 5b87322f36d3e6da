//! The tour: a short run of every genlet demo, each printing its table.
//!
//! ```text
//! cargo run --release --example tour
//! ```
//!
//! It grows as the crates land; today it shows genlet-coro's generators, what
//! a resume costs, an echo server written as generator tasks on the hub, a
//! hundred thousand sleeping tasks, seed 001's fan-out, seed 002's crawler,
//! and seed 003's sum server with each apply policy.

use std::io::Write;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let start = Instant::now();
    let mut out = std::io::stdout().lock();
    writeln!(out, "genlet tour: generator-style coroutines for Rust\n")?;
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
    writeln!(
        out,
        "\ntour finished in {:.2} s",
        start.elapsed().as_secs_f64()
    )?;
    Ok(())
}
