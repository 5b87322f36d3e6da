//! HTTP/1.1 with keep-alive through hyper on a `genlet::StreamServer`: one
//! greenlet per connection. Prints its port, then serves until SIGTERM or
//! Ctrl-C, when it finishes the requests in flight, closes idle keep-alive
//! connections and exits 0 (a second signal cuts the rest).
//!
//! ```text
//! cargo run --release --example http_hello -- [--port 8080] [--grace-ms 5000]
//! curl http://127.0.0.1:8080/            # Hello, world!
//! curl http://127.0.0.1:8080/greenlet    # the greenlet serving it
//! python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8080/').read())"
//! ```
//!
//! The code is in `src/demos/http.rs`.

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use genlet_workspace::demos::{cli, http};

/// Serves "Hello, world!" over HTTP/1.1 with keep-alive (hyper on a
/// genlet StreamServer) until SIGTERM or Ctrl-C; prints its port first.
#[derive(Parser)]
#[command(name = "http_hello")]
struct Args {
    /// The port (0: any free one).
    #[arg(long, value_name = "P", default_value_t = 0)]
    port: u16,
    /// How long a stop waits for requests in flight, in milliseconds.
    #[arg(long = "grace-ms", value_name = "MS", value_parser = cli::millis, default_value = "5000")]
    grace: Duration,
}

fn main() {
    let args = Args::parse();
    let served = genlet::run(async {
        // Before serving: from here on a signal drains instead of killing.
        let mut signals = genlet::Signals::new()?;
        let server = http::serve(&format!("127.0.0.1:{}", args.port), http::hello)?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", server.local_addr().port())?;
        out.flush()?;
        drop(out);
        eprintln!(
            "http_hello: serving http://{}/ (SIGTERM or Ctrl-C stops)",
            server.local_addr()
        );
        let cut = server.stop_on_signal(&mut signals, args.grace).await?;
        eprintln!("http_hello: stopped, {cut} connections cut");
        Ok::<(), std::io::Error>(())
    });
    if let Err(e) = served {
        eprintln!("http_hello: {e}");
        std::process::exit(1);
    }
}
