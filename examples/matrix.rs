//! Seed 000 ("Python's Greenlet/Linden Lab's Eventlet"): the sum of i*i for
//! i < N as a plain loop, one generator per element, and one hub task per
//! element; prints the sums (285, 328350, 332833500, … as in the post) and
//! the nanoseconds per element of each way.
//!
//! ```text
//! cargo run --release --example matrix -- [--n 10,100,1000,10000,100000] [--json]
//! ```
//!
//! The code is in `src/demos/matrix.rs`.

use clap::Parser;
use genlet_workspace::demos::cli;

/// Seed 000: the sum of i*i for i < N as a loop, one generator per element
/// and one hub task per element, with the nanoseconds per element of each.
#[derive(Parser)]
#[command(name = "matrix")]
struct Args {
    /// The sizes N, comma-separated.
    #[arg(long = "n", value_name = "N1,N2,...", value_delimiter = ',', value_parser = cli::number::<u64>,
          default_value = "10,100,1000,10000,100000")]
    sizes: Vec<u64>,
    /// One JSON object per row instead of the table.
    #[arg(long)]
    json: bool,
}

fn main() {
    let args = Args::parse();
    if let Err(e) =
        genlet_workspace::demos::matrix::run(&mut std::io::stdout().lock(), &args.sizes, args.json)
    {
        eprintln!("matrix: {e}");
        std::process::exit(1);
    }
}
