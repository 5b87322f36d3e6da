//! Seed 004's `echoclient.py`: echoes 10 MB through a UDP echo server in
//! 8 KB datagrams and prints the time and the rate.
//!
//! ```text
//! cargo run --release --example iotest -- --serve --spinners 2 --cpu inline   # prints PORT
//! cargo run --release --example echoclient -- --port PORT [--mb 10] [--json]
//! ```

use std::net::SocketAddr;

fn main() {
    let (mut port, mut mb, mut json) = (None::<u16>, 10.0f64, false);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--json" {
            json = true;
            continue;
        }
        let value = args.next();
        match (flag.as_str(), value.as_deref().map(str::parse::<f64>)) {
            ("--port", Some(Ok(p))) if (1.0..=65535.0).contains(&p) => port = Some(p as u16),
            ("--mb", Some(Ok(m))) if m > 0.0 => mb = m,
            ("--help" | "-h", _) => {
                println!("usage: echoclient --port P [--mb 10] [--json]");
                return;
            }
            _ => {
                eprintln!("bad or unknown flag {flag}; try --help");
                std::process::exit(2);
            }
        }
    }
    let Some(port) = port else {
        eprintln!("echoclient needs --port (start `iotest --serve` first)");
        std::process::exit(2);
    };
    let bytes = (mb * 1e6) as usize;
    match genlet_workspace::demos::iotest::echo_client(
        SocketAddr::from(([127, 0, 0, 1], port)),
        bytes,
    ) {
        Ok(took) if json => println!(
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
