//! The experiments, and the results they collect.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::{Pin, pin};
use std::time::Instant;

use genlet_coro::Coroutine;

use crate::{Server, json_lines, last_json, output};

use genlet_bench_support::body;

use crate::progress::Progress;

/// Where the programs are and how much to run.
pub(crate) struct Context {
    pub(crate) examples: PathBuf,
    pub(crate) scripts: PathBuf,
    pub(crate) python: Option<PathBuf>,
    pub(crate) reps: usize,
    pub(crate) quick: bool,
}

impl Context {
    fn example(&self, name: &str) -> PathBuf {
        self.examples.join(name)
    }

    fn script(&self, name: &str) -> String {
        self.scripts.join(name).display().to_string()
    }
}

/// One measured quantity for one system at one setting, over repetitions.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub(crate) experiment: &'static str,
    pub(crate) metric: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) setting: String,
    /// The setting as a number, for plots (N, clients, K…).
    pub(crate) x: f64,
    pub(crate) system: String,
    pub(crate) samples: Vec<f64>,
}

impl Cell {
    pub(crate) fn median(&self) -> f64 {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        match s.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => s[n / 2],
            n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
        }
    }

    fn min(&self) -> f64 {
        self.samples.iter().copied().fold(f64::INFINITY, f64::min)
    }

    fn max(&self) -> f64 {
        self.samples
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// Everything one run measured.
pub(crate) struct Results {
    pub(crate) machine: String,
    pub(crate) date: String,
    pub(crate) quick: bool,
    pub(crate) reps: usize,
    pub(crate) cells: Vec<Cell>,
}

/// The system each experiment's ratios are taken against.
fn baseline(experiment: &str) -> &'static str {
    match experiment {
        "resume" => "genlet-coro, stack-pinned",
        "matrix" => "genlet generators",
        "sumserver" => "genlet (same policy)",
        "udp echo" => "genlet priority",
        _ => "genlet",
    }
}

impl Results {
    pub(crate) fn new(machine: String, date: String, quick: bool, reps: usize) -> Self {
        Results {
            machine,
            date,
            quick,
            reps,
            cells: Vec::new(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add(
        &mut self,
        experiment: &'static str,
        metric: &'static str,
        unit: &'static str,
        setting: &str,
        x: f64,
        system: &str,
        value: f64,
    ) {
        match self.cells.iter_mut().find(|c| {
            c.experiment == experiment
                && c.metric == metric
                && c.setting == setting
                && c.system == system
        }) {
            Some(cell) => cell.samples.push(value),
            None => self.cells.push(Cell {
                experiment,
                metric,
                unit,
                setting: setting.to_string(),
                x,
                system: system.to_string(),
                samples: vec![value],
            }),
        }
    }

    /// The cell of `system` for `experiment`/`metric` at `setting`.
    pub(crate) fn find(
        &self,
        experiment: &str,
        metric: &str,
        setting: &str,
        system: &str,
    ) -> Option<&Cell> {
        self.cells.iter().find(|c| {
            c.experiment == experiment
                && c.metric == metric
                && c.setting == setting
                && c.system == system
        })
    }

    /// A table per experiment and metric: per setting, each system's median,
    /// min to max, and genlet's median over the system's.
    pub(crate) fn tables(&self) -> String {
        let mut out = String::new();
        let mut groups: BTreeMap<(usize, &str, &str), Vec<&Cell>> = BTreeMap::new();
        for (i, cell) in self.cells.iter().enumerate() {
            let first = self
                .cells
                .iter()
                .position(|c| c.experiment == cell.experiment && c.metric == cell.metric)
                .unwrap_or(i);
            groups
                .entry((first, cell.experiment, cell.metric))
                .or_default()
                .push(cell);
        }
        for ((_, experiment, metric), cells) in groups {
            let unit = cells[0].unit;
            let base = baseline(experiment);
            let _ = writeln!(
                out,
                "\n== {experiment}: {metric} ({unit}); ratio = {base} / system"
            );
            let _ = writeln!(
                out,
                "{:<14} {:<30} {:>12} {:>25} {:>8}",
                "setting", "system", "median", "min to max", "ratio"
            );
            for cell in cells {
                let base_cell = self
                    .find(experiment, metric, &cell.setting, base)
                    .or_else(|| {
                        // Sum server: genlet's server with the setting's policy.
                        self.cells.iter().find(|c| {
                            c.experiment == experiment
                                && c.metric == metric
                                && c.setting == cell.setting
                                && c.system.starts_with("genlet")
                        })
                    });
                let ratio = base_cell.map(|b| b.median() / cell.median());
                let _ = writeln!(
                    out,
                    "{:<20} {:<26} {:>10} {:>22} {:>9}",
                    cell.setting,
                    cell.system,
                    fmt(cell.median()),
                    format!("{} to {}", fmt(cell.min()), fmt(cell.max())),
                    ratio.map_or_else(|| "-".into(), |r| format!("{r:.3}x")),
                );
            }
        }
        out
    }

    /// The goals the issue set, against this run's medians.
    pub(crate) fn goals(&self) -> String {
        let mut out = String::from("\n== goals (same run)\n");
        let median =
            |e: &str, m: &str, s: &str, sys: &str| self.find(e, m, s, sys).map(Cell::median);
        let mut goal = |name: &str, have: Option<f64>, want: f64| {
            let line = match have {
                Some(v) => format!(
                    "{name}: {v:.2}x (goal {want}x) {}",
                    if v >= want { "met" } else { "MISSED" }
                ),
                None => format!("{name}: not measured in this run"),
            };
            let _ = writeln!(out, "{line}");
        };
        // Peer's median over genlet's: how many times better genlet is.
        let n = "N=100000";
        let goals: [(&str, [&str; 5], f64); 5] = [
            (
                "Prog 1 at 100k: gevent wall / genlet wall",
                ["sleepers", "wall", n, "gevent", "genlet"],
                10.0,
            ),
            (
                "Prog 1 at 100k: smol wall / genlet wall",
                ["sleepers", "wall", n, "smol", "genlet"],
                1.1,
            ),
            (
                "Prog 2 at 100k: gevent bytes / genlet bytes",
                ["sleepers", "memory", n, "gevent", "genlet"],
                40.0,
            ),
            (
                "Prog 2 at 100k: smol bytes / genlet bytes",
                ["sleepers", "memory", n, "smol", "genlet"],
                1.0,
            ),
            (
                "resume: greenlet switch / genlet-coro",
                [
                    "resume",
                    "round trip",
                    "1 resume",
                    "greenlet switch",
                    "genlet-coro, stack-pinned",
                ],
                20.0,
            ),
        ];
        for (name, [e, m, s, peer, ours], want) in goals {
            let have = median(e, m, s, peer)
                .zip(median(e, m, s, ours))
                .map(|(a, b)| a / b);
            goal(name, have, want);
        }
        let pool = self
            .cells
            .iter()
            .filter(|c| c.experiment == "sumserver" && c.system == "genlet pool")
            .map(|c| {
                let py = self
                    .find("sumserver", c.metric, &c.setting, "python pool")
                    .map(Cell::median);
                py.map(|p| p / c.median())
            })
            .collect::<Option<Vec<f64>>>()
            .and_then(|v| v.into_iter().reduce(f64::min));
        goal(
            "sumserver pool: python pool time / genlet pool time (worst setting)",
            pool,
            3.0,
        );
        out
    }

    pub(crate) fn to_json(&self) -> String {
        let cells: Vec<serde_json::Value> = self
            .cells
            .iter()
            .map(|c| {
                serde_json::json!({
                    "experiment": c.experiment, "metric": c.metric, "unit": c.unit,
                    "setting": c.setting, "x": c.x, "system": c.system,
                    "samples": c.samples, "median": c.median(),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "machine": self.machine, "date": self.date, "quick": self.quick,
            "repetitions": self.reps, "cells": cells,
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }
}

fn fmt(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v >= 1000.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

fn number(value: &serde_json::Value, key: &str) -> io::Result<f64> {
    value[key]
        .as_f64()
        .ok_or_else(|| io::Error::other(format!("no number {key:?} in {value}")))
}

/// Prog 1 and Prog 2 (seed 002): N tasks sleeping 200 ms; wall time and
/// bytes per task, one process per measurement.
pub(crate) fn sleepers(ctx: &Context, results: &mut Results) -> io::Result<()> {
    let sizes: &[u64] = if ctx.quick {
        &[100, 10_000, 100_000]
    } else {
        &[100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]
    };
    eprintln!("compare: sleepers (seed 002, Prog 1 and 2)");
    // Goroutines too, when there is a Go toolchain (examples/sleepers.rs builds it).
    let go = crate::netload::go_available();
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

/// Nanoseconds per resume of `c`, over `n` resumes.
fn time_resumes<C: Coroutine<u64, Yield = u64, Return = u64> + ?Sized>(
    mut c: Pin<&mut C>,
    n: u32,
) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        black_box(c.as_mut().resume(black_box(1)));
    }
    start.elapsed().as_nanos() as f64 / f64::from(n)
}

async fn genawaiter_body(co: genawaiter::rc::Co<u64, u64>) -> u64 {
    let (mut acc, mut n) = (0u64, 0u64);
    loop {
        n += 1;
        acc = acc.wrapping_add(co.yield_(n).await);
        if acc == u64::MAX {
            return acc;
        }
    }
}

/// One resume round trip: genlet-coro and genawaiter in this process, a
/// Python generator's send and a greenlet switch in the venv.
pub(crate) fn resume(ctx: &Context, results: &mut Results) -> io::Result<()> {
    eprintln!("compare: resume round trip");
    let n = 10_000_000;
    let mut progress = Progress::even("resume", ctx.reps);
    for rep in 1..=ctx.reps {
        let stack = time_resumes(pin!(body::genlet()), n);
        results.add(
            "resume",
            "round trip",
            "ns",
            "1 resume",
            1.0,
            "genlet-coro, stack-pinned",
            stack,
        );
        let mut boxed: Pin<Box<dyn Coroutine<u64, Yield = u64, Return = u64>>> =
            black_box(Box::pin(body::genlet()));
        let boxed = time_resumes(boxed.as_mut(), n);
        results.add(
            "resume",
            "round trip",
            "ns",
            "1 resume",
            1.0,
            "genlet-coro, boxed",
            boxed,
        );
        let mut g = genawaiter::rc::Gen::new(genawaiter_body);
        let start = Instant::now();
        for _ in 0..n {
            black_box(g.resume_with(black_box(1)));
        }
        let ga = start.elapsed().as_nanos() as f64 / f64::from(n);
        results.add(
            "resume",
            "round trip",
            "ns",
            "1 resume",
            1.0,
            "genawaiter rc",
            ga,
        );
        if let Some(python) = &ctx.python {
            for line in json_lines(python, &[&ctx.script("resume.py")])? {
                let system = line["system"].as_str().unwrap_or("?").to_string();
                results.add(
                    "resume",
                    "round trip",
                    "ns",
                    "1 resume",
                    1.0,
                    &system,
                    number(&line, "ns_per_resume")?,
                );
            }
        }
        progress.step(&format!("repetition {rep}"), 1.0);
    }
    Ok(())
}

/// Seed 000's sums: genlet's three ways beside the post's loop, greenlet and
/// (for eventlet) gevent versions.
pub(crate) fn matrix(ctx: &Context, results: &mut Results) -> io::Result<()> {
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
pub(crate) fn sumserver(ctx: &Context, results: &mut Results) -> io::Result<()> {
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
                    let (_server, port) = Server::start(&program, &args)?;
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

/// Seed 004's UDP echo beside K CPU spinners: Python's threaded server with
/// K spinning threads against genlet's three modes, the same client.
pub(crate) fn udp_echo(ctx: &Context, results: &mut Results) -> io::Result<()> {
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
                let (_server, port) = Server::start(&program, &args)?;
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
