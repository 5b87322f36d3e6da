//! Seed 003's client: `requests` requests split over `clients` threads, each
//! a fresh connection sending `n` and reading the sum; timed as a whole, and
//! optionally with a latency probe beside them.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::sumserver::{self, Config, Policy, Server};

/// Sends one request and returns the reply line (without its newline).
///
/// # Errors
///
/// When connecting, sending or receiving fails.
pub fn request(addr: SocketAddr, payload: &[u8]) -> io::Result<String> {
    let mut conn = TcpStream::connect(addr)?;
    conn.set_read_timeout(Some(Duration::from_secs(60)))?;
    conn.write_all(payload)?;
    let mut reply = String::new();
    conn.read_to_string(&mut reply)?;
    Ok(reply.trim_end().to_string())
}

/// Latency of the probe's requests (`n = 1`, one every 10 ms), in ms.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// How many probe requests were sent.
    pub samples: usize,
}

/// One row of the post's table.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// Client threads.
    pub clients: usize,
    /// Requests sent in all.
    pub requests: usize,
    /// Wall time for all of them.
    pub wall: Duration,
    /// The probe's latency, when one ran.
    pub probe: Option<Probe>,
}

/// Runs `requests` requests of `n` from `clients` threads against `addr`,
/// checking every reply; with `probe`, also a probe thread.
///
/// # Errors
///
/// When a request fails or a reply is not the expected sum: nothing is lost
/// silently.
pub fn load(
    addr: SocketAddr,
    requests: usize,
    clients: usize,
    n: u64,
    probe: bool,
) -> io::Result<Row> {
    let clients = clients.max(1);
    let expected = (u128::from(n) * (u128::from(n) + 1) / 2).to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let prober = probe.then(|| {
        let stop = stop.clone();
        std::thread::spawn(move || -> io::Result<Vec<f64>> {
            let mut latencies = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let start = Instant::now();
                let reply = request(addr, b"1\n")?;
                latencies.push(start.elapsed().as_secs_f64() * 1e3);
                if reply != "1" {
                    return Err(io::Error::other(format!("probe got {reply:?}")));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(latencies)
        })
    });
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            // Spread the remainder: every request is sent.
            let share = requests / clients + usize::from(c < requests % clients);
            let (expected, payload) = (expected.clone(), format!("{n}\n"));
            std::thread::spawn(move || -> io::Result<()> {
                for _ in 0..share {
                    let reply = request(addr, payload.as_bytes())?;
                    if reply != expected {
                        return Err(io::Error::other(format!(
                            "expected {expected}, got {reply:?}"
                        )));
                    }
                }
                Ok(())
            })
        })
        .collect();
    let mut result = Ok(());
    for thread in threads {
        let outcome = thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("a client thread panicked")));
        result = result.and(outcome);
    }
    let wall = start.elapsed();
    stop.store(true, Ordering::SeqCst);
    let probe = match prober {
        Some(prober) => {
            let mut latencies = prober
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the probe panicked")))?;
            latencies.sort_by(f64::total_cmp);
            let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
            (!latencies.is_empty()).then(|| Probe {
                p50_ms: at(0.5),
                p99_ms: at(0.99),
                samples: latencies.len(),
            })
        }
        None => None,
    };
    result?;
    Ok(Row {
        clients,
        requests,
        wall,
        probe,
    })
}

/// What to run: the flags of `examples/sumclient.rs`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Requests per row.
    pub requests: usize,
    /// Client counts, one row each.
    pub clients: Vec<usize>,
    /// The `n` each request sends.
    pub n: u64,
    /// A running server to talk to; `None` starts one in-process.
    pub port: Option<u16>,
    /// The in-process server's policy.
    pub policy: Policy,
    /// The in-process server serves on the hub.
    pub hub_tasks: bool,
    /// The in-process server's [`Config::inline_below`].
    pub inline_below: u64,
    /// Run the latency probe.
    pub probe: bool,
    /// One JSON object per row instead of the table.
    pub json: bool,
}

/// Runs the rows and prints them.
///
/// # Errors
///
/// When the server cannot start or a request fails.
pub fn run(out: &mut impl Write, options: &Options) -> io::Result<()> {
    let (server, addr) = match options.port {
        Some(port) => (None, SocketAddr::from(([127, 0, 0, 1], port))),
        None => {
            let mut config = Config::new(options.policy);
            config.hub_tasks = options.hub_tasks;
            config.inline_below = options.inline_below;
            let server = Server::start(0, config)?;
            let addr = server.addr();
            (Some(server), addr)
        }
    };
    let apply = match options.port {
        Some(_) => "external".to_string(),
        None => options.policy.to_string(),
    };
    let mode = if options.hub_tasks {
        "hub tasks"
    } else {
        "threads"
    };
    if !options.json {
        writeln!(
            out,
            "sumclient: {} requests of n = {} against {addr} ({apply}{})",
            options.requests,
            options.n,
            if options.port.is_some() {
                String::new()
            } else {
                format!(", {mode}")
            },
        )?;
        write!(
            out,
            "{:>8} {:>10} {:>12}",
            "clients", "seconds", "ms/request"
        )?;
        if options.probe {
            write!(out, " {:>14} {:>14}", "probe p50 ms", "probe p99 ms")?;
        }
        writeln!(out)?;
    }
    for &clients in &options.clients {
        let row = load(addr, options.requests, clients, options.n, options.probe)?;
        let wall_ms = row.wall.as_secs_f64() * 1e3;
        if options.json {
            write!(
                out,
                "{{\"apply\":\"{apply}\",\"async\":{},\"clients\":{},\"requests\":{},\"n\":{},\"wall_ms\":{wall_ms:.1}",
                options.hub_tasks, row.clients, row.requests, options.n
            )?;
            if let Some(p) = row.probe {
                write!(
                    out,
                    ",\"probe_p50_ms\":{:.3},\"probe_p99_ms\":{:.3}",
                    p.p50_ms, p.p99_ms
                )?;
            }
            writeln!(out, "}}")?;
        } else {
            write!(
                out,
                "{:>8} {:>10.2} {:>12.2}",
                row.clients,
                wall_ms / 1e3,
                wall_ms / row.requests.max(1) as f64
            )?;
            if let Some(p) = row.probe {
                write!(out, " {:>14.2} {:>14.2}", p.p50_ms, p.p99_ms)?;
            }
            writeln!(out)?;
        }
    }
    drop(server);
    Ok(())
}

/// The tour's short run: a few requests per policy from 1 and 2 clients.
///
/// # Errors
///
/// When a server cannot start or a request fails.
pub fn tour(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "== yieldable threads (seed 003): sums of 1..=n yielded to an apply policy =="
    )?;
    for policy in Policy::ALL {
        run(
            out,
            &Options {
                requests: 40,
                clients: vec![1, 2],
                n: sumserver::DEFAULT_N,
                port: None,
                policy,
                hub_tasks: false,
                inline_below: sumserver::DEFAULT_INLINE_BELOW,
                probe: false,
                json: false,
            },
        )?;
    }
    Ok(())
}
