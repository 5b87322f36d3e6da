//! Prog 1 and Prog 2 of seed 002 ("Greenlet-based concurrency"): N tasks that
//! each sleep, on genlet's hub or a peer runtime; the wall time and the memory
//! each sleeping task cost. Behind `examples/sleepers.rs` and the tour.

use std::io::{self, Write};
use std::time::{Duration, Instant};

/// The runtimes `measure` knows.
pub const RUNTIMES: [&str; 5] = ["genlet", "smol", "tokio", "tokio-mt", "threads"];

/// One measurement.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// Wall time from the first spawn to the last join.
    pub wall: Duration,
    /// The process's peak resident size afterwards, in KiB.
    pub peak_rss_kib: u64,
    /// Peak resident size minus the size before spawning, per task.
    pub bytes_per_task: f64,
}

/// The process's resident size (`VmRSS`) or its peak (`VmHWM`), in KiB.
pub(crate) fn status_kib(field: &str) -> u64 {
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

/// Spawns the sleepers on `runtime` and waits for them all.
fn spawn_and_join(
    runtime: &str,
    n: usize,
    sleep: Duration,
    workers: Option<usize>,
) -> Result<(), String> {
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

/// Spawns `n` tasks on `runtime` that each sleep `sleep`, waits for them all,
/// and measures. Memory figures are per process: run one runtime per process
/// for exact ones.
///
/// # Errors
///
/// An unknown runtime, `threads` above 10,000 tasks, or a runtime that fails
/// to start.
pub fn measure(
    runtime: &str,
    n: usize,
    sleep: Duration,
    workers: Option<usize>,
) -> Result<Measurement, String> {
    if runtime == "threads" && n > 10_000 {
        return Err("--runtime threads is limited to 10000 tasks".into());
    }
    let before = status_kib("VmRSS:");
    let start = Instant::now();
    spawn_and_join(runtime, n, sleep, workers)?;
    let wall = start.elapsed();
    let peak_rss_kib = status_kib("VmHWM:");
    let bytes_per_task = (peak_rss_kib.saturating_sub(before) * 1024) as f64 / n.max(1) as f64;
    Ok(Measurement {
        wall,
        peak_rss_kib,
        bytes_per_task,
    })
}

/// The tour's short run: 100,000 sleepers of 200 ms on the hub.
///
/// # Errors
///
/// Whatever writing to `out` returns; a hub that fails to start.
pub fn run(out: &mut impl Write, tasks: usize) -> io::Result<()> {
    let m = measure("genlet", tasks, Duration::from_millis(200), None).map_err(io::Error::other)?;
    writeln!(
        out,
        "== sleepers: {tasks} tasks each sleeping 200 ms on the hub (seed 002, Prog 1)"
    )?;
    writeln!(out, "{:<10} {:>10} {:>12}", "runtime", "wall", "per task")?;
    writeln!(
        out,
        "{:<10} {:>8.3} s {:>10.0} B  (approximate in the tour; `cargo run --release --example sleepers` for exact figures)",
        "genlet",
        m.wall.as_secs_f64(),
        m.bytes_per_task
    )?;
    Ok(())
}
