//! HTTP/1.1 through hyper on genlet: a server on a [`genlet::StreamServer`]
//! (one greenlet per connection, keep-alive, graceful shutdown) and a client
//! over [`genlet::net::TcpStream`]. `smol-hyper`'s `FuturesIo` adapts
//! genlet's streams (futures-io's traits) to hyper's, and its `SmolTimer`
//! gives hyper its timeouts on the hub's timers: no tokio anywhere.
//!
//! The `http_hello` example serves [`hello`] with [`serve`]; the `crawl`
//! demo fetches its pages with [`get`].

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_lite::future;
use genlet::net::TcpStream;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use smol_hyper::rt::{FuturesIo, SmolTimer};

/// A running HTTP server: [`serve`] makes it, [`stop`](HttpServer::stop)
/// ends it gracefully.
#[derive(Debug)]
pub struct HttpServer {
    server: genlet::StreamServer,
    connections: Arc<AtomicU64>,
}

/// Serves HTTP/1.1 with keep-alive on `addr`: every connection is a
/// greenlet of a [`genlet::StreamServer`] that hyper drives, calling
/// `handler` for each request on it.
///
/// # Errors
///
/// When `addr` cannot be bound.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_workspace::demos::http;
///
/// genlet::run(async {
///     let server = http::serve("127.0.0.1:0", http::hello)?;
///     let (status, body) = http::get(server.local_addr(), "/").await?;
///     assert_eq!((status, body.as_str()), (200, "Hello, world!\n"));
///     server.stop(Duration::from_secs(1)).await;
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn serve<H, Fut>(addr: &str, handler: H) -> io::Result<HttpServer>
where
    H: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let connections = Arc::new(AtomicU64::new(0));
    let count = connections.clone();
    let server = genlet::StreamServer::builder().name("http").bind(
        addr,
        move |conn: genlet::Connection, _peer| {
            count.fetch_add(1, Ordering::Relaxed);
            serve_connection(conn, handler.clone())
        },
    )?;
    Ok(HttpServer {
        server,
        connections,
    })
}

/// One connection: hyper reads requests off it until the client closes it,
/// an idle or header timeout passes, or the server stops (then the request
/// in flight is answered and the connection closed).
fn serve_connection<H, Fut>(conn: genlet::Connection, handler: H) -> impl Future<Output = ()> + Send
where
    H: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let stopping = conn.stopping();
    async move {
        let service = hyper::service::service_fn(move |request| {
            let response = handler(request);
            async move { Ok::<_, Infallible>(response.await) }
        });
        let mut http = pin!(
            hyper::server::conn::http1::Builder::new()
                .timer(SmolTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .keep_alive(true)
                .serve_connection(FuturesIo::new(conn), service)
        );
        let ended = future::or(async { Some(http.as_mut().await) }, async {
            stopping.wait().await;
            None
        })
        .await;
        if ended.is_none() {
            // Finish the request in flight, take no more.
            http.as_mut().graceful_shutdown();
            let _ = http.await;
        }
        // A client that went away mid-request is its own business: the
        // server serves the others.
    }
}

impl HttpServer {
    /// The address it listens on.
    ///
    /// # Examples
    ///
    /// See [`serve`].
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Connections accepted so far (a keep-alive client makes one for many
    /// requests).
    ///
    /// # Examples
    ///
    /// See `tests/http_hello.rs`.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Stops accepting, lets every connection finish the request it is
    /// answering and closes it (idle keep-alive connections at once), and
    /// waits at most `grace` for them; returns how many were cut.
    ///
    /// # Examples
    ///
    /// See [`serve`].
    pub async fn stop(self, grace: Duration) -> usize {
        self.server.stop(grace).await
    }

    /// [`stop`](HttpServer::stop) on the first SIGTERM or SIGINT of
    /// `signals`; a second one cuts the connections left.
    ///
    /// # Errors
    ///
    /// When the signals cannot be read.
    ///
    /// # Examples
    ///
    /// See `examples/http_hello.rs`.
    pub async fn stop_on_signal(
        self,
        signals: &mut genlet::Signals,
        grace: Duration,
    ) -> io::Result<usize> {
        self.server.stop_on_signal(signals, grace).await
    }
}

/// The `http_hello` example's handler: `GET /` says hello, `GET /greenlet`
/// names the greenlet serving it, other paths are 404, other methods 405.
///
/// # Examples
///
/// See [`serve`].
pub async fn hello(request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (status, body) = match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => (StatusCode::OK, "Hello, world!\n".to_owned()),
        (&Method::GET, "/greenlet") => (
            StatusCode::OK,
            match genlet::current() {
                Some(me) => format!("served by greenlet '{}'\n", me.name()),
                None => "served outside a greenlet\n".to_owned(),
            },
        ),
        (&Method::GET, _) => (StatusCode::NOT_FOUND, "not found\n".to_owned()),
        _ => (StatusCode::METHOD_NOT_ALLOWED, "only GET here\n".to_owned()),
    };
    respond(status, body)
}

/// A response of `status` with a plain-text `body`.
///
/// # Examples
///
/// ```
/// let response = genlet_workspace::demos::http::respond(hyper::StatusCode::OK, "hi".into());
/// assert_eq!(response.status(), 200);
/// ```
pub fn respond(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain"),
    );
    response
}

/// `GET path` from `server` over a connection of its own; the status and
/// the body.
///
/// # Errors
///
/// When the connection fails, the response is not HTTP, or the body is not
/// UTF-8.
///
/// # Examples
///
/// See [`serve`].
pub async fn get(server: SocketAddr, path: &str) -> io::Result<(u16, String)> {
    let mut client = Client::connect(server).await?;
    client.get(path).await
}

/// A keep-alive HTTP/1.1 connection to one server: requests one after
/// another over the same socket.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_workspace::demos::http;
///
/// genlet::run(async {
///     let server = http::serve("127.0.0.1:0", http::hello)?;
///     let mut client = http::Client::connect(server.local_addr()).await?;
///     assert_eq!(client.get("/").await?.0, 200);
///     assert_eq!(client.get("/nowhere").await?.0, 404);
///     assert_eq!(server.connections(), 1); // both over one connection
///     server.stop(Duration::from_secs(1)).await;
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Client {
    server: SocketAddr,
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    /// Drives the connection; killed when the client goes.
    connection: genlet::Greenlet<()>,
}

impl Client {
    /// Connects to `server`.
    ///
    /// # Errors
    ///
    /// When the connection or hyper's handshake fails.
    ///
    /// # Examples
    ///
    /// See [`Client`].
    pub async fn connect(server: SocketAddr) -> io::Result<Client> {
        let stream = TcpStream::connect(server).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(FuturesIo::new(stream))
            .await
            .map_err(io::Error::other)?;
        let connection = genlet::task()
            .name("http client connection")
            .spawn(async move {
                let _ = connection.await;
            });
        Ok(Client {
            server,
            sender,
            connection,
        })
    }

    /// `GET path`; the status and the body.
    ///
    /// # Errors
    ///
    /// When the connection fails or closed, or the body is not UTF-8.
    ///
    /// # Examples
    ///
    /// See [`Client`].
    pub async fn get(&mut self, path: &str) -> io::Result<(u16, String)> {
        let request = Request::get(path)
            .header(hyper::header::HOST, self.server.to_string())
            .body(Empty::<Bytes>::new())
            .map_err(io::Error::other)?;
        self.sender.ready().await.map_err(io::Error::other)?;
        // A request sent just as the connection closes can be left in
        // hyper's queue with no one to answer it (seen about once in a
        // hundred runs of `stop_closes_idle_keep_alive_connections`): once
        // the connection's task has ended, no answer can come, so its end
        // fails the request. The answer is looked at first, so one that came
        // before the end is kept.
        let sent = async {
            self.sender
                .send_request(request)
                .await
                .map_err(io::Error::other)
        };
        let closed = async {
            self.connection.wait().await;
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the connection closed before the answer came",
            ))
        };
        let response = future::or(sent, closed).await?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(io::Error::other)?
            .to_bytes();
        let body = String::from_utf8(body.to_vec()).map_err(io::Error::other)?;
        Ok((status, body))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.connection.abort();
    }
}
