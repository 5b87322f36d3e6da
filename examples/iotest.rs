//! Seed 004's convoy experiment: a UDP echo server on the hub beside K
//! CPU-spinning tasks.
//!
//! ```text
//! cargo run --release --example iotest                  # the table: K = 0..4, every mode, 10 MB each
//! cargo run --release --example iotest -- --serve --spinners 2 --cpu priority [--port P]
//! ```
//!
//! With `--serve` it runs the server alone (printing its port first) for
//! `examples/echoclient.rs`. Modes: `inline` (spinners beside the echo task:
//! the convoy), `priority` (the echo task at high priority), `offload` (the
//! spinners' work on genlet-ythread's pool). The code is in
//! `src/demos/iotest.rs`.

use genlet_workspace::demos::iotest::{self, Mode, Server};

fn main() {
    let (mut serve, mut port, mut spinners, mut mode, mut mb, mut json) =
        (false, 0u16, 2usize, Mode::Inline, 10.0f64, false);
    let mut ks: Vec<usize> = (0..=4).collect();
    let mut modes = Mode::ALL.to_vec();
    let mut args = std::env::args().skip(1);
    let fail = |message: String| -> ! {
        eprintln!("{message}");
        std::process::exit(2)
    };
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--serve" => serve = true,
            "--port" => {
                port = value()
                    .parse()
                    .unwrap_or_else(|e| fail(format!("--port: {e}")))
            }
            "--spinners" => {
                let v = value();
                spinners = v
                    .parse()
                    .unwrap_or_else(|e| fail(format!("--spinners: {e}")));
                ks = vec![spinners];
            }
            "--cpu" => {
                mode = value().parse().unwrap_or_else(|e: String| fail(e));
                modes = vec![mode];
            }
            "--mb" => {
                mb = value()
                    .parse()
                    .unwrap_or_else(|e| fail(format!("--mb: {e}")))
            }
            "--json" => json = true,
            "--help" | "-h" => {
                println!(
                    "usage: iotest [--spinners K] [--cpu inline|priority|offload] [--mb 10] [--json]\n       \
                     iotest --serve [--spinners K (2)] [--cpu MODE (inline)] [--port P]"
                );
                return;
            }
            other => fail(format!("unknown flag {other}; try --help")),
        }
    }
    if serve {
        match Server::start(port, spinners, mode) {
            Ok(server) => {
                println!("{}", server.addr().port());
                eprintln!(
                    "iotest: echoing on {} beside {spinners} spinners ({mode})",
                    server.addr()
                );
                server.wait();
            }
            Err(e) => fail(format!("iotest: {e}")),
        }
        return;
    }
    let bytes = (mb * 1e6) as usize;
    if let Err(e) = iotest::run(&mut std::io::stdout().lock(), &ks, &modes, bytes, json) {
        eprintln!("iotest: {e}");
        std::process::exit(1);
    }
}
