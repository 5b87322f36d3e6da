//! Prog 1 and Prog 2 of seed 002 ("Greenlet-based concurrency"): N tasks
//! each sleeping 200 ms, as genlet, smol, tokio, tokio multi-threaded, OS
//! threads, gevent and Python threads; wall time and bytes per task, one
//! process per measurement (`examples/sleepers.rs`,
//! `compare/python/sleepers.py`).

use std::io;
use std::path::PathBuf;

use crate::experiments::{Context, number};
use crate::last_json;
use crate::progress::Progress;
use crate::results::Results;

/// Prog 1 and Prog 2 (seed 002): N tasks sleeping 200 ms; wall time and
/// bytes per task, one process per measurement.
pub(crate) fn run(ctx: &Context, results: &mut Results) -> io::Result<()> {
    let sizes: &[u64] = if ctx.quick {
        &[100, 10_000, 100_000]
    } else {
        &[100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]
    };
    eprintln!("compare: sleepers (seed 002, Prog 1 and 2)");
    // Goroutines too, when there is a Go toolchain (examples/sleepers.rs builds it).
    let go = genlet_compare::netload::go_available();
    // A run sleeps 200 ms and then takes time in proportion to N: 100k tasks
    // take about as long again.
    let weight = |n: u64| 1.0 + n as f64 / 100_000.0;
    let mut progress = Progress::new(
        "sleepers",
        sizes.len() * ctx.reps,
        sizes.iter().map(|&n| weight(n)).sum::<f64>() * ctx.reps as f64,
    );
    for &n in sizes {
        let setting = format!("N={n}");
        for _ in 0..ctx.reps {
            let mut systems: Vec<(String, PathBuf, Vec<String>)> = Vec::new();
            for runtime in ["genlet", "smol", "tokio", "tokio-mt"] {
                systems.push((
                    runtime.into(),
                    ctx.example("sleepers"),
                    vec![
                        "--tasks".into(),
                        n.to_string(),
                        "--runtime".into(),
                        runtime.into(),
                        "--json".into(),
                    ],
                ));
            }
            if n <= 10_000 {
                systems.push((
                    "OS threads".into(),
                    ctx.example("sleepers"),
                    vec![
                        "--tasks".into(),
                        n.to_string(),
                        "--runtime".into(),
                        "threads".into(),
                        "--json".into(),
                    ],
                ));
            }
            if go && n <= 1_000_000 {
                let args = ["--tasks", &n.to_string(), "--runtime", "go", "--json"];
                let args = args.iter().map(|a| a.to_string()).collect();
                systems.push(("go".into(), ctx.example("sleepers"), args));
            }
            if let Some(python) = &ctx.python {
                if n <= 1_000_000 {
                    systems.push((
                        "gevent".into(),
                        python.clone(),
                        vec![
                            ctx.script("sleepers.py"),
                            "--system".into(),
                            "gevent".into(),
                            "--tasks".into(),
                            n.to_string(),
                        ],
                    ));
                }
                if n <= 10_000 {
                    systems.push((
                        "python threads".into(),
                        python.clone(),
                        vec![
                            ctx.script("sleepers.py"),
                            "--system".into(),
                            "threads".into(),
                            "--tasks".into(),
                            n.to_string(),
                        ],
                    ));
                }
            }
            for (system, program, args) in systems {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let line = last_json(&program, &args)?;
                results.add(
                    "sleepers",
                    "wall",
                    "ms",
                    &setting,
                    n as f64,
                    &system,
                    number(&line, "wall_ms")?,
                );
                results.add(
                    "sleepers",
                    "memory",
                    "bytes per task",
                    &setting,
                    n as f64,
                    &system,
                    number(&line, "bytes_per_task")?,
                );
            }
            progress.step(&setting, weight(n));
        }
    }
    Ok(())
}
