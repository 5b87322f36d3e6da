//! Seed 004's `echoclient.py`: echoes 10 MB through a UDP echo server in
//! 8 KB datagrams and prints the time and the rate.
//!
//! ```text
//! cargo run --release --example iotest -- --serve --spinners 2 --cpu inline   # prints PORT
//! cargo run --release --example echoclient -- --port PORT [--mb 10] [--json]
//! ```

use std::net::SocketAddr;

use clap::Parser;
use genlet_workspace::demos::cli;

/// Seed 004's echo client: echoes data through a UDP echo server in 8 KB
/// datagrams and prints the time and the rate.
#[derive(Parser)]
#[command(name = "echoclient")]
struct Args {
    /// The server's port on 127.0.0.1 (`iotest --serve` prints it).
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// Megabytes to echo.
    #[arg(long = "mb", value_name = "MB", value_parser = cli::megabytes, default_value = "10")]
    bytes: usize,
    /// JSON instead of the line of text.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    let bytes = args.bytes;
    match genlet_workspace::demos::iotest::echo_client(
        SocketAddr::from(([127, 0, 0, 1], args.port)),
        bytes,
    ) {
        Ok(took) if args.json => println!(
            "{{\"bytes\":{bytes},\"seconds\":{:.4},\"bytes_per_sec\":{:.0}}}",
            took.as_secs_f64(),
            bytes as f64 / took.as_secs_f64()
        ),
        Ok(took) => println!(
            "{:.3} seconds ({:.3} bytes/sec)",
            took.as_secs_f64(),
            bytes as f64 / took.as_secs_f64()
        ),
        Err(e) => {
            eprintln!("echoclient: {e}");
            std::process::exit(1);
        }
    }
}
