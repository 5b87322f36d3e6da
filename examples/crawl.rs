//! Seed 002's URL fetcher: N pages fetched through a `genlet::Pool`, from a
//! local HTTP/1.1 server the example starts; prints each length and the
//! total time.
//!
//! ```text
//! cargo run --release --example crawl -- [--urls 20] [--pool 5] [--latency-ms 50] [--json]
//! ```
//!
//! The code is in `src/demos/crawl.rs`.

use std::time::Duration;

use genlet_workspace::demos::crawl;

fn main() {
    let (mut urls, mut pool, mut latency, mut json) = (20u64, 5usize, 50u64, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut number = |what: &str| -> u64 {
            match args.next().and_then(|v| v.parse().ok()) {
                Some(n) => n,
                None => {
                    eprintln!("{what} needs a number");
                    std::process::exit(2);
                }
            }
        };
        match flag.as_str() {
            "--urls" => urls = number("--urls"),
            "--pool" => pool = number("--pool").max(1) as usize,
            "--latency-ms" => latency = number("--latency-ms"),
            "--json" => json = true,
            "--help" | "-h" => {
                println!(
                    "usage: crawl [--urls N (20)] [--pool N (5)] [--latency-ms MS (50)] [--json]"
                );
                return;
            }
            other => {
                eprintln!("unknown flag {other}; try --help");
                std::process::exit(2);
            }
        }
    }
    let latency = Duration::from_millis(latency);
    if let Err(e) = crawl::run(&mut std::io::stdout().lock(), urls, pool, latency, json) {
        eprintln!("crawl: {e}");
        std::process::exit(1);
    }
}
