//! Seed 003's client: 1000 requests from 1, 2, 4 and 8 client threads, timed;
//! prints the post's table (client threads → seconds).
//!
//! ```text
//! cargo run --release --example sumclient -- [--requests 1000] [--clients 1,2,4,8] [--n N]
//!     [--port P | --apply inline|exclusive|pool [--async]] [--probe] [--json]
//! ```
//!
//! Without `--port` it starts a sum server in-process with the given policy
//! (default `pool`). The default `n` costs 4 to 5 ms per request here, like
//! the post's. `--probe` adds a client sending `n = 1` every 10 ms and
//! reports its median and 99th-percentile latency. The in-process server
//! computes sums of up to `--inline-below` steps (default 10,000) in the
//! handler instead of yielding them; 0 yields every sum. With `--json`, one object
//! per row: `apply, async, clients, requests, n, wall_ms` (and the probe's).
//!
//! The code is in `src/demos/sumclient.rs`.

use genlet_workspace::demos::sumclient::{self, Options};
use genlet_workspace::demos::sumserver::{DEFAULT_INLINE_BELOW, DEFAULT_N, Policy};

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        requests: 1000,
        clients: vec![1, 2, 4, 8],
        n: DEFAULT_N,
        port: None,
        policy: Policy::Pool,
        hub_tasks: false,
        inline_below: DEFAULT_INLINE_BELOW,
        probe: false,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--requests" => {
                options.requests = value()?.parse().map_err(|e| format!("--requests: {e}"))?
            }
            "--clients" => {
                options.clients = value()?
                    .split(',')
                    .map(|c| {
                        c.trim()
                            .parse()
                            .map_err(|e| format!("--clients {c:?}: {e}"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--n" => {
                options.n = value()?
                    .replace('_', "")
                    .parse()
                    .map_err(|e| format!("--n: {e}"))?
            }
            "--port" => options.port = Some(value()?.parse().map_err(|e| format!("--port: {e}"))?),
            "--apply" => options.policy = Policy::parse(&value()?)?,
            "--async" => options.hub_tasks = true,
            "--inline-below" => {
                options.inline_below = value()?
                    .parse()
                    .map_err(|e| format!("--inline-below: {e}"))?
            }
            "--probe" => options.probe = true,
            "--json" => options.json = true,
            "--help" | "-h" => {
                return Err(format!(
                    "usage: sumclient [--requests N (1000)] [--clients 1,2,4,8] [--n N ({DEFAULT_N})] \
                     [--port P | --apply inline|exclusive|pool [--async] [--inline-below N ({DEFAULT_INLINE_BELOW})]] \
                     [--probe] [--json]"
                ));
            }
            other => return Err(format!("unknown flag {other}; try --help")),
        }
    }
    if options.clients.contains(&0) {
        return Err("--clients: each count must be at least 1".into());
    }
    Ok(options)
}

fn main() {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Err(e) = sumclient::run(&mut std::io::stdout().lock(), &options) {
        eprintln!("sumclient: {e}");
        std::process::exit(1);
    }
}
