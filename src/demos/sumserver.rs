//! Seed 003's sum server: a client sends a decimal `n` (at most 16 bytes);
//! the server replies with the sum 1 + 2 + … + n, computed by a deliberately
//! dumb loop, and closes. Each connection's handler yields that loop to an
//! apply policy (inline, exclusive, pool) and never names the policy.
//!
//! Served two ways: one yieldable thread per connection (the post's design,
//! blocking socket I/O in the handler), or one hub task per connection
//! (`--async`, non-blocking sockets on the genlet hub).
//!
//! Protocol, so that a client in any language can talk to it: the request
//! is the digits of `n` and a newline (`\n` or `\r\n`), read until the
//! newline, the end of the stream or 16 bytes, within the request timeout,
//! so a request split over several writes is read whole. A request without
//! a newline is taken as complete once the client has been quiet for
//! [`QUIET`] after its last byte (so `printf 25000 | nc` still works; a
//! client that pauses longer than that inside a request must send the
//! newline). The reply is one
//! line, the sum or `error: <reason>`, then the server closes the
//! connection. Requests that are empty, not decimal, longer than 16 bytes,
//! or above [`MAX_N`] get an error line, and the server goes on serving.
//!
//! Under load it sheds rather than queues without end: the pool's queue is
//! bounded ([`Config::max_queued`]) and the thread-per-connection mode caps
//! its threads ([`Config::max_threads`]); a refused request gets
//! `error: busy`. A sum whose client hung up is not computed (or stops
//! early). [`Server::drain`] stops accepting and lets the requests in
//! flight finish: the example does it on SIGTERM or SIGINT.

use std::fmt;
use std::future::Future;
use std::hint::black_box;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet_reactor::Hub;
use genlet_ythread::{Apply, Cpu, Exclusive, Inline, ThreadPool, YieldableThread, drive};

/// The largest `n` served: about two seconds of the dumb loop here.
pub const MAX_N: u64 = 1_000_000_000;

/// The `n` whose sum takes 4 to 5 ms on the 2-core machine these demos were
/// measured on (the post's requests took 4.5 ms).
pub const DEFAULT_N: u64 = 2_300_000;

/// Sums of at most this many steps (about 20 µs) are computed by the
/// handler itself rather than yielded (see [`Config::inline_below`]).
pub const DEFAULT_INLINE_BELOW: u64 = 10_000;

/// The longest request accepted, in bytes (the post's `recv(16)`).
pub const MAX_REQUEST: usize = 16;

/// How long a client that sent part of a request may stay quiet before what
/// it sent is taken as the whole request (when it sent no newline).
pub const QUIET: Duration = Duration::from_millis(100);

/// How many steps a sum runs between two looks at its client.
const CHECK_EVERY: u64 = 1 << 20;

/// 1 + 2 + … + n by a loop the compiler may not fold into `n(n+1)/2`: the
/// post's `sumn`, at about 2 ns per step here.
///
/// # Examples
///
/// ```
/// assert_eq!(genlet_workspace::demos::sumserver::sumn(25_000), 312_512_500);
/// ```
pub fn sumn(mut n: u64) -> u128 {
    let mut total: u128 = 0;
    while n > 0 {
        total = black_box(total + u128::from(n));
        n -= 1;
    }
    total
}

/// [`sumn`], stopping early (`None`) when `gone` says the client left, or
/// the job was cancelled; `gone` is asked before the first step and every
/// [`CHECK_EVERY`] steps (about 2 ms).
fn sumn_for(n: u64, gone: impl Fn() -> bool) -> Option<u128> {
    let mut total: u128 = 0;
    let mut left = n;
    while left > 0 {
        if gone() || genlet_ythread::is_cancelled() {
            return None;
        }
        let chunk = left.min(CHECK_EVERY);
        for i in 0..chunk {
            total = black_box(total + u128::from(left - i));
        }
        left -= chunk;
    }
    Some(total)
}

/// True when the peer closed its end (or the socket failed): a peek that
/// does not wait. `blocking`: the socket is in blocking mode, and is put in
/// non-blocking mode for the peek (nothing else uses it meanwhile).
fn peer_gone(conn: &TcpStream, blocking: bool) -> bool {
    if blocking && conn.set_nonblocking(true).is_err() {
        return false;
    }
    let gone = match conn.peek(&mut [0; 1]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock && e.kind() != io::ErrorKind::Interrupted,
    };
    if blocking {
        let _ = conn.set_nonblocking(false);
    }
    gone
}

/// Parses a request, or says why it is refused (the text after `error: `).
///
/// # Examples
///
/// ```
/// use genlet_workspace::demos::sumserver::parse_request;
///
/// assert_eq!(parse_request(b"25000\n"), Ok(25_000));
/// assert_eq!(parse_request(b"12x").unwrap_err(), "not a decimal number: \"12x\"");
/// ```
pub fn parse_request(request: &[u8]) -> Result<u64, String> {
    if request.len() > MAX_REQUEST {
        return Err(format!("request longer than {MAX_REQUEST} bytes"));
    }
    let text = request.strip_suffix(b"\n").unwrap_or(request);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if text.is_empty() {
        return Err("empty request".into());
    }
    if !text.iter().all(u8::is_ascii_digit) {
        return Err(format!(
            "not a decimal number: {:?}",
            String::from_utf8_lossy(text)
        ));
    }
    // At most 16 digits: fits a u64.
    let n: u64 = std::str::from_utf8(text)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| "not a decimal number".to_string())?;
    if n > MAX_N {
        return Err(format!("n must be at most {MAX_N}"));
    }
    Ok(n)
}

/// The reply line for a request, running the sum through `cpu` unless it
/// is at most `inline_below` steps. The job looks at `peer` (a clone of the
/// connection) and stops if the client left; `blocking`: `peer` is in
/// blocking mode.
async fn reply(
    cpu: Cpu,
    request: io::Result<Vec<u8>>,
    inline_below: u64,
    peer: TcpStream,
    blocking: bool,
) -> String {
    let request = match request {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut => {
            return "error: no request in time\n".into();
        }
        Err(e) => return format!("error: {e}\n"),
    };
    match parse_request(&request) {
        Ok(n) if n <= inline_below => format!("{}\n", sumn(n)),
        Ok(n) => match cpu
            .run(move || sumn_for(n, || peer_gone(&peer, blocking)))
            .await
        {
            Ok(Some(total)) => format!("{total}\n"),
            Ok(None) => "error: the client left\n".into(),
            Err(e) if e.is_refused() => "error: busy, try again later\n".into(),
            Err(e) => format!("error: {e}\n"),
        },
        Err(reason) => format!("error: {reason}\n"),
    }
}

/// Which apply policy runs the sums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// On the handler's own thread (or the hub worker, with `--async`).
    Inline,
    /// One sum at a time across the server.
    Exclusive,
    /// On the `blocking` crate's threads, one per core at once, at most
    /// [`Config::max_queued`] waiting.
    Pool,
}

impl Policy {
    /// Every policy, in the order the post shows them.
    pub const ALL: [Policy; 3] = [Policy::Inline, Policy::Exclusive, Policy::Pool];

    /// Parses `inline`, `exclusive` or `pool`.
    ///
    /// # Errors
    ///
    /// Any other name.
    pub fn parse(name: &str) -> Result<Policy, String> {
        match name {
            "inline" => Ok(Policy::Inline),
            "exclusive" => Ok(Policy::Exclusive),
            "pool" => Ok(Policy::Pool),
            other => Err(format!(
                "unknown apply policy {other:?}: inline, exclusive or pool"
            )),
        }
    }

    fn apply(self, max_queued: usize) -> Arc<dyn Apply> {
        match self {
            Policy::Inline => Arc::new(Inline),
            Policy::Exclusive => Arc::new(Exclusive::new()),
            Policy::Pool => Arc::new(ThreadPool::builder().queue(max_queued).build()),
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::Inline => "inline",
            Policy::Exclusive => "exclusive",
            Policy::Pool => "pool",
        })
    }
}

/// How the server is run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Who runs the sums.
    pub policy: Policy,
    /// One hub task per connection instead of one yieldable thread.
    pub hub_tasks: bool,
    /// How long a connection may take to send its request.
    pub request_timeout: Duration,
    /// Sums of at most this many steps are computed by the handler, not
    /// yielded (0: every sum is yielded). Handing a job to a policy costs
    /// more than a tiny sum, and on a pool a tiny job would wait in line
    /// behind the long ones; a real server makes the same choice.
    pub inline_below: u64,
    /// With [`Policy::Pool`], at most this many sums wait for a thread;
    /// more are refused with `error: busy`.
    pub max_queued: usize,
    /// Without [`Config::hub_tasks`], at most this many connections are
    /// served at once (a thread each); more are refused with `error: busy`.
    pub max_threads: usize,
}

impl Config {
    /// `policy`, threads, a 10 s request timeout, sums of up to
    /// [`DEFAULT_INLINE_BELOW`] steps computed by the handler, 256 sums
    /// queued and 256 threads at most.
    pub fn new(policy: Policy) -> Self {
        Config {
            policy,
            hub_tasks: false,
            request_timeout: Duration::from_secs(10),
            inline_below: DEFAULT_INLINE_BELOW,
            max_queued: 256,
            max_threads: 256,
        }
    }
}

/// A running sum server; dropping it stops accepting (connections being
/// served finish on their own).
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    /// Connections being served.
    active: Arc<AtomicUsize>,
    acceptor: Option<JoinHandle<()>>,
}

/// Counts a connection as active while it lives.
struct Active(Arc<AtomicUsize>);

impl Active {
    fn new(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Active(count.clone())
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Server {
    /// Binds `127.0.0.1:port` (0: any free port) and starts serving.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound or a thread or the hub cannot start.
    pub fn start(port: u16, config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let active = Arc::new(AtomicUsize::new(0));
        let apply = config.policy.apply(config.max_queued);
        let acceptor = if config.hub_tasks {
            let hub = Hub::builder().thread_name("sumserver-hub").build()?;
            let (stop, active) = (stop.clone(), active.clone());
            std::thread::Builder::new()
                .name("sumserver".into())
                .spawn(move || serve_on_hub(&hub, listener, apply, config, &stop, &active))?
        } else {
            let (stop, active) = (stop.clone(), active.clone());
            std::thread::Builder::new()
                .name("sumserver".into())
                .spawn(move || serve_threads(listener, apply, config, &stop, &active))?
        };
        Ok(Server {
            addr,
            stop,
            active,
            acceptor: Some(acceptor),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The connections being served right now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }

    /// Stops accepting, then waits until every connection in flight was
    /// served, or `cut` completes; returns how many were still in flight
    /// then (they are dropped with the process, or finish on their own).
    pub async fn drain(mut self, cut: impl Future<Output = ()>) -> usize {
        self.stop_accepting();
        let served = async {
            while self.active() > 0 {
                genlet_reactor::sleep(Duration::from_millis(5)).await;
            }
            0
        };
        let left = futures_lite::future::or(served, async {
            cut.await;
            self.active()
        })
        .await;
        if left > 0 {
            // Cut: leave the acceptor (and the hub's tasks) to the process's end.
            drop(self.acceptor.take());
        }
        left
    }

    /// Makes the acceptor stop (it returns once the connections it serves
    /// on the hub were served).
    fn stop_accepting(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocked accept.
        let _ = TcpStream::connect(self.addr);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_accepting();
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Failed accepts (EMFILE, a reset before accept), each retried after a
/// pause: one bad moment does not end the server. Reported at most once a
/// second, with the number of failures since the last report.
#[derive(Default)]
struct AcceptFailures {
    last_report: Option<Instant>,
    unreported: u64,
}

impl AcceptFailures {
    fn note(&mut self, e: &io::Error) {
        let now = Instant::now();
        if self
            .last_report
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1))
        {
            let others = match self.unreported {
                0 => String::new(),
                n => format!(", {n} more since the last report"),
            };
            eprintln!("sumserver: accept failed ({e}{others}); retrying");
            self.last_report = Some(now);
            self.unreported = 0;
        } else {
            self.unreported += 1;
        }
    }
}

/// The post's server: a yieldable thread per connection, at most
/// `config.max_threads` at once.
fn serve_threads(
    listener: TcpListener,
    apply: Arc<dyn Apply>,
    config: Config,
    stop: &AtomicBool,
    active: &Arc<AtomicUsize>,
) {
    let mut failures = AcceptFailures::default();
    loop {
        let conn = listener.accept();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let (conn, _) = match conn {
            Ok(conn) => conn,
            Err(e) => {
                failures.note(&e);
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if active.load(Ordering::SeqCst) >= config.max_threads {
            refuse(conn);
            continue;
        }
        let guard = Active::new(active);
        let (timeout, inline_below) = (config.request_timeout, config.inline_below);
        let spawned = YieldableThread::spawn(
            move |cpu| async move {
                let _guard = guard;
                let mut conn = conn;
                let request = read_request(&mut conn, timeout);
                let line = match conn.try_clone() {
                    Ok(peer) => reply(cpu, request, inline_below, peer, true).await,
                    Err(e) => format!("error: {e}\n"),
                };
                finish(conn, &line);
            },
            apply.clone(),
        );
        if let Err(e) = spawned {
            // Out of threads: this connection is dropped, the server goes on.
            eprintln!("sumserver: cannot start a thread ({e}); connection dropped");
        }
    }
}

/// Tells a client the server is full, from the accepting thread (briefly).
fn refuse(mut conn: TcpStream) {
    let _ = conn.set_write_timeout(Some(Duration::from_millis(100)));
    let _ = conn.write_all(b"error: busy, try again later\n");
}

/// Reads a request: until a newline, the end of the stream, more than
/// [`MAX_REQUEST`] bytes, or [`QUIET`] without a byte after the first one;
/// all within `timeout`.
fn read_request(conn: &mut TcpStream, timeout: Duration) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    let mut buf = vec![0; MAX_REQUEST + 1];
    let mut len = 0;
    while len <= MAX_REQUEST && !buf[..len].contains(&b'\n') {
        let mut wait = deadline.saturating_duration_since(Instant::now());
        if len > 0 {
            wait = wait.min(QUIET);
        }
        if wait.is_zero() {
            if len > 0 {
                break; // out of time: what came is the request
            }
            return Err(io::ErrorKind::TimedOut.into());
        }
        conn.set_read_timeout(Some(wait))?;
        match conn.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e)
                if len > 0
                    && matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
            {
                break;
            }
            Err(e) => return Err(e),
        }
    }
    buf.truncate(len);
    Ok(buf)
}

/// Sends the reply and closes: write, shut our side, then drain what the
/// client still sends (briefly) so that closing does not reset the
/// connection before the client read the reply.
fn finish(mut conn: TcpStream, line: &str) {
    if conn.write_all(line.as_bytes()).is_err() {
        return;
    }
    let _ = conn.shutdown(Shutdown::Write);
    let _ = conn.set_read_timeout(Some(Duration::from_secs(1)));
    let mut sink = [0; 4096];
    let mut left: usize = 64 * 1024;
    while left > 0 {
        match conn.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// The async flavour: a hub task per connection, the same handler logic.
fn serve_on_hub(
    hub: &Hub,
    listener: TcpListener,
    apply: Arc<dyn Apply>,
    config: Config,
    stop: &AtomicBool,
    active: &Arc<AtomicUsize>,
) {
    let listener = match genlet_reactor::net::TcpListener::try_from(listener) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("sumserver: cannot serve on the hub ({e})");
            return;
        }
    };
    let mut failures = AcceptFailures::default();
    hub.block_on(async {
        loop {
            let conn = listener.accept().await;
            if stop.load(Ordering::SeqCst) {
                // The hub ends with this function: let its connections finish.
                while active.load(Ordering::SeqCst) > 0 {
                    genlet_reactor::sleep(Duration::from_millis(5)).await;
                }
                return;
            }
            let (conn, _) = match conn {
                Ok(conn) => conn,
                Err(e) => {
                    failures.note(&e);
                    genlet_reactor::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let guard = Active::new(active);
            let (timeout, inline_below) = (config.request_timeout, config.inline_below);
            hub.spawn(drive(
                move |cpu| async move {
                    let _guard = guard;
                    let mut conn = conn;
                    let request = read_request_async(&mut conn, timeout).await;
                    // The std socket under async-net's, non-blocking already.
                    let peer = std::os::fd::AsFd::as_fd(&conn)
                        .try_clone_to_owned()
                        .map(TcpStream::from);
                    let line = match peer {
                        Ok(peer) => reply(cpu, request, inline_below, peer, false).await,
                        Err(e) => format!("error: {e}\n"),
                    };
                    if conn.write_all(line.as_bytes()).await.is_ok() {
                        let _ = conn.shutdown(Shutdown::Write);
                        let mut sink = [0; 4096];
                        let mut left: usize = 64 * 1024;
                        let drain = async {
                            while left > 0 {
                                match conn.read(&mut sink).await {
                                    Ok(0) | Err(_) => break,
                                    Ok(n) => left = left.saturating_sub(n),
                                }
                            }
                        };
                        let _ = genlet_reactor::timeout(Duration::from_secs(1), drain).await;
                    }
                },
                apply.clone(),
            ))
            .detach();
        }
    });
}

/// [`read_request`] on the hub's sockets.
async fn read_request_async(
    conn: &mut genlet_reactor::net::TcpStream,
    timeout: Duration,
) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + timeout;
    let mut buf = vec![0; MAX_REQUEST + 1];
    let mut len = 0;
    while len <= MAX_REQUEST && !buf[..len].contains(&b'\n') {
        let mut wait = deadline.saturating_duration_since(Instant::now());
        if len > 0 {
            wait = wait.min(QUIET);
        }
        let read = match genlet_reactor::timeout(wait, conn.read(&mut buf[len..])).await {
            Ok(read) => read,
            // Quiet, or out of time: what came is the request.
            Err(_) if len > 0 => break,
            Err(_) => return Err(io::ErrorKind::TimedOut.into()),
        };
        match read? {
            0 => break,
            n => len += n,
        }
    }
    buf.truncate(len);
    Ok(buf)
}
