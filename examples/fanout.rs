//! Seed 001 ("Python and gevent"): seven heterogeneous lookups behind one
//! request, made one after another, then spawned and joined.
//!
//! ```text
//! cargo run --release --example fanout -- [--fail N] [--json]
//! ```
//!
//! It starts a local TCP data service whose answers take each lookup's own
//! latency. With `--fail N` (1 to 7), lookup N fails and its error is
//! printed at the join, with the greenlet's name. The code is in
//! `src/demos/fanout.rs`.

use genlet_workspace::demos::fanout;

fn main() {
    let mut fail = None;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--fail" => match args.next().and_then(|v| v.parse::<usize>().ok()) {
                Some(n @ 1..=7) => fail = Some(n),
                _ => {
                    eprintln!("--fail needs a lookup number from 1 to 7");
                    std::process::exit(2);
                }
            },
            "--json" => json = true,
            "--help" | "-h" => {
                println!("usage: fanout [--fail N (1-7)] [--json]");
                return;
            }
            other => {
                eprintln!("unknown flag {other}; try --help");
                std::process::exit(2);
            }
        }
    }
    if let Err(e) = fanout::run(&mut std::io::stdout().lock(), fail, json) {
        eprintln!("fanout: {e}");
        std::process::exit(1);
    }
}
