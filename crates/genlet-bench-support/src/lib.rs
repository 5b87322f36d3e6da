//! What genlet's benchmarks share, in one unpublished crate instead of files
//! `#[path]`-included across crates: [`body`], the body every resume
//! measurement runs (the criterion bench, the nightly bench, the tour and
//! `just compare`), and [`ratios`], the tables of medians with ratios that
//! each crate's bench prints after criterion's own output.

#![forbid(unsafe_code)]

pub mod body;
pub mod ratios;
