//! The network-load experiment's echo servers in Rust: one program, one
//! runtime per process, each connection echoing what it reads
//! (`TCP_NODELAY` on every accepted socket). Prints its port on the first
//! line of stdout, then serves until killed.
//!
//! ```text
//! cargo run --release -p genlet-compare --bin echo_server -- --runtime genlet|smol|tokio-ct|tokio-mt [--port P]
//! ```
//!
//! Runtimes:
//!
//! - `genlet`: [`genlet::StreamServer`] with its defaults (a handler
//!   greenlet per connection on the default hub, one worker per core it may
//!   run on; first-byte, idle and write timeouts on every read and write).
//! - `genlet-no-timeouts`: the same server with every timeout and the TCP
//!   keepalive off, to show what the per-read timer costs.
//! - `genlet-calling-thread`: the `genlet` server on a hub with no worker
//!   threads (`workers(0)`), driven by the main thread alone, to show what
//!   the hand-offs between the default hub's threads cost.
//! - `genlet-spawn`: no `StreamServer`: an accept loop that
//!   [`genlet::spawn`]s each connection's loop on the same hub, over
//!   async-net's streams (async-io's one-shot readiness, an `epoll_ctl` per
//!   read that waits, where a `Connection` waits in its server's
//!   edge-triggered set).
//! - `smol`: async-net on an `async_executor::Executor` run by one thread per
//!   core it may run on (what genlet's hub is built from, without the hub).
//! - `tokio-ct`, `tokio-mt`: tokio's current-thread and multi-thread runtimes.

#![forbid(unsafe_code)]

use std::io::{self, Write as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

/// An echo server on one runtime: prints its port, then echoes every
/// connection until killed.
#[derive(Parser)]
#[command(name = "echo_server")]
struct Args {
    /// The runtime.
    #[arg(long, value_name = "RUNTIME",
          value_parser = ["genlet", "genlet-no-timeouts", "genlet-calling-thread", "genlet-spawn",
                           "smol", "tokio-ct", "tokio-mt"])]
    runtime: String,
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value = "0")]
    port: u16,
}

/// How much one read takes at most.
const BUF: usize = 4096;

fn announce(addr: SocketAddr) {
    let mut out = io::stdout();
    let _ = writeln!(out, "{}", addr.port());
    let _ = out.flush();
}

/// Echoes `stream` until it closes or fails.
async fn echo_futures<S: futures_lite::AsyncRead + futures_lite::AsyncWrite + Unpin>(mut s: S) {
    use futures_lite::{AsyncReadExt, AsyncWriteExt};
    let mut buf = [0; BUF];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if s.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
}

fn genlet_server(port: u16, timeouts: bool) -> io::Result<()> {
    genlet::run(async move {
        let builder = if timeouts {
            genlet::StreamServer::builder()
        } else {
            genlet::StreamServer::builder()
                .first_byte_timeout(Duration::MAX)
                .idle_timeout(Duration::MAX)
                .write_timeout(Duration::MAX)
                .keepalive(None)
        };
        let server = builder.bind(("127.0.0.1", port), |conn, _peer| echo_futures(conn))?;
        announce(server.local_addr());
        core::future::pending::<()>().await;
        drop(server);
        Ok(())
    })
}

fn genlet_calling_thread(port: u16) -> io::Result<()> {
    let hub = genlet::reactor::Hub::builder().workers(0).build()?;
    hub.block_on(async move {
        let server =
            genlet::StreamServer::bind(("127.0.0.1", port), |conn, _peer| echo_futures(conn))?;
        announce(server.local_addr());
        core::future::pending::<()>().await;
        drop(server);
        Ok(())
    })
}

fn genlet_spawn(port: u16) -> io::Result<()> {
    genlet::run(async move {
        let listener = genlet::net::TcpListener::bind(("127.0.0.1", port)).await?;
        announce(listener.local_addr()?);
        loop {
            let (stream, _) = listener.accept().await?;
            stream.set_nodelay(true)?;
            genlet::spawn(echo_futures(stream)).detach();
        }
    })
}

fn smol_server(port: u16) -> io::Result<()> {
    let ex = Arc::new(smol::Executor::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The other threads run the executor until the process is killed.
    for _ in 1..threads {
        let ex = ex.clone();
        std::thread::spawn(move || smol::block_on(ex.run(core::future::pending::<()>())));
    }
    // The acceptor is a task like the handlers (as genlet's is), not the
    // future `block_on` polls on every wake-up.
    let acceptor: smol::Task<io::Result<()>> = ex.spawn({
        let ex = ex.clone();
        async move {
            let listener = smol::net::TcpListener::bind(("127.0.0.1", port)).await?;
            announce(listener.local_addr()?);
            loop {
                let (stream, _) = listener.accept().await?;
                stream.set_nodelay(true)?;
                ex.spawn(echo_futures(stream)).detach();
            }
        }
    });
    smol::block_on(ex.run(acceptor))
}

fn tokio_server(port: u16, multi_thread: bool) -> io::Result<()> {
    let runtime = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .enable_io()
            .build()?
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?
    };
    runtime.block_on(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        announce(listener.local_addr()?);
        loop {
            let (mut stream, _) = listener.accept().await?;
            stream.set_nodelay(true)?;
            tokio::spawn(async move {
                let mut buf = [0; BUF];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
            });
        }
    })
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let served = match args.runtime.as_str() {
        "genlet" => genlet_server(args.port, true),
        "genlet-no-timeouts" => genlet_server(args.port, false),
        "genlet-calling-thread" => genlet_calling_thread(args.port),
        "genlet-spawn" => genlet_spawn(args.port),
        "smol" => smol_server(args.port),
        "tokio-ct" => tokio_server(args.port, false),
        _ => tokio_server(args.port, true),
    };
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
