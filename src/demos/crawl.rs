//! Seed 002's URL fetcher: N pages fetched through a `Pool` of greenlets,
//! from a local HTTP/1.1 server started for the purpose (no network
//! needed). Server and client are hyper's, on genlet's sockets (see
//! [`http`]).

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::StatusCode;

use super::http::{self, HttpServer};

/// The body length the server gives page `n`: varied, so lengths differ;
/// 1,000 to 9,999 bytes for any `n` (no overflow).
///
/// # Examples
///
/// ```
/// use genlet_workspace::demos::crawl::page_len;
///
/// assert_eq!(page_len(1), 8919);
/// assert!((1000..10_000).contains(&page_len(u64::MAX)));
/// ```
pub fn page_len(n: u64) -> usize {
    // Below 9,000 * 7,919: no overflow, and the same lengths as `n * 7919 % 9000`.
    1000 + ((n % 9000) * 7919 % 9000) as usize
}

/// Starts the HTTP server (hyper, on a [`genlet::StreamServer`]):
/// `GET /page/N` answers with [`page_len`]`(N)` bytes after `latency`;
/// anything else gets a 404.
///
/// # Errors
///
/// When the port cannot be bound.
pub fn start_server(latency: Duration) -> io::Result<HttpServer> {
    http::serve("127.0.0.1:0", move |request| async move {
        let page = request
            .uri()
            .path()
            .strip_prefix("/page/")
            .and_then(|n| n.parse::<u64>().ok());
        match page {
            Some(n) => {
                genlet::sleep(latency).await; // the page's latency
                http::respond(StatusCode::OK, "x".repeat(page_len(n)))
            }
            None => http::respond(StatusCode::NOT_FOUND, String::new()),
        }
    })
}

/// `GET path` through hyper's HTTP/1.1 client; the body's length.
///
/// # Errors
///
/// When the connection fails or the status is not 200.
pub async fn fetch(server: SocketAddr, path: &str) -> io::Result<usize> {
    match http::get(server, path).await? {
        (200, body) => Ok(body.len()),
        (status, _) => Err(io::Error::other(format!("{path}: status {status}"))),
    }
}

/// Fetches `urls` pages through a pool of `pool` greenlets and prints each
/// length and the total time (or one JSON line).
///
/// # Errors
///
/// When the server cannot start or a fetch fails.
pub fn run(
    out: &mut impl Write,
    urls: u64,
    pool: usize,
    latency: Duration,
    json: bool,
) -> io::Result<Duration> {
    genlet::run(async {
        let server = start_server(latency)?;
        let addr = server.local_addr();
        let start = Instant::now();
        let fetchers = genlet::Pool::new(pool);
        let lengths = fetchers
            .map(0..urls, |n| async move {
                (n, fetch(addr, &format!("/page/{n}")).await)
            })
            .await
            .map_err(io::Error::other)?;
        let elapsed = start.elapsed();
        server.stop(Duration::from_secs(1)).await;
        let mut total = 0;
        if !json {
            writeln!(
                out,
                "== crawl (seed 002): {urls} pages through a pool of {pool}, {} ms each",
                latency.as_millis()
            )?;
        }
        for (n, length) in lengths {
            let length = length?;
            total += length;
            if !json && urls <= 20 {
                writeln!(out, "  http://{addr}/page/{n}: {length} bytes")?;
            }
        }
        if json {
            writeln!(
                out,
                "{{\"urls\":{urls},\"pool\":{pool},\"latency_ms\":{},\"bytes\":{total},\"wall_ms\":{:.1}}}",
                latency.as_millis(),
                elapsed.as_secs_f64() * 1e3
            )?;
        } else {
            writeln!(
                out,
                "{total} bytes in {:.1} ms (one at a time would take at least {} ms)",
                elapsed.as_secs_f64() * 1e3,
                urls as u128 * latency.as_millis()
            )?;
        }
        Ok(elapsed)
    })
}
