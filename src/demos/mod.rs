//! The demos behind `examples/` and the `tour`: each writes what it shows to
//! the writer it is given, so the tour can run them in turn and the tests can
//! check their output.

pub mod ccbench;
pub mod cpu_work;
pub mod crawl;
pub mod echo_gen;
pub mod fanout;
pub mod generators;
pub mod iotest;
pub mod matrix;
pub mod resume_cost;
pub mod sleepers;
pub mod sumclient;
pub mod sumserver;
