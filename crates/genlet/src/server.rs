//! [`StreamServer`] and [`DatagramServer`]: a handler per connection or
//! datagram, run as greenlets the server owns.
//!
//! Accept errors (EMFILE, a connection reset before it was accepted) are
//! printed and retried after a pause that doubles up to a second, so a
//! server under fire keeps going. A handler that panics is reported through
//! the panic hook and the server keeps serving the others. `stop` stops
//! accepting, gives running handlers a grace period, then kills the rest.

use core::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use genlet_reactor::net::{TcpListener, TcpStream, UdpSocket};

use crate::greenlet::Greenlet;
use crate::group::{Group, GroupHandle};

/// How a server runs its handlers: at most `pool_size` at once, or
/// without a limit. Made by [`StreamServer::builder`] or
/// [`DatagramServer::builder`].
///
/// # Examples
///
/// ```
/// let server = genlet::StreamServer::builder()
///     .pool_size(100)
///     .bind("127.0.0.1:0", |_stream, _peer| async {})?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[must_use = "a server builder does nothing until `bind`"]
pub struct ServerBuilder {
    pool_size: Option<usize>,
}

impl ServerBuilder {
    /// Runs at most `size` handlers at once; accepting waits for a free slot.
    ///
    /// # Examples
    ///
    /// See [`ServerBuilder`].
    pub fn pool_size(mut self, size: usize) -> Self {
        self.pool_size = Some(size.max(1));
        self
    }

    fn handlers(self) -> Group {
        Group::for_server(self.pool_size)
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
        H: Fn(TcpStream, SocketAddr) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::try_from(std::net::TcpListener::bind(addr)?)?;
        let addr = listener.local_addr()?;
        let handlers = self.handlers();
        let spawner = handlers.handle();
        let handler = Arc::new(handler);
        let acceptor = crate::task()
            .name(format!("stream-server-{addr}"))
            .spawn(async move {
                let mut pause = Backoff::default();
                loop {
                    match listener.accept().await {
                        Ok((stream, peer)) => {
                            pause.reset();
                            let handler = handler.clone();
                            drop(
                                spawner
                                    .spawn(async move { handler(stream, peer).await })
                                    .await,
                            );
                        }
                        Err(e) => pause.wait(&addr, &e).await,
                    }
                }
            });
        Ok(StreamServer {
            addr,
            acceptor,
            handlers,
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
        let handlers = self.handlers();
        let spawner: GroupHandle = handlers.handle();
        let handler = Arc::new(handler);
        let receiver = crate::task()
            .name(format!("datagram-server-{addr}"))
            .spawn(async move {
                let mut pause = Backoff::default();
                let mut buf = vec![0; 65_536];
                loop {
                    match socket.recv_from(&mut buf).await {
                        Ok((len, peer)) => {
                            pause.reset();
                            let (handler, socket) = (handler.clone(), socket.clone());
                            let datagram = buf[..len].to_vec();
                            let reply = async move { handler(datagram, peer, socket).await };
                            drop(spawner.spawn(reply).await);
                        }
                        Err(e) => pause.wait(&addr, &e).await,
                    }
                }
            });
        Ok(DatagramServer {
            inner: StreamServer {
                addr,
                acceptor: receiver,
                handlers,
            },
        })
    }
}

/// The pause after a failed accept: 5 ms, doubling up to 1 s, reset by a
/// success.
#[derive(Debug)]
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Backoff(Duration::from_millis(5))
    }
}

impl Backoff {
    fn reset(&mut self) {
        *self = Backoff::default();
    }

    async fn wait(&mut self, addr: &SocketAddr, error: &io::Error) {
        eprintln!(
            "genlet: server on {addr}: {error}; retrying in {} ms",
            self.0.as_millis()
        );
        genlet_reactor::sleep(self.0).await;
        self.0 = (self.0 * 2).min(Duration::from_secs(1));
    }
}

/// A TCP server: one handler greenlet per connection (gevent's
/// `StreamServer`). Dropping it stops accepting and cancels the handlers;
/// [`stop`](StreamServer::stop) lets them finish first.
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
pub struct StreamServer {
    addr: SocketAddr,
    acceptor: Greenlet<()>,
    handlers: Group,
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
        H: Fn(TcpStream, SocketAddr) -> Fut + Send + Sync + 'static,
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
        self.addr
    }

    /// The number of handlers running.
    ///
    /// # Examples
    ///
    /// ```
    /// let server = genlet::StreamServer::bind("127.0.0.1:0", |_s, _p| async {})?;
    /// assert_eq!(server.handlers(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handlers(&self) -> usize {
        self.handlers.len()
    }

    /// Stops accepting, waits up to `grace` for the running handlers, then
    /// kills those still running; returns how many were killed.
    ///
    /// # Examples
    ///
    /// See [`StreamServer`].
    pub async fn stop(self, grace: Duration) -> usize {
        self.acceptor.kill().await;
        if genlet_reactor::timeout(grace, self.handlers.join())
            .await
            .is_ok()
        {
            return 0;
        }
        let left = self.handlers.len();
        self.handlers.kill().await;
        left
    }
}

impl Drop for StreamServer {
    fn drop(&mut self) {
        // The handle alone would detach the acceptor: stop it.
        self.acceptor.shared().cancel();
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
pub struct DatagramServer {
    inner: StreamServer,
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
        self.inner.addr
    }

    /// Stops receiving, waits up to `grace` for running handlers, then kills
    /// the rest; returns how many were killed.
    ///
    /// # Examples
    ///
    /// See [`DatagramServer`].
    pub async fn stop(self, grace: Duration) -> usize {
        self.inner.stop(grace).await
    }
}
