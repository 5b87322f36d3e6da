//! Seed 004's convoy experiment: a UDP echo server on the hub beside K
//! CPU-spinning tasks.
//!
//! ```text
//! cargo run --release --example iotest                  # the table: K = 0..4, every mode, 10 MB each
//! cargo run --release --example iotest -- --serve --spinners 2 --cpu priority [--port P]
//! ```
//!
//! With `--serve` it runs the server alone (printing its port first) for
//! `examples/echoclient.rs`, until SIGTERM or SIGINT (then it exits 0).
//! Modes: `inline` (spinners beside the echo task:
//! the convoy), `priority` (the echo task at high priority), `offload` (the
//! spinners' work on genlet-ythread's pool). The code is in
//! `src/demos/iotest.rs`.

use clap::Parser;
use genlet_workspace::demos::cli;
use genlet_workspace::demos::iotest::{self, Mode, Server};

/// Seed 004's convoy experiment: a UDP echo server on the hub beside K
/// CPU-spinning tasks. Without --spinners or --cpu: the whole table, K = 0..4
/// and every mode. Modes: inline (the spinners beside the echo task: the
/// convoy), priority (the echo task at high priority), offload (the
/// spinners' work on genlet-ythread's pool).
#[derive(Parser)]
#[command(name = "iotest")]
struct Args {
    /// Only run the server (printing its port first), for `echoclient`.
    #[arg(long)]
    serve: bool,
    /// The server's port with --serve (0: any free one).
    #[arg(long, value_name = "P", default_value_t = 0, requires = "serve")]
    port: u16,
    /// CPU-spinning tasks: one table row (2 with --serve).
    #[arg(long, value_name = "K")]
    spinners: Option<usize>,
    /// Where the spinners' work runs: one table column (inline with --serve).
    #[arg(long, value_name = "MODE")]
    cpu: Option<Mode>,
    /// Megabytes echoed per table cell.
    #[arg(long = "mb", value_name = "MB", value_parser = cli::megabytes, default_value = "10",
          conflicts_with = "serve")]
    bytes: usize,
    /// JSON instead of the table.
    #[arg(long, conflicts_with = "serve")]
    json: bool,
}

fn main() {
    let args = Args::parse();
    if args.serve {
        let (spinners, mode) = (args.spinners.unwrap_or(2), args.cpu.unwrap_or(Mode::Inline));
        let mut signals = match genlet::Signals::new() {
            Ok(signals) => signals,
            Err(e) => {
                eprintln!("iotest: cannot catch signals: {e}");
                std::process::exit(1);
            }
        };
        match Server::start(args.port, spinners, mode) {
            Ok(server) => {
                println!("{}", server.addr().port());
                eprintln!(
                    "iotest: echoing on {} beside {spinners} spinners ({mode})",
                    server.addr()
                );
                match server.serve_until_signal(&mut signals) {
                    Ok(signal) => eprintln!("iotest: {signal}: stopped"),
                    Err(e) => eprintln!("iotest: {e}"),
                }
            }
            Err(e) => {
                eprintln!("iotest: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let ks: Vec<usize> = args.spinners.map_or_else(|| (0..=4).collect(), |k| vec![k]);
    let modes = args.cpu.map_or_else(|| Mode::ALL.to_vec(), |m| vec![m]);
    let out = &mut std::io::stdout().lock();
    if let Err(e) = iotest::run(out, &ks, &modes, args.bytes, args.json) {
        eprintln!("iotest: {e}");
        std::process::exit(1);
    }
}
