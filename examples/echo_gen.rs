//! An echo server written as generator tasks, served on 127.0.0.1 by the hub,
//! then run again on the deterministic driver with the same clients scripted;
//! prints both and checks that the transcripts are identical.
//!
//! ```text
//! cargo run --example echo_gen -- [--port P] [--clients N]
//! ```
//!
//! The code is in `src/demos/echo_gen.rs`, shared with the tour and the tests.

fn main() -> std::io::Result<()> {
    let mut port = 0;
    let mut clients = 3;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = |what: &str| {
            args.next()
                .ok_or_else(|| std::io::Error::other(format!("{flag} needs a {what}")))
        };
        let bad = |v: String| std::io::Error::other(format!("not a number: {v:?}"));
        match flag.as_str() {
            "--port" => {
                let v = value("port number")?;
                port = v.parse().map_err(|_| bad(v))?;
            }
            "--clients" => {
                let v = value("number of clients")?;
                clients = v.parse().map_err(|_| bad(v))?;
            }
            "--help" | "-h" => {
                println!("usage: echo_gen [--port P (default 0: any)] [--clients N (default 3)]");
                return Ok(());
            }
            other => {
                return Err(std::io::Error::other(format!(
                    "unknown flag {other}; try --help"
                )));
            }
        }
    }
    genlet_workspace::demos::echo_gen::run(&mut std::io::stdout().lock(), port, clients)
}
