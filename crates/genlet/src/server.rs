//! [`StreamServer`] and [`DatagramServer`]: a handler per connection or
//! datagram, run as greenlets the server owns.
//!
//! Accept errors (EMFILE, a connection reset before it was accepted) are
//! reported at most once a second, with a count of the others, and retried
//! after a pause that doubles up to a second, so a server under fire keeps
//! going. A handler that panics is reported through the panic hook and the
//! server keeps serving the others. `stop` stops accepting, gives running
//! handlers a grace period, then kills the rest; `stop_on_signal` does the
//! same when SIGTERM or SIGINT comes, and a second signal cuts the grace
//! period short.
//!
//! Killing a handler drops it at an `.await`, so a handler that blocks its
//! thread instead (`std::thread::sleep`, a blocking call not run through
//! [`spawn_blocking`](crate::spawn_blocking)) cannot be killed until it
//! returns: `stop` then waits for it past the grace period, a second signal
//! cannot cut that short, and the thread it blocks (a worker, or the one in
//! [`run`](crate::run)) serves nothing meanwhile. Blocking work belongs in
//! `spawn_blocking` or a [`ThreadPool`](crate::ythread::ThreadPool).

use core::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_lite::FutureExt;
use genlet_reactor::net::{TcpListener, TcpStream, UdpSocket};

use crate::connection::Connection;
use crate::greenlet::Greenlet;
use crate::group::{Group, GroupHandle};
use crate::readiness::Readiness;
use crate::signal::Signals;
use crate::sync::Event;

/// How a server runs its handlers: how many at once, its name, its
/// per-connection timeouts and socket options. Made by
/// [`StreamServer::builder`] or [`DatagramServer::builder`]; the timeouts
/// and socket options apply to TCP only.
///
/// # Timeouts, and why these defaults
///
/// The handler starts at once, as in gevent, so a server that speaks first
/// works; a read that waits for the client's first byte fails after the
/// first-byte timeout. A pool of 50 held by 50 silent connections is free
/// again after that much, never stuck. For protocols where the client speaks
/// first (HTTP, the sum server), [`ServerBuilder::await_first_byte`] keeps
/// silent connections out of the pool altogether. The defaults, each set on
/// the [`ServerBuilder`] (`Duration::MAX`: no limit):
///
/// | limit | default | why |
/// |---|---|---|
/// | first byte | 10 s | a client that connects has its request ready; 10 s covers a slow mobile link, and bounds how long a silent connection holds a slot |
/// | idle (between reads) | 60 s | the keep-alive idle limit of nginx (75 s) and of most load balancers (60 s): an idle keep-alive connection holds a slot this long at most |
/// | write (a write that makes no progress) | 30 s | a peer that stops reading cannot hold a handler forever |
/// | lifetime | none | a long download or a websocket is legitimate; set it to bound every connection |
/// | listen backlog | 1024 | tokio's default ([`backlog`](ServerBuilder::backlog)); std's 128 makes a burst of connects wait for SYN retransmits |
/// | TCP keepalive | 15 s idle before probes | Go's default: dead peers are found without traffic |
/// | `TCP_NODELAY` | on | Go's default; without it a client that pipelines small requests waits about 44 ms per batch (Nagle against delayed ACK) |
///
/// No limit above stops a client that trickles bytes (one every few
/// seconds is never silent nor idle): it keeps its connection, and its pool
/// slot, for as long as it likes. Against that, set
/// [`max_lifetime`](ServerBuilder::max_lifetime), or a deadline per request
/// in the handler (hyper's `header_read_timeout` is one, see the
/// `http_hello` example).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let server = genlet::StreamServer::builder()
///     .name("api")
///     .pool_size(100)
///     .first_byte_timeout(Duration::from_secs(5))
///     .idle_timeout(Duration::from_secs(30))
///     .max_lifetime(Duration::from_secs(600))
///     .bind("127.0.0.1:0", |_conn, _peer| async {})?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a server builder does nothing until `bind`"]
pub struct ServerBuilder {
    pool_size: Option<usize>,
    name: Option<Arc<str>>,
    first_byte: Duration,
    idle: Duration,
    write: Duration,
    lifetime: Duration,
    keepalive: Option<Duration>,
    nodelay: bool,
    await_first_byte: bool,
    backlog: u32,
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            pool_size: None,
            name: None,
            first_byte: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            write: Duration::from_secs(30),
            lifetime: Duration::MAX,
            keepalive: Some(Duration::from_secs(15)),
            nodelay: true,
            await_first_byte: false,
            backlog: DEFAULT_BACKLOG,
        }
    }
}

/// The listen backlog unless [`ServerBuilder::backlog`] says otherwise:
/// tokio's and mio's default (std's is 128, which a burst of a few
/// thousand connects overflows into SYN retransmits of a second or more).
const DEFAULT_BACKLOG: u32 = 1024;

/// A listening socket on the first of `addr`'s addresses that binds, with
/// `backlog` (the kernel caps it, at `net.core.somaxconn` on Linux).
fn listen(addr: impl ToSocketAddrs, backlog: u32) -> io::Result<std::net::TcpListener> {
    let backlog = i32::try_from(backlog).unwrap_or(i32::MAX);
    let mut last = None;
    // Each address in turn, as std's `TcpListener::bind` (an IPv6 address
    // on a host without IPv6 falls through to the next).
    for addr in addr.to_socket_addrs()? {
        let listening = socket2::Socket::new(
            socket2::Domain::for_address(addr),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )
        .and_then(|socket| {
            // As std: a restarted server rebinds at once.
            #[cfg(not(windows))]
            socket.set_reuse_address(true)?;
            socket.bind(&addr.into())?;
            socket.listen(backlog)?;
            Ok(socket)
        });
        match listening {
            Ok(socket) => return Ok(socket.into()),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any addresses",
        )
    }))
}

/// `None` for `Duration::MAX` (no limit).
fn limit(duration: Duration) -> Option<Duration> {
    (duration != Duration::MAX).then_some(duration)
}

/// Runs `future` for at most `lifetime` (`None`: no limit).
async fn within<T>(lifetime: Option<Duration>, future: impl Future<Output = T>) -> Option<T> {
    match lifetime {
        Some(lifetime) => genlet_reactor::timeout(lifetime, future).await.ok(),
        None => Some(future.await),
    }
}

impl ServerBuilder {
    /// Runs at most `size` handlers at once; connections that sent their
    /// first byte wait for a free slot.
    ///
    /// # Examples
    ///
    /// See [`ServerBuilder`].
    pub fn pool_size(mut self, size: usize) -> Self {
        self.pool_size = Some(size.max(1));
        self
    }

    /// The listen backlog: connections the kernel completes and queues
    /// before the server accepts them (default 1024, as tokio's; the kernel
    /// caps it, at `net.core.somaxconn` on Linux). A burst of connects
    /// beyond it waits for SYN retransmits, a second or more each.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = genlet::run(async {
    ///     genlet::StreamServer::builder().backlog(4096).bind("127.0.0.1:0", |_conn, _peer| async {})
    /// })?;
    /// # drop(server);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn backlog(mut self, backlog: u32) -> Self {
        self.backlog = backlog;
        self
    }

    /// Names the server: its acceptor is called `name`, and each handler
    /// `name peer` (`api 127.0.0.1:51234`), in panic reports, in the
    /// blocking detector's reports and in [`Greenlet::name`]. Default:
    /// `stream-server-ADDR` or `datagram-server-ADDR`.
    ///
    /// # Examples
    ///
    /// See [`ServerBuilder`].
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// How long a new connection may stay silent: a read before its first
    /// byte fails with [`io::ErrorKind::TimedOut`] after this long (default
    /// 10 s); with [`await_first_byte`](Self::await_first_byte), the
    /// connection is closed without a handler.
    ///
    /// # Examples
    ///
    /// See [`ServerBuilder`].
    pub fn first_byte_timeout(mut self, timeout: Duration) -> Self {
        self.first_byte = timeout;
        self
    }

    /// For protocols where the client speaks first: start a connection's
    /// handler only once its first byte came, waiting for it outside the
    /// pool, so silent connections hold no handler slot at all (default
    /// off: the handler starts at once, and may speak first). A stop closes
    /// the connections still waiting for their first byte at once: it does
    /// not wait out its grace for them, nor count them as killed handlers.
    ///
    /// # Examples
    ///
    /// ```
    /// let _ = genlet::StreamServer::builder().pool_size(50).await_first_byte(true);
    /// ```
    pub fn await_first_byte(mut self, on: bool) -> Self {
        self.await_first_byte = on;
        self
    }

    /// How long a read may wait for data before it fails with
    /// [`io::ErrorKind::TimedOut`] (default 60 s). The clock starts again
    /// when data comes or the server writes, so a read the handler
    /// cancelled before it answered does not shorten the next one (see
    /// [`Connection`](crate::Connection)).
    ///
    /// # Examples
    ///
    /// See [`ServerBuilder`].
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle = timeout;
        self
    }

    /// How long a write may make no progress before it fails with
    /// [`io::ErrorKind::TimedOut`] (default 30 s). The clock starts when a
    /// write first has to wait and again each time one makes progress.
    ///
    /// # Examples
    ///
    /// ```
    /// let _ = genlet::StreamServer::builder().write_timeout(std::time::Duration::from_secs(5));
    /// ```
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write = timeout;
        self
    }

    /// How long a handler may run at all before it is killed (default: no
    /// limit).
    ///
    /// # Examples
    ///
    /// See [`ServerBuilder`].
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// TCP keepalive: probes after the connection was idle this long
    /// (default 15 s; at most 32,767 s, the most Linux takes, and at least
    /// one second); `None` turns it off.
    ///
    /// # Examples
    ///
    /// ```
    /// let _ = genlet::StreamServer::builder().keepalive(None);
    /// ```
    pub fn keepalive(mut self, idle: Option<Duration>) -> Self {
        self.keepalive = idle;
        self
    }

    /// Sets `TCP_NODELAY` on every connection (default on).
    ///
    /// # Examples
    ///
    /// ```
    /// let _ = genlet::StreamServer::builder().nodelay(false);
    /// ```
    pub fn nodelay(mut self, on: bool) -> Self {
        self.nodelay = on;
        self
    }

    /// Applies the socket options to an accepted connection.
    fn configure(&self, stream: &TcpStream) -> io::Result<()> {
        stream.set_nodelay(self.nodelay)?;
        let socket = socket2::SockRef::from(stream);
        match self.keepalive {
            Some(idle) => {
                let idle = idle.clamp(Duration::from_secs(1), Duration::from_secs(32_767));
                socket.set_tcp_keepalive(&socket2::TcpKeepalive::new().with_time(idle))
            }
            None => socket.set_keepalive(false),
        }
    }

    /// Binds a TCP listener on `addr` and serves each connection with
    /// `handler`, on the current hub (or the default one).
    ///
    /// # Errors
    ///
    /// When the address cannot be resolved or bound.
    ///
    /// # Examples
    ///
    /// See [`StreamServer`].
    pub fn bind<H, Fut>(self, addr: impl ToSocketAddrs, handler: H) -> io::Result<StreamServer>
    where
        H: Fn(Connection, SocketAddr) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::try_from(listen(addr, self.backlog)?)?;
        let addr = listener.local_addr()?;
        let name: Arc<str> = self
            .name
            .clone()
            .unwrap_or_else(|| format!("stream-server-{addr}").into());
        let handlers = Group::for_server(self.pool_size);
        let waiting = Group::for_server(None);
        let (spawner, gate) = (handlers.handle(), waiting.handle());
        let handler = Arc::new(handler);
        let settings = Arc::new(self);
        let stopping = Arc::new(Event::new());
        let readiness = Readiness::new(&crate::spawn::current_hub());
        let acceptor_name = name.clone();
        let stop_seen = stopping.clone();
        let holding = Arc::new(AtomicBool::new(false));
        let held = holding.clone();
        let acceptor = crate::task().name(name.clone()).spawn(async move {
            let mut errors = AcceptErrors::new(acceptor_name.clone(), addr);
            loop {
                // A stop ends the accepting here, never while a connection
                // is being handed to the pool: one accepted while the pool
                // was full is served within the grace period, and the ones
                // never accepted are refused when the listener closes.
                let accepted = async {
                    stop_seen.wait().await;
                    None
                }
                .or(async { Some(listener.accept().await) })
                .await;
                let (stream, peer) = match accepted {
                    None => return,
                    Some(Ok(accepted)) => accepted,
                    Some(Err(e)) => {
                        errors.wait(&e).or(stop_seen.wait()).await;
                        continue;
                    }
                };
                errors.reset();
                if let Err(e) = settings.configure(&stream) {
                    crate::report::server_trouble(
                        &acceptor_name,
                        addr,
                        &format!("{peer}: cannot set socket options: {e}"),
                    );
                }
                let conn_name: Arc<str> = format!("{acceptor_name} {peer}").into();
                let awaits_first_byte = settings.await_first_byte;
                let (handler, spawner, settings, stopping, readiness) = (
                    handler.clone(),
                    spawner.clone(),
                    settings.clone(),
                    stop_seen.clone(),
                    readiness.clone(),
                );
                // Boxed: a connection's futures nest the handler's several
                // times over, and unboxed they are copied through the stack
                // (in debug builds, deep enough to overflow it).
                let serve = Box::pin(async move {
                    if awaits_first_byte {
                        // A stop closes a connection that has said nothing
                        // yet at once: no request is in flight on it.
                        let stop = stopping.clone();
                        let said = first_byte(&stream, limit(settings.first_byte))
                            .or(async move {
                                stop.wait().await;
                                false
                            })
                            .await;
                        if !said {
                            return; // silent, gone, or stopping: closed without a handler
                        }
                    }
                    let conn = Connection::new(
                        stream,
                        limit(settings.first_byte),
                        limit(settings.idle),
                        limit(settings.write),
                        stopping,
                        readiness.as_ref(),
                    );
                    let lifetime = limit(settings.lifetime);
                    let run = Box::pin(async move {
                        within(lifetime, handler(conn, peer)).await;
                    });
                    drop(spawner.spawn_with(crate::task().name(conn_name), run).await);
                });
                if awaits_first_byte {
                    let named = crate::task().name(format!("{acceptor_name} {peer} (first byte)"));
                    drop(gate.spawn_with(named, serve).await);
                } else {
                    // Waits for a pool slot: accepting waits while it is
                    // full (a stop too, for the grace period at most). A
                    // stop meanwhile closes the listener at once, so that
                    // new clients are refused rather than left in its
                    // backlog, and this connection is still served.
                    held.store(true, Ordering::SeqCst);
                    let mut serve = serve;
                    let stopped = async {
                        (&mut serve).await;
                        false
                    }
                    .or(async {
                        stop_seen.wait().await;
                        true
                    })
                    .await;
                    if stopped {
                        drop(listener);
                        serve.await;
                        held.store(false, Ordering::SeqCst);
                        return;
                    }
                    held.store(false, Ordering::SeqCst);
                }
            }
        });
        crate::report::server_event(&name, addr, "serving");
        Ok(StreamServer {
            serving: Serving {
                name,
                addr,
                acceptor,
                handlers,
                holding,
                stopping,
            },
            waiting,
        })
    }

    /// Binds a UDP socket on `addr` and runs `handler` for each datagram,
    /// with the socket to reply on.
    ///
    /// # Errors
    ///
    /// When the address cannot be resolved or bound.
    ///
    /// # Examples
    ///
    /// See [`DatagramServer`].
    pub fn bind_datagram<H, Fut>(
        self,
        addr: impl ToSocketAddrs,
        handler: H,
    ) -> io::Result<DatagramServer>
    where
        H: Fn(Vec<u8>, SocketAddr, Arc<UdpSocket>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let socket = Arc::new(UdpSocket::try_from(std::net::UdpSocket::bind(addr)?)?);
        let addr = socket.local_addr()?;
        let name: Arc<str> = self
            .name
            .clone()
            .unwrap_or_else(|| format!("datagram-server-{addr}").into());
        let handlers = Group::for_server(self.pool_size);
        let spawner: GroupHandle = handlers.handle();
        let handler = Arc::new(handler);
        let receiver_name = name.clone();
        let stopping = Arc::new(Event::new());
        let stop_seen = stopping.clone();
        let holding = Arc::new(AtomicBool::new(false));
        let held = holding.clone();
        let receiver = crate::task().name(name.clone()).spawn(async move {
            let mut errors = AcceptErrors::new(receiver_name.clone(), addr);
            let mut buf = vec![0; 65_536];
            loop {
                // A stop ends the receiving here, never while a datagram
                // waits for a slot in a full pool: that one is handled
                // within the grace period. Those never received stay in
                // the socket's buffer, dropped when it closes.
                let received = async {
                    stop_seen.wait().await;
                    None
                }
                .or(async { Some(socket.recv_from(&mut buf).await) })
                .await;
                match received {
                    None => return,
                    Some(Ok((len, peer))) => {
                        errors.reset();
                        let (handler, socket) = (handler.clone(), socket.clone());
                        let datagram = buf[..len].to_vec();
                        let reply = async move { handler(datagram, peer, socket).await };
                        let named = crate::task().name(format!("{receiver_name} {peer}"));
                        held.store(true, Ordering::SeqCst);
                        drop(spawner.spawn_with(named, reply).await);
                        held.store(false, Ordering::SeqCst);
                    }
                    Some(Err(e)) => errors.wait(&e).or(stop_seen.wait()).await,
                }
            }
        });
        crate::report::server_event(&name, addr, "serving");
        Ok(DatagramServer {
            serving: Serving {
                name,
                addr,
                acceptor: receiver,
                handlers,
                holding,
                stopping,
            },
        })
    }
}

/// Waits for a connection's first byte, for at most `limit`: false if it
/// stayed silent, closed, or failed.
async fn first_byte(stream: &TcpStream, limit: Option<Duration>) -> bool {
    let mut byte = [0; 1];
    let peek = async { matches!(stream.peek(&mut byte).await, Ok(1..)) };
    within(limit, peek).await.unwrap_or(false)
}

/// Failed accepts (or receives): a pause that starts at 5 ms and doubles up
/// to 1 s, reset by a success; reported at most once a second, with the
/// number of failures since the last report.
#[derive(Debug)]
struct AcceptErrors {
    name: Arc<str>,
    addr: SocketAddr,
    pause: Duration,
    last_report: Option<Instant>,
    unreported: u64,
}

impl AcceptErrors {
    const FIRST_PAUSE: Duration = Duration::from_millis(5);

    fn new(name: Arc<str>, addr: SocketAddr) -> Self {
        AcceptErrors {
            name,
            addr,
            pause: Self::FIRST_PAUSE,
            last_report: None,
            unreported: 0,
        }
    }

    fn reset(&mut self) {
        self.pause = Self::FIRST_PAUSE;
    }

    async fn wait(&mut self, error: &io::Error) {
        let now = Instant::now();
        if self
            .last_report
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1))
        {
            let others = match self.unreported {
                0 => String::new(),
                n => format!(" ({n} more since the last report)"),
            };
            crate::report::server_trouble(
                &self.name,
                self.addr,
                &format!(
                    "accept failed: {error}{others}; retrying in {} ms",
                    self.pause.as_millis()
                ),
            );
            self.last_report = Some(now);
            self.unreported = 0;
        } else {
            self.unreported += 1;
        }
        genlet_reactor::sleep(self.pause).await;
        self.pause = (self.pause * 2).min(Duration::from_secs(1));
    }
}

/// A TCP server: one handler greenlet per connection (gevent's
/// `StreamServer`). Dropping it stops accepting and cancels the handlers;
/// [`stop`](StreamServer::stop) lets them finish first. The listening
/// socket closes when the hub drops the accepting task, just after the drop
/// returns: to bind the same address again at once, `stop(..).await` first
/// (the socket is closed when it returns).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
///
/// genlet::run(async {
///     let server = genlet::StreamServer::bind("127.0.0.1:0", |mut stream, _peer| async move {
///         let mut buf = [0; 64];
///         while let Ok(n @ 1..) = stream.read(&mut buf).await {
///             if stream.write_all(&buf[..n]).await.is_err() {
///                 break;
///             }
///         }
///     })?;
///     let mut client = genlet::net::TcpStream::connect(server.local_addr()).await?;
///     client.write_all(b"ping").await?;
///     let mut reply = [0; 4];
///     client.read_exact(&mut reply).await?;
///     assert_eq!(&reply, b"ping");
///     drop(client);
///     server.stop(Duration::from_secs(1)).await;
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "a server stops serving when dropped: keep it, then `stop` it"]
pub struct StreamServer {
    serving: Serving,
    /// Connections waiting for their first byte.
    waiting: Group,
}

/// What both servers are made of: the task that accepts (or receives) and
/// the group of handlers it spawns.
#[derive(Debug)]
struct Serving {
    name: Arc<str>,
    addr: SocketAddr,
    acceptor: Greenlet<()>,
    handlers: Group,
    /// True while the acceptor holds a connection (or a datagram) it waits
    /// to hand to a full pool.
    holding: Arc<AtomicBool>,
    /// Set when stopping begins: the acceptor watches it, and every
    /// connection of a stream server holds it.
    stopping: Arc<Event>,
}

impl Serving {
    /// Announces the first signal, then drains as [`drain`](Serving::drain)
    /// does, cut short by a second signal.
    async fn drain_on_signal(
        &self,
        signals: &mut Signals,
        grace: Duration,
        waiting: Option<&Group>,
    ) -> io::Result<usize> {
        let first = signals.recv().await?;
        crate::report::server_event(
            &self.name,
            self.addr,
            &format!("{first}: draining for up to {} ms", grace.as_millis()),
        );
        Ok(self
            .drain(grace, async move { drop(signals.recv().await) }, waiting)
            .await)
    }

    /// Stops accepting, by setting the stopping event, which the acceptor
    /// watches: the connection or datagram it may be handing to a full pool
    /// is served, not dropped. Then waits for the acceptor and the handlers
    /// (and the connections `waiting` for their first byte) until `grace`
    /// passed or `cut` completes, and kills the rest.
    async fn drain(
        &self,
        grace: Duration,
        cut: impl Future<Output = ()>,
        waiting: Option<&Group>,
    ) -> usize {
        self.stopping.set();
        let finished = async {
            // First the acceptor: it may still add a handler.
            self.acceptor.wait().await;
            if let Some(waiting) = waiting {
                let _ = waiting.join().await;
            }
            let _ = self.handlers.join().await;
            true
        };
        let in_time = async {
            genlet_reactor::timeout(grace, finished)
                .await
                .unwrap_or(false)
        }
        .or(async {
            cut.await;
            false
        })
        .await;
        let killed = if in_time {
            0
        } else {
            // An acceptor still running holds a connection it could not
            // hand to the full pool: that one is cut too. Read once the
            // acceptor is dead: mid-poll on another thread, it may have
            // handed the connection to the pool and not yet said so.
            self.acceptor.kill().await;
            let held = usize::from(self.holding.load(Ordering::SeqCst));
            let left = held + waiting.map_or(0, Group::len) + self.handlers.len();
            if let Some(waiting) = waiting {
                waiting.kill().await;
            }
            self.handlers.kill().await;
            left
        };
        crate::report::server_event(
            &self.name,
            self.addr,
            &format!("stopped ({killed} handlers killed)"),
        );
        killed
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        // The handle alone would detach the acceptor: stop it.
        self.acceptor.shared().cancel();
    }
}

impl StreamServer {
    /// A [`ServerBuilder`], to bound the number of handlers.
    ///
    /// # Examples
    ///
    /// See [`ServerBuilder`].
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// Binds `addr` and serves each connection with `handler`, without a
    /// limit on concurrent handlers.
    ///
    /// # Errors
    ///
    /// When the address cannot be resolved or bound.
    ///
    /// # Examples
    ///
    /// See [`StreamServer`].
    pub fn bind<H, Fut>(addr: impl ToSocketAddrs, handler: H) -> io::Result<StreamServer>
    where
        H: Fn(Connection, SocketAddr) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        ServerBuilder::default().bind(addr, handler)
    }

    /// The address it listens on.
    ///
    /// # Examples
    ///
    /// See [`StreamServer`].
    pub fn local_addr(&self) -> SocketAddr {
        self.serving.addr
    }

    /// The number of handlers running (connections still waiting for their
    /// first byte are not counted).
    ///
    /// # Examples
    ///
    /// ```
    /// let server = genlet::StreamServer::bind("127.0.0.1:0", |_s, _p| async {})?;
    /// assert_eq!(server.handlers(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handlers(&self) -> usize {
        self.serving.handlers.len()
    }

    /// Stops accepting, tells the handlers ([`Connection::stopping`]),
    /// waits up to `grace` for them, then kills those still running; returns
    /// how many were killed (a connection handed to a handler in the very
    /// instant the grace ran out may count twice). A connection accepted while the pool was full
    /// is served once a slot frees within `grace` (else it counts as
    /// killed); those the server never accepted are refused. Connections
    /// still waiting for their first byte
    /// ([`ServerBuilder::await_first_byte`]) are closed at once: no request
    /// is in flight on them.
    ///
    /// Called from one of the server's own handlers, it waits out the whole
    /// grace period for that handler too, then kills it, so the code after
    /// the `await` never runs. Stop a server from outside its handlers: a
    /// handler that decides it is time can set an [`Event`] that the
    /// server's owner waits on before calling `stop`.
    ///
    /// # Examples
    ///
    /// See [`StreamServer`].
    pub async fn stop(self, grace: Duration) -> usize {
        let never = core::future::pending::<()>();
        self.serving.drain(grace, never, Some(&self.waiting)).await
    }

    /// Serves until `signals` delivers SIGTERM or SIGINT, then stops as
    /// [`stop`](StreamServer::stop) does, within `grace`; a second signal
    /// during the grace period kills the handlers at once. Returns how many
    /// were killed.
    ///
    /// Make the [`Signals`] before serving: from then on a signal is caught,
    /// where one that came before would have ended the process.
    ///
    /// # Errors
    ///
    /// When reading the signals fails.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::time::Duration;
    ///
    /// genlet::run(async {
    ///     let mut signals = genlet::Signals::new()?;
    ///     let server = genlet::StreamServer::bind("127.0.0.1:8080", |_conn, _peer| async {})?;
    ///     let killed = server.stop_on_signal(&mut signals, Duration::from_secs(30)).await?;
    ///     println!("stopped; {killed} handlers cut short");
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn stop_on_signal(self, signals: &mut Signals, grace: Duration) -> io::Result<usize> {
        self.serving
            .drain_on_signal(signals, grace, Some(&self.waiting))
            .await
    }
}

/// A UDP server: one handler greenlet per datagram, given the socket to
/// reply on (gevent's `DatagramServer`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// genlet::run(async {
///     let server = genlet::DatagramServer::bind("127.0.0.1:0", |data, peer, socket| async move {
///         let _ = socket.send_to(&data, peer).await; // echo
///     })?;
///     let client = genlet::net::UdpSocket::bind("127.0.0.1:0").await?;
///     client.send_to(b"hello", server.local_addr()).await?;
///     let mut buf = [0; 16];
///     let (n, _) = client.recv_from(&mut buf).await?;
///     assert_eq!(&buf[..n], b"hello");
///     server.stop(Duration::from_secs(1)).await;
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "a server stops serving when dropped: keep it, then `stop` it"]
pub struct DatagramServer {
    serving: Serving,
}

impl DatagramServer {
    /// A [`ServerBuilder`], to bound the number of handlers.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = genlet::DatagramServer::builder()
    ///     .pool_size(8)
    ///     .bind_datagram("127.0.0.1:0", |_data, _peer, _socket| async {})?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// Binds `addr` and runs `handler` for each datagram.
    ///
    /// # Errors
    ///
    /// When the address cannot be resolved or bound.
    ///
    /// # Examples
    ///
    /// See [`DatagramServer`].
    pub fn bind<H, Fut>(addr: impl ToSocketAddrs, handler: H) -> io::Result<DatagramServer>
    where
        H: Fn(Vec<u8>, SocketAddr, Arc<UdpSocket>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        ServerBuilder::default().bind_datagram(addr, handler)
    }

    /// The address it receives on.
    ///
    /// # Examples
    ///
    /// See [`DatagramServer`].
    pub fn local_addr(&self) -> SocketAddr {
        self.serving.addr
    }

    /// Stops receiving, waits up to `grace` for running handlers, then kills
    /// the rest; returns how many were killed. A datagram received while
    /// the pool was full is handled once a slot frees within `grace` (else
    /// it counts as killed); those the server never received are left in
    /// the socket's buffer and dropped with it.
    ///
    /// # Examples
    ///
    /// See [`DatagramServer`].
    pub async fn stop(self, grace: Duration) -> usize {
        let never = core::future::pending::<()>();
        self.serving.drain(grace, never, None).await
    }

    /// Serves until SIGTERM or SIGINT, then stops within `grace`; a second
    /// signal kills the handlers at once. See
    /// [`StreamServer::stop_on_signal`].
    ///
    /// # Errors
    ///
    /// When reading the signals fails.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// genlet::run(async {
    ///     let mut signals = genlet::Signals::new()?;
    ///     let server = genlet::DatagramServer::bind("127.0.0.1:9000", |_d, _p, _s| async {})?;
    ///     server.stop_on_signal(&mut signals, std::time::Duration::from_secs(5)).await?;
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub async fn stop_on_signal(self, signals: &mut Signals, grace: Duration) -> io::Result<usize> {
        self.serving.drain_on_signal(signals, grace, None).await
    }
}
