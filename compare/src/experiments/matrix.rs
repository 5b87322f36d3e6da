//! Seed 000's sums of i*i for i < N (greenlet vs eventlet vs a plain loop):
//! genlet's loop, generators and one hub task per element
//! (`examples/matrix.rs`) beside the post's loop, greenlet and, for
//! eventlet, gevent (`compare/python/matrix.py`); ns per element.

use std::io;

use crate::experiments::{Context, number};
use crate::progress::Progress;
use crate::results::Results;
use crate::{json_lines, last_json};

/// Seed 000's sums: genlet's three ways beside the post's loop, greenlet and
/// (for eventlet) gevent versions.
pub(crate) fn run(ctx: &Context, results: &mut Results) -> io::Result<()> {
    eprintln!("compare: matrix (seed 000)");
    let sizes: &[u64] = if ctx.quick {
        &[100_000]
    } else {
        &[100_000, 1_000_000]
    };
    let mut progress = Progress::new(
        "matrix",
        sizes.len() * ctx.reps,
        sizes.iter().map(|&n| n as f64).sum::<f64>() * ctx.reps as f64,
    );
    for &n in sizes {
        let setting = format!("N={n}");
        for _ in 0..ctx.reps {
            let line = last_json(&ctx.example("matrix"), &["--n", &n.to_string(), "--json"])?;
            for (key, system) in [
                ("loop_ns", "genlet loop"),
                ("generator_ns", "genlet generators"),
                ("task_ns", "genlet hub tasks"),
            ] {
                results.add(
                    "matrix",
                    "per element",
                    "ns",
                    &setting,
                    n as f64,
                    system,
                    number(&line, key)?,
                );
            }
            if let Some(python) = &ctx.python {
                for line in json_lines(python, &[&ctx.script("matrix.py"), "--n", &n.to_string()])?
                {
                    let system = format!("python {}", line["way"].as_str().unwrap_or("?"));
                    results.add(
                        "matrix",
                        "per element",
                        "ns",
                        &setting,
                        n as f64,
                        &system,
                        number(&line, "ns_per_element")?,
                    );
                }
            }
            progress.step(&setting, n as f64);
        }
    }
    Ok(())
}
