//! The network-load experiment: an echo server per system under the same
//! load generator (`src/bin/echo_load.rs`), 64-byte request/response on 1,
//! 10, 100 and 1,000 connections held open, for genlet's `StreamServer`,
//! raw smol, tokio (current-thread and multi-thread), gevent's
//! `StreamServer` and Go (a goroutine per connection).
//!
//! Two core splits, the same for every server: the server alone on core 0
//! with the client on core 1 (`taskset`), and server and client both
//! allowed on cores 0 and 1. Each point starts a fresh server, opens the
//! connections, warms up, then measures requests per second and p50/p99
//! latency over a window, with the client's and the server's CPU use;
//! systems are interleaved within each repetition, in a rotating order.
//!
//! Used by the harness (`main.rs`) and, on its own, by `src/bin/netload.rs`.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What to run.
pub struct Plan {
    /// The workspace root.
    pub root: PathBuf,
    /// The venv's interpreter, with gevent; `None`: no gevent server.
    pub python: Option<PathBuf>,
    /// Repetitions of each point.
    pub reps: usize,
    /// Shorter windows.
    pub quick: bool,
    /// Also genlet's server without timeouts, on a hub driven by the main
    /// thread alone, and a plain spawn loop, to show where genlet's server
    /// time goes.
    pub diagnose: bool,
    /// Connection counts.
    pub connections: Vec<usize>,
    /// Messages in flight per connection for each count (1: request/response).
    pub depths: Vec<u16>,
    /// Only these systems (by name); empty: all.
    pub only: Vec<String>,
}

/// One measured point.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The server's system (genlet, smol, tokio-ct, …).
    pub system: String,
    /// The core split's name (see [`SPLITS`]).
    pub split: &'static str,
    /// Client connections held open.
    pub connections: usize,
    /// Messages in flight per connection.
    pub depth: u16,
    /// Requests answered per second.
    pub rps: f64,
    /// Median round trip, µs.
    pub p50_us: f64,
    /// 99th percentile round trip, µs.
    pub p99_us: f64,
    /// The load generator's CPU time over the window, in cores.
    pub client_cpu: Option<f64>,
    /// The server's CPU time over the window, in cores.
    pub server_cpu: Option<f64>,
}

impl Sample {
    /// The server's CPU time per request, in µs.
    pub fn server_us_per_request(&self) -> Option<f64> {
        self.server_cpu.map(|c| c / self.rps * 1e6)
    }

    /// The setting's name in the harness's tables: split, connections, depth.
    pub fn setting(&self) -> String {
        let depth = if self.depth > 1 {
            format!(", depth {}", self.depth)
        } else {
            String::new()
        };
        format!("{}, C={}{depth}", self.split, self.connections)
    }
}

/// The core splits: name, the server's CPUs, the client's CPUs.
pub const SPLITS: [(&str, &str, &str); 2] = [
    ("server 1 core", "0", "1"),
    ("2 cores shared", "0,1", "0,1"),
];

/// Whether a Go toolchain answers `go version`.
pub fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Builds `compare/go/<name>` into `target/go/<name>` with `go build`.
pub fn go_build(root: &Path, name: &str) -> io::Result<PathBuf> {
    let out = root.join("target/go").join(name);
    let built = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg(format!("./{name}"))
        .current_dir(root.join("compare/go"))
        .status()?;
    if !built.success() {
        return Err(io::Error::other(format!("go build ./{name} failed")));
    }
    Ok(out)
}

fn number(line: &serde_json::Value, key: &str) -> io::Result<f64> {
    line[key]
        .as_f64()
        .ok_or_else(|| io::Error::other(format!("no number {key:?} in {line}")))
}

/// Builds the servers and the load generator; returns the systems (name,
/// program, arguments) and the load generator.
#[allow(clippy::type_complexity)]
fn systems(plan: &Plan) -> io::Result<(Vec<(String, PathBuf, Vec<String>)>, PathBuf)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "genlet-compare",
            "--bin",
            "echo_server",
            "--bin",
            "echo_load",
            "--quiet",
        ])
        .current_dir(&plan.root)
        .status()?;
    if !built.success() {
        return Err(io::Error::other(
            "cargo build of echo_server, echo_load failed",
        ));
    }
    let bin = plan.root.join("target/release");
    let mut runtimes = vec!["genlet", "smol", "tokio-ct", "tokio-mt"];
    if plan.diagnose {
        runtimes.extend([
            "genlet-no-timeouts",
            "genlet-calling-thread",
            "genlet-spawn",
        ]);
    }
    let mut out: Vec<(String, PathBuf, Vec<String>)> = runtimes
        .into_iter()
        .map(|r| {
            (
                r.to_string(),
                bin.join("echo_server"),
                vec!["--runtime".into(), r.into()],
            )
        })
        .collect();
    if let Some(python) = &plan.python {
        let script = plan.root.join("compare/python/echoserver.py");
        out.push((
            "gevent".into(),
            python.clone(),
            vec![script.display().to_string()],
        ));
    }
    let wanted = |name: &str| plan.only.is_empty() || plan.only.iter().any(|o| o == name);
    if wanted("go") && go_available() {
        out.push(("go".into(), go_build(&plan.root, "echo")?, Vec::new()));
    } else if wanted("go") {
        eprintln!("netload: no `go` (apt-get install -y golang-go): Go's server is left out");
    }
    out.retain(|(name, _, _)| wanted(name));
    Ok((out, bin.join("echo_load")))
}

/// Runs every point; a point that fails is reported on stderr and left out.
pub fn run(plan: &Plan) -> io::Result<Vec<Sample>> {
    let (systems, load) = systems(plan)?;
    let (warmup, ms) = if plan.quick {
        ("300", "1000")
    } else {
        ("500", "2000")
    };
    let mut points: Vec<(usize, u16)> = Vec::new();
    for &c in &plan.connections {
        for &d in &plan.depths {
            points.push((c, d));
        }
    }
    let total = SPLITS.len() * points.len() * plan.reps * systems.len();
    eprintln!(
        "netload: {} systems, {} points, {} repetitions: {total} runs of about {:.1} s",
        systems.len(),
        SPLITS.len() * points.len(),
        plan.reps,
        (warmup.parse::<f64>().unwrap_or(0.0) + ms.parse::<f64>().unwrap_or(0.0)) / 1e3 + 0.3
    );
    let mut samples = Vec::new();
    let mut done = 0;
    for (split, server_cpus, client_cpus) in SPLITS {
        for &(connections, depth) in &points {
            for rep in 0..plan.reps {
                // Interleaved, each repetition starting one system later.
                for k in 0..systems.len() {
                    let (system, program, args) = &systems[(k + rep) % systems.len()];
                    done += 1;
                    let mut taskset = Command::new("taskset");
                    taskset.args(["-c", server_cpus]).arg(program).args(args);
                    let (server, port) = crate::Server::start(taskset)?;
                    let out = Command::new("taskset")
                        .args(["-c", client_cpus])
                        .arg(&load)
                        .args([
                            "--port",
                            &port.to_string(),
                            "--connections",
                            &connections.to_string(),
                            "--depth",
                            &depth.to_string(),
                            "--warmup-ms",
                            warmup,
                            "--ms",
                            ms,
                            "--server-pid",
                            &server.0.id().to_string(),
                            "--json",
                        ])
                        .stderr(Stdio::piped())
                        .output()?;
                    drop(server);
                    let text = String::from_utf8_lossy(&out.stdout);
                    let line = text.lines().find(|l| l.starts_with('{'));
                    let parsed = match line {
                        Some(l) if out.status.success() => {
                            serde_json::from_str::<serde_json::Value>(l).map_err(io::Error::other)
                        }
                        _ => Err(io::Error::other(format!(
                            "echo_load failed: {}",
                            String::from_utf8_lossy(&out.stderr).trim()
                        ))),
                    };
                    let line = match parsed {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!(
                                "netload: [{done}/{total}] {split}, C={connections}, {system}: {e}; left out"
                            );
                            continue;
                        }
                    };
                    let sample = Sample {
                        system: system.clone(),
                        split,
                        connections,
                        depth,
                        rps: number(&line, "rps")?,
                        p50_us: number(&line, "p50_us")?,
                        p99_us: number(&line, "p99_us")?,
                        client_cpu: line["client_cpu"].as_f64(),
                        server_cpu: line["server_cpu"].as_f64(),
                    };
                    eprintln!(
                        "netload: [{done}/{total}] {}, {system}: {:.0} req/s, p50 {:.1} µs, p99 {:.1} µs, CPU client {} server {}",
                        sample.setting(),
                        sample.rps,
                        sample.p50_us,
                        sample.p99_us,
                        cpu(sample.client_cpu),
                        cpu(sample.server_cpu),
                    );
                    samples.push(sample);
                }
            }
        }
    }
    Ok(samples)
}

fn cpu(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.2}"))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Medians over the repetitions of one system at one point.
struct Point {
    rps: f64,
    p50: f64,
    p99: f64,
    client_cpu: f64,
    server_cpu: f64,
    /// The server's CPU time per request, in µs: less sensitive than req/s
    /// to what else the machine runs.
    server_us: f64,
}

fn point(samples: &[Sample], split: &str, c: usize, d: u16, system: &str) -> Option<Point> {
    let mine: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.split == split && s.connections == c && s.depth == d && s.system == system)
        .collect();
    if mine.is_empty() {
        return None;
    }
    let m = |f: &dyn Fn(&Sample) -> Option<f64>| median(mine.iter().filter_map(|s| f(s)).collect());
    Some(Point {
        rps: m(&|s| Some(s.rps)),
        p50: m(&|s| Some(s.p50_us)),
        p99: m(&|s| Some(s.p99_us)),
        client_cpu: m(&|s| s.client_cpu),
        server_cpu: m(&|s| s.server_cpu),
        server_us: m(&|s| s.server_us_per_request()),
    })
}

/// The table (medians per split, connections and system, with genlet's
/// req/s over each system's and the CPU each side used) and the issue's
/// targets against it.
pub fn summary(samples: &[Sample]) -> String {
    let mut out = String::new();
    let mut systems: Vec<&str> = Vec::new();
    let mut points: Vec<(usize, u16)> = Vec::new();
    for s in samples {
        if !systems.contains(&s.system.as_str()) {
            systems.push(&s.system);
        }
        if !points.contains(&(s.connections, s.depth)) {
            points.push((s.connections, s.depth));
        }
    }
    points.sort_unstable();
    for (split, server_cpus, client_cpus) in SPLITS {
        if !samples.iter().any(|s| s.split == split) {
            continue;
        }
        let _ = writeln!(
            out,
            "\n== netload, {split}: server on CPUs {server_cpus}, client on CPUs {client_cpus}; 64-byte echo, medians; ratio = genlet req/s / system req/s; client, server: CPU used, in cores"
        );
        let _ = writeln!(
            out,
            "{:<14} {:<20} {:>10} {:>9} {:>9} {:>8} {:>8} {:>8} {:>12}",
            "connections",
            "system",
            "req/s",
            "p50 µs",
            "p99 µs",
            "ratio",
            "client",
            "server",
            "server µs/req"
        );
        for &(c, d) in &points {
            let base = point(samples, split, c, d, "genlet");
            for system in &systems {
                let Some(p) = point(samples, split, c, d, system) else {
                    continue;
                };
                let setting = if d > 1 {
                    format!("{c}, depth {d}")
                } else {
                    c.to_string()
                };
                let ratio = base
                    .as_ref()
                    .map_or_else(|| "-".into(), |b| format!("{:.2}x", b.rps / p.rps));
                let _ = writeln!(
                    out,
                    "{setting:<14} {system:<20} {:>10.0} {:>9.1} {:>9.1} {ratio:>8} {:>8.2} {:>8.2} {:>12.2}",
                    p.rps, p.p50, p.p99, p.client_cpu, p.server_cpu, p.server_us
                );
            }
        }
    }
    let _ = writeln!(out, "\n== netload targets (same run, medians)");
    for (split, _, _) in SPLITS {
        let rps = |c: usize, system: &str| point(samples, split, c, 1, system).map(|p| p.rps);
        for (peer, want, counts) in [
            ("tokio-mt", 1.2, &[10, 100, 1000][..]),
            ("go", 1.2, &[10, 100, 1000][..]),
            ("gevent", 2.0, &[1, 10, 100, 1000][..]),
        ] {
            for &c in counts {
                let line = match rps(c, "genlet").zip(rps(c, peer)) {
                    Some((g, p)) => {
                        let r = g / p;
                        format!(
                            "{split}, C={c}: genlet / {peer} req/s {r:.2}x (goal {want}x) {}",
                            if r >= want { "met" } else { "MISSED" }
                        )
                    }
                    None => format!("{split}, C={c}: genlet / {peer}: not measured"),
                };
                let _ = writeln!(out, "{line}");
            }
        }
        for peer in ["tokio-ct", "tokio-mt"] {
            let p50 = |system: &str| point(samples, split, 1, 1, system).map(|p| p.p50);
            let line = match p50("genlet").zip(p50(peer)) {
                Some((g, p)) => format!(
                    "{split}, C=1: p50 round trip genlet {g:.1} µs, {peer} {p:.1} µs (goal: genlet <= {peer}) {}",
                    if g <= p { "met" } else { "MISSED" }
                ),
                None => format!("{split}, C=1: p50 genlet / {peer}: not measured"),
            };
            let _ = writeln!(out, "{line}");
        }
    }
    out
}
