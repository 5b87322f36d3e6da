//! Seed 003's sum server (yieldable threads): a TCP server whose CPU-heavy
//! step goes to an apply function, inline, exclusive or a pool, as genlet
//! (`examples/sumserver.rs`) and Python's threaded server
//! (`compare/python/sumserver.py`), driven by the same client
//! (`examples/sumclient.rs`) from 1 to 8 threads; ms per 1000 requests.

use std::io;
use std::path::{Path, PathBuf};

use crate::experiments::{Context, number};
use crate::progress::Progress;
use crate::results::Results;
use crate::{command, last_json, output};
use genlet_compare::Server;

/// The `n` whose Python `sumn` takes about 4.5 ms here (the post's cost).
fn python_n(python: &Path) -> io::Result<u64> {
    let script = "import time\n\
def sumn(n):\n    t = 0\n    while n > 0:\n        t += n\n        n -= 1\n    return t\n\
best = min((lambda s: (sumn(100000), time.perf_counter() - s)[1])(time.perf_counter()) for _ in range(5))\n\
print(int(100000 * 0.0045 / best))";
    output(python, &["-c", script])?
        .trim()
        .parse()
        .map_err(io::Error::other)
}

/// Seed 003's sum server: Python's threaded server with plain, exclusive and
/// pool apply against genlet's, the same `n` and the same client
/// (`examples/sumclient.rs --port`).
pub(crate) fn run(ctx: &Context, results: &mut Results) -> io::Result<()> {
    eprintln!("compare: sum server (seed 003)");
    let n = match &ctx.python {
        Some(python) => python_n(python)?,
        None => 110_000,
    };
    eprintln!("compare: n = {n} (about 4.5 ms of Python per request here)");
    let (requests, clients): (usize, &[usize]) = if ctx.quick {
        (100, &[1, 4])
    } else {
        (1000, &[1, 2, 4, 8])
    };
    let policies = ["inline", "exclusive", "pool"];
    let mut progress = Progress::even("sum server", policies.len() * clients.len() * ctx.reps);
    for policy in policies {
        for &c in clients {
            let setting = format!("{policy}, {c} clients");
            for _ in 0..ctx.reps {
                let mut servers: Vec<(String, PathBuf, Vec<String>)> = vec![(
                    format!("genlet {policy}"),
                    ctx.example("sumserver"),
                    vec!["--apply".into(), policy.into(), "--port".into(), "0".into()],
                )];
                if let Some(python) = &ctx.python {
                    servers.push((
                        format!("python {policy}"),
                        python.clone(),
                        vec![ctx.script("sumserver.py"), "--apply".into(), policy.into()],
                    ));
                }
                for (system, program, args) in servers {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    let (_server, port) = Server::start(command(&program, &args))?;
                    let line = last_json(
                        &ctx.example("sumclient"),
                        &[
                            "--port",
                            &port.to_string(),
                            "--requests",
                            &requests.to_string(),
                            "--clients",
                            &c.to_string(),
                            "--n",
                            &n.to_string(),
                            "--json",
                        ],
                    )?;
                    let ms = number(&line, "wall_ms")?;
                    // Settings per policy; the pool goal compares pools.
                    results.add(
                        "sumserver",
                        "wall",
                        "ms per 1000 requests",
                        &setting,
                        c as f64,
                        &system,
                        ms * 1000.0 / requests as f64,
                    );
                }
                progress.step(&setting, 1.0);
            }
        }
    }
    Ok(())
}
