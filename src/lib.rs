//! The genlet workspace's root package (not published): the demos behind
//! the top-level `examples/`, the cross-crate `tests/`, and the book's code
//! blocks, compiled as doctests.

#![forbid(unsafe_code)]

pub mod demos;

/// The book's chapters, compiled as doctests so that every Rust code block in
/// `docs/src` runs under `cargo test`.
#[cfg(doctest)]
pub mod book {
    #[doc = include_str!("../docs/src/introduction.md")]
    pub mod introduction {}
    #[doc = include_str!("../docs/src/getting-started.md")]
    pub mod getting_started {}
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
    #[doc = include_str!("../docs/src/production.md")]
    pub mod production {}
    #[doc = include_str!("../docs/src/seeds/README.md")]
    pub mod seeds {}
    #[doc = include_str!("../docs/src/seeds/000-matrix.md")]
    pub mod seed_000 {}
    #[doc = include_str!("../docs/src/seeds/001-fanout.md")]
    pub mod seed_001 {}
    #[doc = include_str!("../docs/src/seeds/002-greenlets.md")]
    pub mod seed_002 {}
    #[doc = include_str!("../docs/src/seeds/003-yieldable-threads.md")]
    pub mod seed_003 {}
    #[doc = include_str!("../docs/src/seeds/004-convoy.md")]
    pub mod seed_004 {}
    #[doc = include_str!("../docs/src/performance.md")]
    pub mod performance {}
    #[doc = include_str!("../docs/src/faq.md")]
    pub mod faq {}
}

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub mod readme {}
