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

fn main() {
    let mut sizes = vec![10, 100, 1000, 10_000, 100_000];
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--n" => {
                let parsed: Result<Vec<u64>, _> = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|v| v.trim().replace('_', "").parse())
                    .collect();
                match parsed {
                    Ok(v) if !v.is_empty() => sizes = v,
                    _ => {
                        eprintln!("--n needs comma-separated sizes, e.g. --n 10,1000");
                        std::process::exit(2);
                    }
                }
            }
            "--json" => json = true,
            "--help" | "-h" => {
                println!("usage: matrix [--n N1,N2,... (10,100,1000,10000,100000)] [--json]");
                return;
            }
            other => {
                eprintln!("unknown flag {other}; try --help");
                std::process::exit(2);
            }
        }
    }
    if let Err(e) =
        genlet_workspace::demos::matrix::run(&mut std::io::stdout().lock(), &sizes, json)
    {
        eprintln!("matrix: {e}");
        std::process::exit(1);
    }
}
