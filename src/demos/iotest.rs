//! Seed 004's convoy experiment: a UDP echo server on the hub beside K
//! tasks that spin on pi digits, yielding to the hub every millisecond, and
//! a client that echoes 10 MB through it in 8 KB datagrams.
//!
//! Three ways to run the spinners:
//! * `inline`: at the echo task's priority, on the hub. The echo task waits
//!   behind every ready spinner's slice (the convoy effect).
//! * `priority`: the echo task at `High` priority. It runs as soon as the
//!   current slice ends.
//! * `offload`: each slice yielded to genlet-ythread's pool. The hub only
//!   hands out work, and the echo task is served at once.
//!
//! The hub has one worker (plus the thread in `block_on`, which only waits
//! here), as a Python process has one interpreter running at a time.

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::str::FromStr;
use std::time::{Duration, Instant};

use genlet_reactor::{Hub, Priority};
use genlet_ythread::ThreadPool;

use super::cpu_work::spin_for;

/// How long a spinner computes between yields.
pub const SLICE: Duration = Duration::from_millis(1);

/// The client's datagram size (the post's `CHUNKSIZE`).
pub const CHUNK: usize = 8192;

/// Where the spinners' CPU work runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// On the hub, at the echo task's priority.
    Inline,
    /// On the hub, with the echo task at high priority.
    Priority,
    /// On genlet-ythread's pool.
    Offload,
}

impl Mode {
    /// Every mode, in the table's order.
    pub const ALL: [Mode; 3] = [Mode::Inline, Mode::Priority, Mode::Offload];

    /// What the modes mean, for the tables' headers.
    pub const LEGEND: &str = "  inline: the CPU tasks on the hub beside the I/O task, at its priority (the convoy)\n  \
        priority: the same, with the I/O task at high priority\n  \
        offload: the CPU tasks' work on genlet-ythread's pool, off the hub";
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "inline" => Ok(Mode::Inline),
            "priority" => Ok(Mode::Priority),
            "offload" => Ok(Mode::Offload),
            other => Err(format!(
                "unknown --cpu {other:?}: inline, priority or offload"
            )),
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Mode::Inline => "inline",
            Mode::Priority => "priority",
            Mode::Offload => "offload",
        })
    }
}

/// The echo server and its spinners; dropping it stops them all.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    /// Held for its drop, which stops the echo task and the spinners.
    _hub: Hub,
}

impl Server {
    /// Starts the echo server on `127.0.0.1:port` beside `spinners` spinning
    /// tasks run the `mode` way.
    ///
    /// # Errors
    ///
    /// When the socket cannot be bound or the hub cannot start.
    pub fn start(port: u16, spinners: usize, mode: Mode) -> io::Result<Server> {
        let hub = Hub::builder().workers(1).thread_name("iotest").build()?;
        let socket =
            genlet_reactor::net::UdpSocket::try_from(UdpSocket::bind(("127.0.0.1", port))?)?;
        let addr = socket.local_addr()?;
        let priority = if mode == Mode::Priority {
            Priority::High
        } else {
            Priority::Normal
        };
        hub.task()
            .name("echo")
            .priority(priority)
            .spawn(async move {
                let mut buf = vec![0; 65_536];
                loop {
                    match socket.recv_from(&mut buf).await {
                        Ok((n, peer)) => {
                            let _ = socket.send_to(&buf[..n], peer).await;
                            // One datagram per turn. Without this, once the
                            // client keeps pace, each `recv_from` can find its
                            // datagram within the same poll, and the echo
                            // task keeps the worker for the whole transfer:
                            // the spinners starve instead (seen here; smol has
                            // no budget that would cut such a poll short).
                            genlet_reactor::yield_now().await;
                        }
                        // A bad datagram or an ICMP error: keep serving.
                        Err(_) => continue,
                    }
                }
            })
            .detach();
        spawn_spinners(&hub, spinners, mode)?;
        Ok(Server { addr, _hub: hub })
    }

    /// The address it echoes on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `signals` delivers SIGTERM or SIGINT, then stops (a
    /// datagram server has no request in flight to wait for). The calling
    /// thread only waits: it does not join the hub's one worker in running
    /// tasks.
    ///
    /// # Errors
    ///
    /// When reading the signals fails.
    pub fn serve_until_signal(self, signals: &mut genlet::Signals) -> io::Result<genlet::Signal> {
        futures_lite::future::block_on(signals.recv())
    }
}

/// Starts `count` tasks on `hub` that spin on pi digits in [`SLICE`]s, run
/// the `mode` way, and returns once they all run and have done a few slices
/// (so that a measurement meets the steady state, as the post's threads
/// were started first). Dropping the hub stops them.
///
/// # Errors
///
/// When a spinner does not start within 30 s.
pub fn spawn_spinners(hub: &Hub, count: usize, mode: Mode) -> io::Result<()> {
    let pool = ThreadPool::new();
    let (running, started) = std::sync::mpsc::channel();
    for i in 0..count {
        let name = format!("spinner-{i}");
        let running = running.clone();
        let task = match mode {
            Mode::Inline | Mode::Priority => hub.task().name(name).spawn(async move {
                let _ = running.send(());
                loop {
                    spin_for(SLICE);
                    genlet_reactor::yield_now().await;
                }
            }),
            Mode::Offload => hub.task().name(name).spawn(genlet_ythread::drive(
                |cpu| async move {
                    let _ = running.send(());
                    loop {
                        let _ = cpu.run(|| spin_for(SLICE)).await;
                    }
                },
                pool.clone(),
            )),
        };
        task.detach();
    }
    for _ in 0..count {
        started
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| io::Error::other("a spinner did not start"))?;
    }
    std::thread::sleep(SLICE * 5 * count as u32);
    Ok(())
}

/// The post's `echoclient.py`: sends `bytes` in [`CHUNK`]-byte datagrams,
/// each after the previous one's echo; returns the time taken. A datagram
/// lost on the way is sent again after 1 s.
///
/// # Errors
///
/// When the socket fails, or the server stays silent for 30 s.
pub fn echo_client(server: SocketAddr, bytes: usize) -> io::Result<Duration> {
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(server)?;
    socket.set_read_timeout(Some(Duration::from_secs(1)))?;
    let message = vec![b'x'; CHUNK];
    let mut reply = vec![0; 65_536];
    let start = Instant::now();
    for _ in 0..bytes.div_ceil(CHUNK) {
        // A lost datagram is sent again; a server silent for 30 tries is
        // an error, not a hang.
        let mut tries = 0;
        loop {
            socket.send(&message)?;
            match socket.recv(&mut reply) {
                Ok(n) if n == CHUNK => break,
                Ok(_) => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    tries += 1;
                    if tries == 30 {
                        return Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            format!("no echo from {server} in {tries} tries of 1 s"),
                        ));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(start.elapsed())
}

/// Runs the client against a fresh server for every K in `spinners` and
/// every mode in `modes`; prints seconds and MB/s per cell (or JSON lines).
///
/// # Errors
///
/// When a socket or the hub fails.
pub fn run(
    out: &mut impl Write,
    spinners: &[usize],
    modes: &[Mode],
    bytes: usize,
    json: bool,
) -> io::Result<()> {
    if !json {
        writeln!(
            out,
            "== iotest (seed 004): UDP echo of {:.1} MB in {CHUNK}-byte datagrams beside K spinners (1 ms slices, a one-worker hub)",
            bytes as f64 / 1e6
        )?;
        writeln!(out, "{}", Mode::LEGEND)?;
        write!(out, "{:>3}", "K")?;
        for mode in modes {
            write!(out, " {:>22}", format!("{mode}"))?;
        }
        writeln!(out)?;
    }
    for &k in spinners {
        if !json {
            write!(out, "{k:>3}")?;
        }
        for &mode in modes {
            let server = Server::start(0, k, mode)?;
            let took = echo_client(server.addr(), bytes)?;
            drop(server);
            let rate = bytes as f64 / took.as_secs_f64();
            if json {
                writeln!(
                    out,
                    "{{\"spinners\":{k},\"cpu\":\"{mode}\",\"bytes\":{bytes},\"seconds\":{:.3},\"bytes_per_sec\":{rate:.0}}}",
                    took.as_secs_f64()
                )?;
            } else {
                write!(
                    out,
                    " {:>8.3} s {:>8.1} MB/s",
                    took.as_secs_f64(),
                    rate / 1e6
                )?;
            }
        }
        if !json {
            writeln!(out)?;
        }
    }
    Ok(())
}
