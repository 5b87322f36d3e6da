//! Seed 004's UDP echo server beside K CPU-spinning threads (the GIL's
//! convoy effect): genlet's inline, priority and offload modes
//! (`examples/iotest.rs`) against Python's threaded server
//! (`compare/python/iotest.py`), the same client (`examples/echoclient.rs`);
//! MB/s.

use std::io;
use std::path::PathBuf;

use crate::experiments::{Context, number};
use crate::progress::Progress;
use crate::results::Results;
use crate::{command, last_json};
use genlet_compare::Server;

/// Seed 004's UDP echo beside K CPU spinners: Python's threaded server with
/// K spinning threads against genlet's three modes, the same client.
pub(crate) fn run(ctx: &Context, results: &mut Results) -> io::Result<()> {
    eprintln!("compare: UDP echo beside K spinners (seed 004)");
    let (mb, ks): (&str, &[usize]) = if ctx.quick {
        ("1", &[0, 2])
    } else {
        ("10", &[0, 1, 2, 3, 4])
    };
    let mut progress = Progress::even("UDP echo", ks.len() * ctx.reps);
    for &k in ks {
        let setting = format!("K={k}");
        for _ in 0..ctx.reps {
            let mut servers: Vec<(String, PathBuf, Vec<String>)> =
                ["inline", "priority", "offload"]
                    .iter()
                    .map(|mode| {
                        (
                            format!("genlet {mode}"),
                            ctx.example("iotest"),
                            vec![
                                "--serve".into(),
                                "--spinners".into(),
                                k.to_string(),
                                "--cpu".into(),
                                (*mode).into(),
                            ],
                        )
                    })
                    .collect();
            if let Some(python) = &ctx.python {
                servers.push((
                    "python threads".into(),
                    python.clone(),
                    vec![ctx.script("iotest.py"), "--spinners".into(), k.to_string()],
                ));
            }
            for (system, program, args) in servers {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let (_server, port) = Server::start(command(&program, &args))?;
                // Let the spinners get going, as the post's threads had.
                std::thread::sleep(std::time::Duration::from_millis(50));
                let line = last_json(
                    &ctx.example("echoclient"),
                    &["--port", &port.to_string(), "--mb", mb, "--json"],
                )?;
                results.add(
                    "udp echo",
                    "throughput",
                    "MB/s",
                    &setting,
                    k as f64,
                    &system,
                    number(&line, "bytes_per_sec")? / 1e6,
                );
            }
            progress.step(&setting, 1.0);
        }
    }
    Ok(())
}
