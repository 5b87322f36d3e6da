//! Seed 001's fan-out: seven heterogeneous lookups behind one request, made
//! one after another and then spawned and joined. A local TCP "data
//! service" stands in for the article's Thrift server: each lookup sends
//! its name and gets an answer after that lookup's own latency.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet::net::TcpStream;

/// The lookups: name and the service's latency for it, in ms.
pub const LOOKUPS: [(&str, u64); 7] = [
    ("user", 40),
    ("friends", 90),
    ("feed", 120),
    ("notifications", 30),
    ("ads", 60),
    ("settings", 20),
    ("recommendations", 110),
];

/// Starts the data service on 127.0.0.1: each connection sends a lookup's
/// name, and after that lookup's latency gets one line back (or an error
/// line for the lookup named in `fail`).
///
/// # Errors
///
/// When the port cannot be bound.
pub fn start_service(fail: Option<&'static str>) -> io::Result<genlet::StreamServer> {
    genlet::StreamServer::bind("127.0.0.1:0", move |mut conn, _peer| async move {
        let mut buf = [0; 64];
        let Ok(n) = conn.read(&mut buf).await else {
            return;
        };
        let name = String::from_utf8_lossy(&buf[..n]).to_string();
        let reply = match LOOKUPS.iter().find(|(n, _)| *n == name) {
            Some((_, ms)) => {
                genlet::sleep(Duration::from_millis(*ms)).await;
                if fail == Some(name.as_str()) {
                    format!("error: {name} store unavailable\n")
                } else {
                    format!("{name}: {} records\n", name.len() * 7)
                }
            }
            None => format!("error: no lookup named {name:?}\n"),
        };
        let _ = conn.write_all(reply.as_bytes()).await;
    })
}

/// One lookup against the service: its answer, or an error naming why.
///
/// # Errors
///
/// When the service cannot be reached or answers with an error line.
pub async fn lookup(service: SocketAddr, name: &str) -> io::Result<String> {
    let mut conn = TcpStream::connect(service).await?;
    conn.write_all(name.as_bytes()).await?;
    let mut reply = String::new();
    conn.read_to_string(&mut reply).await?;
    let reply = reply.trim_end().to_string();
    match reply.strip_prefix("error: ") {
        Some(reason) => Err(io::Error::other(reason.to_string())),
        None => Ok(reply),
    }
}

/// What one run measured.
#[derive(Debug)]
pub struct Timing {
    /// The seven lookups one after another.
    pub sequential: Duration,
    /// The seven spawned, then joined.
    pub concurrent: Duration,
}

/// Runs both ways and prints a line per lookup and the timings (or JSON).
///
/// # Errors
///
/// When the service cannot start. A failing lookup is printed with its
/// greenlet's name, not returned.
pub fn run(out: &mut impl Write, fail: Option<usize>, json: bool) -> io::Result<Timing> {
    let fail_name = fail
        .and_then(|i| LOOKUPS.get(i.checked_sub(1)?))
        .map(|(n, _)| *n);
    genlet::run(async {
        let service = start_service(fail_name)?;
        let addr = service.local_addr();

        let start = Instant::now();
        for (name, _) in LOOKUPS {
            let _ = lookup(addr, name).await;
        }
        let sequential = start.elapsed();

        let start = Instant::now();
        let greenlets: Vec<_> = LOOKUPS
            .iter()
            .map(|(name, _)| genlet::task().name(*name).spawn(lookup(addr, name)))
            .collect();
        let mut lines = Vec::new();
        for greenlet in greenlets {
            let name = greenlet.name().to_string();
            lines.push(match greenlet.join().await {
                Ok(Ok(answer)) => format!("  {answer}"),
                Ok(Err(e)) => format!("  {name}: FAILED at join: {e}"),
                Err(e) => format!("  {name}: {e}"),
            });
        }
        let concurrent = start.elapsed();
        service.stop(Duration::from_secs(1)).await;

        let speedup = sequential.as_secs_f64() / concurrent.as_secs_f64();
        if json {
            writeln!(
                out,
                "{{\"sequential_ms\":{:.1},\"concurrent_ms\":{:.1},\"speedup\":{speedup:.2}}}",
                sequential.as_secs_f64() * 1e3,
                concurrent.as_secs_f64() * 1e3
            )?;
        } else {
            writeln!(
                out,
                "== fan-out (seed 001): seven lookups behind one request"
            )?;
            for line in lines {
                writeln!(out, "{line}")?;
            }
            let total: u64 = LOOKUPS.iter().map(|(_, ms)| ms).sum();
            writeln!(
                out,
                "one after another: {:>6.1} ms  (latencies add up to {total} ms)",
                sequential.as_secs_f64() * 1e3
            )?;
            writeln!(
                out,
                "spawned + joined:  {:>6.1} ms  ({speedup:.1}x faster; the article saw 2x)",
                concurrent.as_secs_f64() * 1e3
            )?;
        }
        Ok(Timing {
            sequential,
            concurrent,
        })
    })
}
