//! The network-load experiment's load generator, the same for every server:
//! C connections to an echo server, held open for the run, each with D
//! messages of S bytes in flight (D = 1: send, wait for the whole echo, send
//! the next). One thread, one level-triggered epoll set, non-blocking
//! sockets, `TCP_NODELAY`: per request one `read` and one `write`, so it
//! stays cheaper than the servers it drives. It prints requests per second,
//! latency percentiles, and its own and the server's CPU use over the
//! measured window, so a run can show which side was the bottleneck.
//!
//! ```text
//! cargo run --release -p genlet-compare --bin echo_load -- --port P [--connections C] [--depth D]
//!     [--size S] [--warmup-ms MS] [--ms MS] [--server-pid PID] [--json]
//! ```

#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use rustix::buffer::spare_capacity;
use rustix::event::{Timespec, epoll};

/// Closed-loop echo load: C connections, D messages in flight on each.
#[derive(Parser)]
#[command(name = "echo_load")]
struct Args {
    /// The server's port on 127.0.0.1.
    #[arg(long)]
    port: u16,
    /// Connections, opened before the run and held open.
    #[arg(long, value_name = "C", default_value = "10")]
    connections: usize,
    /// Messages in flight per connection (1: request/response).
    #[arg(long, value_name = "D", default_value = "1",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    depth: u16,
    /// Bytes per message.
    #[arg(long, value_name = "S", default_value = "64",
          value_parser = clap::value_parser!(u16).range(1..=4096))]
    size: u16,
    /// Load before measuring, in milliseconds.
    #[arg(long = "warmup-ms", value_name = "MS", default_value = "500")]
    warmup_ms: u64,
    /// The measured window, in milliseconds.
    #[arg(long = "ms", value_name = "MS", default_value = "2000")]
    ms: u64,
    /// The server's process id, to report the CPU it used in the window.
    #[arg(long = "server-pid", value_name = "PID")]
    server_pid: Option<u32>,
    /// One JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

struct Conn {
    stream: TcpStream,
    /// When each message in flight was written, oldest first.
    sent: VecDeque<Instant>,
    /// Bytes of the oldest message's echo read so far.
    partial: usize,
}

/// CPU time of a process's threads, from `/proc/PID/task/*/schedstat`.
fn cpu_ns(pid: &str) -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let path = task.ok()?.path().join("schedstat");
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // a thread that just ended
        };
        total += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

/// The CPU time this thread ran, from `/proc/thread-self/schedstat`.
fn own_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

struct Report {
    requests: usize,
    seconds: f64,
    latencies_ns: Vec<u32>,
    client_cpu: Option<f64>,
    server_cpu: Option<f64>,
}

fn percentile_us(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    f64::from(sorted[i]) / 1e3
}

fn connect(addr: SocketAddr, size: usize) -> io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_nodelay(true)?;
    // One round trip first: the server accepted it and its handler runs.
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let message = vec![b'x'; size];
    stream.write_all(&message)?;
    let mut echo = vec![0; size];
    stream.read_exact(&mut echo)?;
    stream.set_nonblocking(true)?;
    Ok(stream)
}

fn run(args: &Args) -> io::Result<Report> {
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let (size, depth) = (usize::from(args.size), usize::from(args.depth));
    let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
    let mut conns = Vec::with_capacity(args.connections);
    for i in 0..args.connections {
        let stream = connect(addr, size)
            .map_err(|e| io::Error::new(e.kind(), format!("connection {i}: {e}")))?;
        epoll::add(
            &epoll,
            &stream,
            epoll::EventData::new_u64(i as u64),
            epoll::EventFlags::IN,
        )?;
        conns.push(Conn {
            stream,
            sent: VecDeque::with_capacity(depth),
            partial: 0,
        });
    }
    let burst = vec![b'x'; size * depth];
    let start = Instant::now();
    let warm_end = start + Duration::from_millis(args.warmup_ms);
    let end = warm_end + Duration::from_millis(args.ms);
    for c in &mut conns {
        c.stream.write_all(&burst)?;
        c.sent.extend(std::iter::repeat_n(start, depth));
    }
    let server_pid = args.server_pid.map(|p| p.to_string());
    let mut window: Option<(Instant, Option<u64>, Option<u64>)> = None;
    let expected = 400_000 * (args.ms as usize / 1000 + 1);
    let mut latencies: Vec<u32> = Vec::with_capacity(expected);
    let mut events = Vec::with_capacity(1024);
    let mut buf = vec![0; size * depth];
    let tick = Timespec {
        tv_sec: 0,
        tv_nsec: 50_000_000,
    };
    let stopped = loop {
        events.clear();
        epoll::wait(&epoll, spare_capacity(&mut events), Some(&tick))?;
        let now = Instant::now();
        if now >= end {
            break now;
        }
        if window.is_none() && now >= warm_end {
            window = Some((now, own_cpu_ns(), server_pid.as_deref().and_then(cpu_ns)));
        }
        let measuring = window.is_some();
        for event in &events {
            let c = &mut conns[event.data.u64() as usize];
            let n = match c.stream.read(&mut buf) {
                Ok(0) => return Err(io::Error::other("the server closed a connection")),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            };
            c.partial += n;
            let done = c.partial / size;
            c.partial %= size;
            if done == 0 {
                continue;
            }
            let t = Instant::now();
            for _ in 0..done {
                let sent = c.sent.pop_front().unwrap_or(t);
                if measuring {
                    latencies.push((t - sent).as_nanos().min(u128::from(u32::MAX)) as u32);
                }
            }
            // Level-triggered: the socket's send buffer holds a few
            // messages, so this write does not block or come up short.
            let written = c.stream.write(&burst[..done * size])?;
            if written != done * size {
                return Err(io::Error::other("a short write to the server"));
            }
            c.sent.extend(std::iter::repeat_n(t, done));
        }
    };
    let Some((from, own0, server0)) = window else {
        return Err(io::Error::other("the run ended before the warm-up did"));
    };
    let seconds = (stopped - from).as_secs_f64();
    let own1 = own_cpu_ns();
    let server1 = server_pid.as_deref().and_then(cpu_ns);
    let share = |a: Option<u64>, b: Option<u64>| {
        a.zip(b)
            .map(|(a, b)| b.saturating_sub(a) as f64 / 1e9 / seconds)
    };
    Ok(Report {
        requests: latencies.len(),
        seconds,
        latencies_ns: latencies,
        client_cpu: share(own0, own1),
        server_cpu: share(server0, server1),
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut report = match run(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("echo_load: {e}");
            return ExitCode::FAILURE;
        }
    };
    report.latencies_ns.sort_unstable();
    let rps = report.requests as f64 / report.seconds;
    let (p50, p99, p999) = (
        percentile_us(&report.latencies_ns, 0.50),
        percentile_us(&report.latencies_ns, 0.99),
        percentile_us(&report.latencies_ns, 0.999),
    );
    let num = |v: Option<f64>| v.map_or_else(|| "null".into(), |v| format!("{v:.3}"));
    if args.json {
        println!(
            "{{\"connections\":{},\"depth\":{},\"size\":{},\"requests\":{},\"seconds\":{:.3},\"rps\":{:.1},\"p50_us\":{:.1},\"p99_us\":{:.1},\"p999_us\":{:.1},\"client_cpu\":{},\"server_cpu\":{}}}",
            args.connections,
            args.depth,
            args.size,
            report.requests,
            report.seconds,
            rps,
            p50,
            p99,
            p999,
            num(report.client_cpu),
            num(report.server_cpu)
        );
    } else {
        println!(
            "{:>6} {:>6} {:>12} {:>10} {:>10} {:>10} {:>11} {:>11}",
            "conns", "depth", "req/s", "p50 µs", "p99 µs", "p99.9 µs", "client CPU", "server CPU"
        );
        println!(
            "{:>6} {:>6} {:>12.0} {:>10.1} {:>10.1} {:>10.1} {:>11} {:>11}",
            args.connections,
            args.depth,
            rps,
            p50,
            p99,
            p999,
            num(report.client_cpu),
            num(report.server_cpu)
        );
    }
    ExitCode::SUCCESS
}
