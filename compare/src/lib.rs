//! The parts of `just compare` that more than one of its programs use: the
//! network-load experiment, run by the harness (`src/main.rs`) and on its
//! own (`src/bin/netload.rs`).

pub mod netload;
