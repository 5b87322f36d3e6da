//! Generators, Python style: `send`, `throw`, `close`, `yield_from`, the
//! iterator and the async flavour, with printed output.
//!
//! ```text
//! cargo run --example generators
//! ```
//!
//! The code is in `src/demos/generators.rs`, shared with the tour.

use clap::Parser;

/// genlet-coro's generators: send, throw, close, yield_from, the iterator and
/// the async flavour, with printed output. Takes no flags.
#[derive(Parser)]
#[command(name = "generators")]
struct Args {}

fn main() -> std::io::Result<()> {
    Args::parse();
    genlet_workspace::demos::generators::run(&mut std::io::stdout().lock())
}
