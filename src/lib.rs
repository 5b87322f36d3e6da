//! The genlet workspace's root package (not published): the demos behind
//! the top-level `examples/`, the cross-crate `tests/`, and the book's code
//! blocks, compiled as doctests.

pub mod demos;

/// The book's chapters, compiled as doctests so that every Rust code block in
/// `docs/src` runs under `cargo test`.
#[cfg(doctest)]
pub mod book {
    #[doc = include_str!("../docs/src/introduction.md")]
    pub mod introduction {}
    #[doc = include_str!("../docs/src/generators.md")]
    pub mod generators {}
    #[doc = include_str!("../docs/src/hub.md")]
    pub mod hub {}
    #[doc = include_str!("../docs/src/yieldable-threads.md")]
    pub mod yieldable_threads {}
    #[doc = include_str!("../docs/src/gevent-to-genlet.md")]
    pub mod gevent_to_genlet {}
    #[doc = include_str!("../docs/src/structured-concurrency.md")]
    pub mod structured_concurrency {}
}

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub mod readme {}
