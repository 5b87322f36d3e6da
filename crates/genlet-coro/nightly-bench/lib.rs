//! Nothing here: see `benches/native.rs`.
