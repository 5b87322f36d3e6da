//! [`Connection`]: the TCP stream a [`StreamServer`](crate::StreamServer)
//! hands its handler, with the server's idle and write timeouts applied to
//! every read and write.
//!
//! Reads skip one system call per request. A read that returned less than
//! the buffer's room emptied the socket, so the next read waits for
//! readiness first instead of trying the socket (and getting `EAGAIN`, as
//! async-net's stream does every time); tokio's streams make the same
//! guess. On Linux the wait is on the server's edge-triggered set
//! (`readiness.rs`), which counts every arrival, so bytes that came after
//! the read are always read; elsewhere, or when that set is gone, readiness
//! is asked of async-io's reactor in its level-triggered one-shot mode, so
//! bytes that came in between are seen at its next poll. A wrong guess costs
//! a wake-up, never data.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_io::{Async, ReadableOwned};
use futures_lite::{AsyncRead, AsyncWrite};
use genlet_reactor::net::TcpStream;
use genlet_reactor::{Sleep, sleep_until};

use crate::readiness::{ReadReady, Readiness};
use crate::sync::{Event, EventWait};

/// A served TCP connection: reads fail with [`io::ErrorKind::TimedOut`] when
/// the peer sends nothing for the server's first-byte timeout (before its
/// first byte) or idle timeout (after it), and writes when the
/// peer takes nothing for its write timeout (see
/// [`ServerBuilder`](crate::ServerBuilder)).
///
/// A read's clock starts when it first has to wait, and starts again when
/// data comes or the server writes. A read cancelled while it waited
/// (dropped inside [`timeout`](crate::timeout) or a race) leaves its clock
/// running: the next read gets what is left of the limit, unless the server
/// wrote since. A write's clock starts when a write first has to wait and
/// starts again when one makes progress; a cancelled write leaves it
/// running too, as the peer took nothing meanwhile.
///
/// Read and write it with
/// `futures_lite`'s (or `futures`') `AsyncReadExt` / `AsyncWriteExt`; the
/// socket itself is [`get_ref`](Connection::get_ref).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use futures_lite::{AsyncReadExt, AsyncWriteExt};
///
/// genlet::run(async {
///     let server = genlet::StreamServer::builder()
///         .idle_timeout(Duration::from_millis(50))
///         .bind("127.0.0.1:0", |mut conn: genlet::Connection, _peer| async move {
///             let mut buf = [0; 16];
///             let _hello = conn.read(&mut buf).await; // "x"
///             let silence = conn.read(&mut buf).await.unwrap_err(); // then nothing
///             assert_eq!(silence.kind(), std::io::ErrorKind::TimedOut);
///             let _ = conn.write_all(b"timed out").await;
///         })?;
///     let mut client = genlet::net::TcpStream::connect(server.local_addr()).await?;
///     client.write_all(b"x").await?;
///     let mut reply = String::new();
///     client.read_to_string(&mut reply).await?;
///     assert_eq!(reply, "timed out");
///     server.stop(Duration::from_secs(1)).await;
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    /// The same socket, for reads that wait for readiness first.
    socket: Arc<Async<std::net::TcpStream>>,
    /// The last read left the socket empty: wait before reading.
    drained: bool,
    /// The socket's place in the server's edge-triggered set; `None`: wait
    /// with async-io's readiness.
    edge: Option<ReadReady>,
    /// Armed while a read waits for async-io's readiness.
    readable: Option<ReadableOwned<std::net::TcpStream>>,
    /// The limit of the reads until the first byte came (then `idle`).
    first_byte: Option<Duration>,
    got_a_byte: bool,
    idle: Option<Duration>,
    write: Option<Duration>,
    /// Runs while a read waits; also left running by a read that was
    /// cancelled while it waited (nothing tells `poll_read` so).
    read_clock: Clock,
    /// A write made progress while `read_clock` ran: the next read that
    /// waits starts a fresh limit (see `poll_read`).
    wrote_since_read_clock: bool,
    /// Runs while a write waits.
    write_clock: Clock,
    /// Set when the server starts to stop.
    stopping: Arc<Event>,
}

/// One direction's timeout: when the wait in progress fails, and a timer
/// filed for then or for an earlier deadline.
///
/// Stopping the clock leaves its timer filed. The next wait's deadline is
/// later (now plus the same limit), so the old timer still serves: when it
/// fires early, the clock files a new one for the real deadline. A
/// connection busy with requests then files a timer once per limit (every
/// 60 s at the default idle timeout) instead of filing and cancelling one
/// per request, two locks of the hub's timer table and a tick's allocation
/// per read that waits. A timer that fires while no wait runs wakes the
/// task once, for nothing.
#[derive(Debug, Default)]
struct Clock {
    /// When the wait in progress fails; `None` while no clock runs.
    deadline: Option<Instant>,
    /// Filed for `deadline` or before it, or left by a stopped clock.
    timer: Option<Sleep>,
}

impl Clock {
    fn is_running(&self) -> bool {
        self.deadline.is_some()
    }

    /// Stops the clock; the next wait starts a fresh limit.
    fn stop(&mut self) {
        self.deadline = None;
    }

    /// Polls the clock, started `limit` from now if it does not run: a
    /// `TimedOut` error once its deadline passed (the clock then stops). No
    /// limit, or one too far for an `Instant`: never.
    fn poll(
        &mut self,
        limit: Option<Duration>,
        what: &str,
        cx: &mut Context<'_>,
    ) -> Poll<io::Error> {
        let deadline = match self.deadline {
            Some(deadline) => deadline,
            None => match limit.and_then(|d| Instant::now().checked_add(d)) {
                Some(deadline) => *self.deadline.insert(deadline),
                None => return Poll::Pending,
            },
        };
        loop {
            let timer = match &mut self.timer {
                Some(timer) if timer.deadline().is_some_and(|at| at <= deadline) => timer,
                // None yet, or one for a later deadline (a shorter limit now).
                timer => timer.insert(sleep_until(deadline)),
            };
            ready!(Pin::new(&mut *timer).poll(cx));
            if timer.deadline().is_some_and(|at| at < deadline) {
                // An earlier clock's timer: file one for this deadline.
                self.timer = None;
                continue;
            }
            self.timer = None;
            self.deadline = None;
            return Poll::Ready(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the peer {what} nothing within the server's timeout"),
            ));
        }
    }
}

impl Connection {
    pub(crate) fn new(
        stream: TcpStream,
        first_byte: Option<Duration>,
        idle: Option<Duration>,
        write: Option<Duration>,
        stopping: Arc<Event>,
        readiness: Option<&Arc<Readiness>>,
    ) -> Self {
        let socket: Arc<Async<std::net::TcpStream>> = Arc::from(stream.clone());
        Connection {
            stopping,
            edge: readiness.and_then(|r| ReadReady::join(r, &socket)),
            socket,
            drained: false,
            readable: None,
            stream,
            first_byte,
            got_a_byte: false,
            idle,
            write,
            read_clock: Clock::default(),
            wrote_since_read_clock: false,
            write_clock: Clock::default(),
        }
    }

    /// The socket.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = genlet::StreamServer::bind("127.0.0.1:0", |conn, peer| async move {
    ///     assert_eq!(conn.get_ref().peer_addr().unwrap(), peer);
    /// })?;
    /// # drop(server);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn get_ref(&self) -> &TcpStream {
        &self.stream
    }

    /// The socket, without the timeouts.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = genlet::StreamServer::bind("127.0.0.1:0", |conn, _peer| async move {
    ///     let _raw: genlet::net::TcpStream = conn.into_inner();
    /// })?;
    /// # drop(server);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn into_inner(self) -> TcpStream {
        self.stream
    }

    /// The server's stop, seen from this connection: it fires when
    /// [`StreamServer::stop`](crate::StreamServer::stop) (or a signal)
    /// begins. A handler that keeps its connection open between requests
    /// (HTTP keep-alive, a chat) waits for it beside its next read, finishes
    /// the request in hand and closes, so the server drains in its grace
    /// period instead of cutting idle connections at its end.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use futures_lite::{AsyncReadExt, AsyncWriteExt, FutureExt};
    ///
    /// genlet::run(async {
    ///     let server = genlet::StreamServer::bind("127.0.0.1:0", |mut conn: genlet::Connection, _peer| async move {
    ///         let stopping = conn.stopping();
    ///         let mut buf = [0; 64];
    ///         loop {
    ///             // The next request, or the server's stop, whichever comes first.
    ///             let next = async { Some(conn.read(&mut buf).await) }
    ///                 .or(async { stopping.wait().await; None })
    ///                 .await;
    ///             match next {
    ///                 Some(Ok(n)) if n > 0 => { let _ = conn.write_all(&buf[..n]).await; }
    ///                 Some(_) => return, // closed or failed
    ///                 None => { let _ = conn.write_all(b"bye\n").await; return; }
    ///             }
    ///         }
    ///     })?;
    ///     let mut client = genlet::net::TcpStream::connect(server.local_addr()).await?;
    ///     client.write_all(b"hi").await?;
    ///     let mut echo = [0; 2];
    ///     client.read_exact(&mut echo).await?;
    ///     let killed = server.stop(Duration::from_secs(5)).await;
    ///     let mut rest = String::new();
    ///     client.read_to_string(&mut rest).await?;
    ///     assert_eq!((killed, rest.as_str()), (0, "bye\n")); // none cut: it left in time
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stopping(&self) -> Stopping {
        Stopping(self.stopping.clone())
    }

    /// The peer's address.
    ///
    /// # Errors
    ///
    /// The socket's error, if it has one.
    ///
    /// # Examples
    ///
    /// See [`Connection::get_ref`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            if !this.drained {
                let events = this.edge.as_ref().map(ReadReady::events);
                match io::Read::read(&mut this.socket.get_ref(), buf) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        if let (Some(edge), Some(events)) = (&mut this.edge, events) {
                            edge.found_empty(events);
                        }
                    }
                    read => {
                        this.read_clock.stop();
                        this.readable = None;
                        this.got_a_byte |= matches!(read, Ok(1..));
                        this.drained = matches!(read, Ok(n) if n > 0 && n < buf.len());
                        if let (true, Some(edge), Some(events)) =
                            (this.drained, &mut this.edge, events)
                        {
                            edge.found_empty(events);
                        }
                        return Poll::Ready(read);
                    }
                }
            }
            this.drained = false;
            if let Some(edge) = &mut this.edge {
                match edge.poll_ready(cx) {
                    Poll::Ready(true) => continue,
                    Poll::Pending => break,
                    // The set's driver is gone: async-io's readiness below.
                    Poll::Ready(false) => this.edge = None,
                }
            }
            let socket = &this.socket;
            let readable = this
                .readable
                .get_or_insert_with(|| socket.clone().readable_owned());
            match Pin::new(readable).poll(cx) {
                Poll::Ready(ready) => {
                    this.readable = None;
                    if let Err(e) = ready {
                        this.read_clock.stop();
                        return Poll::Ready(Err(e));
                    }
                }
                Poll::Pending => break,
            }
        }
        let limit = if this.got_a_byte {
            this.idle
        } else {
            this.first_byte
        };
        if core::mem::take(&mut this.wrote_since_read_clock) {
            // The server answered since this clock started (for this read,
            // or for one that was cancelled): the peer's silence counts from
            // now, not from a read the server gave up on before answering.
            this.read_clock.stop();
        }
        this.read_clock.poll(limit, "sent", cx).map(Err)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Poll::Ready(written) = Pin::new(&mut this.stream).poll_write(cx, buf) {
            this.write_clock.stop();
            if matches!(written, Ok(1..)) && this.read_clock.is_running() {
                this.wrote_since_read_clock = true;
            }
            return Poll::Ready(written);
        }
        this.write_clock.poll(this.write, "took", cx).map(Err)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Poll::Ready(flushed) = Pin::new(&mut this.stream).poll_flush(cx) {
            this.write_clock.stop();
            return Poll::Ready(flushed);
        }
        this.write_clock.poll(this.write, "took", cx).map(Err)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_close(cx)
    }
}

/// A server's stop, as a [`Connection`]'s handler sees it: made by
/// [`Connection::stopping`]; cheap to clone, and it outlives the connection
/// (hand the connection to a protocol library and keep this).
#[derive(Debug, Clone)]
pub struct Stopping(Arc<Event>);

impl Stopping {
    /// Waits until the server begins to stop; at once if it has.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits.
    ///
    /// # Examples
    ///
    /// See [`Connection::stopping`].
    pub fn wait(&self) -> EventWait<'_> {
        self.0.wait()
    }

    /// Whether the server has begun to stop.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = genlet::StreamServer::bind("127.0.0.1:0", |conn, _peer| async move {
    ///     let _stopping: bool = conn.stopping().is_stopping();
    /// })?;
    /// # drop(server);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_stopping(&self) -> bool {
        self.0.is_set()
    }
}
