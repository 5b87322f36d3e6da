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
//! is the digits of `n` (a trailing `\n` or `\r\n` is allowed), read with one
//! `recv` as the post's server does; the reply is one line, the sum or
//! `error: <reason>`, then the server closes the connection. Requests that
//! are empty, not decimal, longer than 16 bytes, or above [`MAX_N`] get an
//! error line, and the server goes on serving.

use std::fmt;
use std::hint::black_box;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

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
/// is at most `inline_below` steps.
async fn reply(cpu: Cpu, request: io::Result<Vec<u8>>, inline_below: u64) -> String {
    let request = match request {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut => {
            return "error: no request in time\n".into();
        }
        Err(e) => return format!("error: {e}\n"),
    };
    match parse_request(&request) {
        Ok(n) if n <= inline_below => format!("{}\n", sumn(n)),
        Ok(n) => match cpu.run(move || sumn(n)).await {
            Ok(total) => format!("{total}\n"),
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
    /// On the `blocking` crate's threads, one per core at once.
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

    fn apply(self) -> Arc<dyn Apply> {
        match self {
            Policy::Inline => Arc::new(Inline),
            Policy::Exclusive => Arc::new(Exclusive::new()),
            Policy::Pool => Arc::new(ThreadPool::new()),
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
}

impl Config {
    /// `policy`, threads, a 10 s request timeout, and sums of up to
    /// [`DEFAULT_INLINE_BELOW`] steps computed by the handler.
    pub fn new(policy: Policy) -> Self {
        Config {
            policy,
            hub_tasks: false,
            request_timeout: Duration::from_secs(10),
            inline_below: DEFAULT_INLINE_BELOW,
        }
    }
}

/// A running sum server; dropping it stops accepting (connections being
/// served finish on their own).
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
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
        let apply = config.policy.apply();
        let acceptor = if config.hub_tasks {
            let hub = Hub::builder().thread_name("sumserver-hub").build()?;
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("sumserver".into())
                .spawn(move || serve_on_hub(&hub, listener, apply, config, &stop))?
        } else {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("sumserver".into())
                .spawn(move || serve_threads(listener, apply, config, &stop))?
        };
        Ok(Server {
            addr,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            // Wake the blocked accept.
            let _ = TcpStream::connect(self.addr);
            let _ = acceptor.join();
        }
    }
}

/// A failed accept (EMFILE, a reset before accept) is retried after a pause:
/// one bad moment does not end the server.
fn accept_failed(e: &io::Error) {
    eprintln!("sumserver: accept failed ({e}); retrying");
    std::thread::sleep(Duration::from_millis(10));
}

/// The post's server: a yieldable thread per connection.
fn serve_threads(listener: TcpListener, apply: Arc<dyn Apply>, config: Config, stop: &AtomicBool) {
    loop {
        let conn = listener.accept();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let (conn, _) = match conn {
            Ok(conn) => conn,
            Err(e) => {
                accept_failed(&e);
                continue;
            }
        };
        let (timeout, inline_below) = (config.request_timeout, config.inline_below);
        let spawned = YieldableThread::spawn(
            move |cpu| async move {
                let mut conn = conn;
                let request = read_request(&mut conn, timeout);
                let line = reply(cpu, request, inline_below).await;
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

/// One `recv` of up to `MAX_REQUEST + 1` bytes, as the post's server does.
fn read_request(conn: &mut TcpStream, timeout: Duration) -> io::Result<Vec<u8>> {
    conn.set_read_timeout(Some(timeout))?;
    let mut buf = vec![0; MAX_REQUEST + 1];
    let len = conn.read(&mut buf)?;
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
) {
    let listener = match genlet_reactor::net::TcpListener::try_from(listener) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("sumserver: cannot serve on the hub ({e})");
            return;
        }
    };
    hub.block_on(async {
        loop {
            let conn = listener.accept().await;
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let (conn, _) = match conn {
                Ok(conn) => conn,
                Err(e) => {
                    eprintln!("sumserver: accept failed ({e}); retrying");
                    genlet_reactor::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let (timeout, inline_below) = (config.request_timeout, config.inline_below);
            hub.spawn(drive(
                move |cpu| async move {
                    let mut conn = conn;
                    let request = genlet_reactor::timeout(timeout, async {
                        let mut buf = vec![0; MAX_REQUEST + 1];
                        let len = conn.read(&mut buf).await?;
                        buf.truncate(len);
                        Ok(buf)
                    })
                    .await
                    .unwrap_or_else(|_| Err(io::ErrorKind::TimedOut.into()));
                    let line = reply(cpu, request, inline_below).await;
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
