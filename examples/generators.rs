//! Generators, Python style: `send`, `throw`, `close`, `yield_from`, the
//! iterator and the async flavour, with printed output.
//!
//! ```text
//! cargo run --example generators
//! ```
//!
//! The code is in `src/demos/generators.rs`, shared with the tour.

fn main() -> std::io::Result<()> {
    genlet_workspace::demos::generators::run(&mut std::io::stdout().lock())
}
