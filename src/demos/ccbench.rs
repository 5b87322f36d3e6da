//! Seed 004's `ccbench`: throughput of three kinds of CPU work run by 1 to 4
//! workers of genlet-ythread's pool, and the latency of a ping task on the
//! hub while 0 to 4 CPU tasks run beside it, inline, with the ping at high
//! priority, or with the CPU work offloaded.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use genlet_reactor::{Hub, Priority};
use genlet_ythread::{ThreadPool, YieldableThread};

use super::cpu_work::{compress_fixture, compress_round, pi_digits, regex_fixture, regex_round};
use super::iotest::{Mode, spawn_spinners};

/// The CPU tasks of the throughput table.
pub const KINDS: [&str; 3] = [
    "pi digits (big integers)",
    "regular expression",
    "deflate compression",
];

/// One iteration of task `kind`, its inputs built once per worker.
fn worker_job(kind: usize) -> Box<dyn FnMut() + Send> {
    match kind {
        0 => Box::new(|| {
            std::hint::black_box(pi_digits(50));
        }),
        1 => {
            let (re, text) = regex_fixture();
            Box::new(move || {
                std::hint::black_box(regex_round(&re, &text));
            })
        }
        _ => {
            let data = compress_fixture();
            Box::new(move || {
                std::hint::black_box(compress_round(&data));
            })
        }
    }
}

/// Iterations per second of `kind` with `workers` yieldable threads, each
/// yielding batches of iterations (5 ms of work each, so that hand-offs cost
/// little) to a pool running `workers` jobs at once, over `duration`.
///
/// # Errors
///
/// When a thread cannot start.
pub fn throughput(kind: usize, workers: usize, duration: Duration) -> io::Result<f64> {
    const BATCH: Duration = Duration::from_millis(5);
    let pool = ThreadPool::with_limit(workers);
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let count = count.clone();
            YieldableThread::spawn(
                move |cpu| async move {
                    let mut job = Some(worker_job(kind));
                    while Instant::now() < deadline {
                        let mut work = job.take().expect("given back after each batch");
                        let Ok((work, done)) = cpu
                            .run(move || {
                                let batch = Instant::now();
                                let mut done = 0;
                                while batch.elapsed() < BATCH {
                                    work();
                                    done += 1;
                                }
                                (work, done)
                            })
                            .await
                        else {
                            break;
                        };
                        job = Some(work);
                        count.fetch_add(done, Ordering::Relaxed);
                    }
                },
                pool.clone(),
            )
        })
        .collect::<Result<_, _>>()?;
    for thread in threads {
        thread
            .join()
            .map_err(|_| io::Error::other("a worker panicked"))?;
    }
    Ok(count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64())
}

/// Mean and standard deviation, in ms, of a ping task's latency: another
/// thread sends it a timestamp every 5 ms, and it notes how long each took to
/// be received, while `cpu_tasks` spinners run beside it the `mode` way on a
/// one-worker hub, over `duration`.
///
/// # Errors
///
/// When the hub cannot start.
pub fn latency(cpu_tasks: usize, mode: Mode, duration: Duration) -> io::Result<(f64, f64)> {
    let hub = Hub::builder().workers(1).thread_name("ccbench").build()?;
    spawn_spinners(&hub, cpu_tasks, mode)?;
    let (pings, received) = smol::channel::unbounded::<Instant>();
    let priority = if mode == Mode::Priority {
        Priority::High
    } else {
        Priority::Normal
    };
    let ping = hub
        .task()
        .name("ping")
        .priority(priority)
        .spawn(async move {
            let mut latencies = Vec::new();
            while let Ok(sent) = received.recv().await {
                latencies.push(sent.elapsed().as_secs_f64() * 1e3);
            }
            latencies
        });
    let end = Instant::now() + duration;
    while Instant::now() < end {
        let _ = pings.send_blocking(Instant::now());
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(pings);
    let latencies = hub.block_on(ping);
    let n = latencies.len().max(1) as f64;
    let mean = latencies.iter().sum::<f64>() / n;
    let var = latencies.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    Ok((mean, var.sqrt()))
}

/// Prints both tables (or JSON lines); `duration` is per cell.
///
/// # Errors
///
/// When a thread or hub cannot start.
pub fn run(out: &mut impl Write, duration: Duration, json: bool) -> io::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if !json {
        writeln!(
            out,
            "== ccbench (seed 004): throughput on genlet-ythread's pool"
        )?;
        writeln!(
            out,
            "  (% of one worker's rate; {cores} cores here, so at most min(workers, {cores}) x 100 % is real)"
        )?;
    }
    for (kind, name) in KINDS.iter().enumerate() {
        if !json {
            writeln!(out, "{name}")?;
        }
        // Warm-up, untimed: the first run of a kind builds its inputs cold and
        // would make the 1-worker rate, which the others are divided by, low.
        throughput(kind, 1, duration / 4)?;
        let mut one = 0.0;
        for workers in 1..=4 {
            let rate = throughput(kind, workers, duration)?;
            if workers == 1 {
                one = rate;
            }
            let percent = 100.0 * rate / one.max(f64::MIN_POSITIVE);
            if json {
                writeln!(
                    out,
                    "{{\"table\":\"throughput\",\"task\":\"{name}\",\"workers\":{workers},\"per_sec\":{rate:.1},\"percent_of_1\":{percent:.0}}}"
                )?;
            } else if workers == 1 {
                writeln!(out, "  workers=1: {rate:>8.0} iterations/s")?;
            } else {
                // More than one worker per core cannot add throughput: a
                // figure above the ideal is noise (a slow 1-worker run, or
                // the CPU's clock varying), and is said to be.
                let ideal = 100.0 * workers.min(cores) as f64;
                let note = if percent > ideal * 1.05 {
                    format!(" above the {ideal:.0} % possible: noise")
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "  workers={workers}: {rate:>8.0} ({percent:>3.0} %){note}"
                )?;
            }
        }
    }
    if !json {
        writeln!(
            out,
            "== ccbench: latency of a ping task (a message every 5 ms) beside K pi-digits tasks, one-worker hub"
        )?;
        writeln!(
            out,
            "{}\n{:>3} {:>22} {:>22} {:>22}",
            Mode::LEGEND,
            "K",
            "inline",
            "priority",
            "offload"
        )?;
    }
    for k in 0..=4 {
        if !json {
            write!(out, "{k:>3}")?;
        }
        for mode in Mode::ALL {
            let (mean, std) = latency(k, mode, duration)?;
            if json {
                writeln!(
                    out,
                    "{{\"table\":\"latency\",\"cpu_tasks\":{k},\"mode\":\"{mode}\",\"mean_ms\":{mean:.3},\"std_ms\":{std:.3}}}"
                )?;
            } else {
                write!(out, " {:>9.2} ms (sd {:>5.2})", mean, std)?;
            }
        }
        if !json {
            writeln!(out)?;
        }
    }
    Ok(())
}
