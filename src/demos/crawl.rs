//! Seed 002's URL fetcher: N pages fetched through a `Pool` of greenlets,
//! from a local HTTP/1.1 server started for the purpose (no network
//! needed). The client is a plain `GET` over genlet's sockets.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet::net::TcpStream;

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

/// Starts the HTTP server: `GET /page/N` answers with [`page_len`]`(N)`
/// bytes after `latency`; anything else gets a 400 or a 404.
///
/// # Errors
///
/// When the port cannot be bound.
pub fn start_server(latency: Duration) -> io::Result<genlet::StreamServer> {
    genlet::StreamServer::bind("127.0.0.1:0", move |mut conn, _peer| async move {
        let mut request = Vec::new();
        let mut buf = [0; 1024];
        // Read the head (bounded): up to the blank line.
        while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let head = String::from_utf8_lossy(&request);
        let path = head
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("GET "))
            .and_then(|rest| rest.split(' ').next());
        let response = match path.map(|p| p.strip_prefix("/page/").map(str::parse::<u64>)) {
            Some(Some(Ok(n))) => {
                genlet::sleep(latency).await;
                let body = "x".repeat(page_len(n));
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            }
            Some(_) => {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
            }
            None => {
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
            }
        };
        let _ = conn.write_all(response.as_bytes()).await;
    })
}

/// `GET url` over HTTP/1.1; the body's length.
///
/// # Errors
///
/// When the connection fails, the status is not 200, or the body's length
/// differs from its `Content-Length`.
pub async fn fetch(server: SocketAddr, path: &str) -> io::Result<usize> {
    let mut conn = TcpStream::connect(server).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n\r\n");
    conn.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    conn.read_to_end(&mut response).await?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&response[..split]);
    let status = head.lines().next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200") {
        return Err(io::Error::other(format!("{path}: {status}")));
    }
    let body = response.len() - split - 4;
    let declared = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse::<usize>().ok());
    if declared != Some(body) {
        return Err(io::Error::other(format!(
            "{path}: body {body} bytes, declared {declared:?}"
        )));
    }
    Ok(body)
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
