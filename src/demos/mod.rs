//! The demos behind `examples/` and the `tour`: each writes what it shows to
//! the writer it is given, so the tour can run them in turn and the tests can
//! check their output.

pub mod ccbench;
pub mod cli;
pub mod cpu_work;
pub mod crawl;
pub mod echo_gen;
pub mod fanout;
pub mod generators;
pub mod http;
pub mod iotest;
pub mod matrix;
pub mod resume_cost;
pub mod sleepers;
pub mod sumclient;
pub mod sumserver;

/// Each published crate's README (what crates.io shows), compiled as
/// doctests so that their examples keep working.
#[cfg(doctest)]
pub mod readmes {
    #[doc = include_str!("../../crates/genlet-coro/README.md")]
    pub mod genlet_coro {}
    #[doc = include_str!("../../crates/genlet-reactor/README.md")]
    pub mod genlet_reactor {}
    #[doc = include_str!("../../crates/genlet-ythread/README.md")]
    pub mod genlet_ythread {}
    #[doc = include_str!("../../crates/genlet/README.md")]
    pub mod genlet {}
}
