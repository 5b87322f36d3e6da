# genlet's recipes. `just` installs with `pip install rust-just`.

# List the recipes.
default:
    @just --list

# Run every test: unit, behaviour, doc and book tests of the whole workspace.
test:
    cargo test --workspace

# Run genlet-coro's tests under Miri (needs nightly with miri and rust-src).
miri:
    cargo +nightly miri test -p genlet-coro

# Run the criterion benchmarks (each crate beside its peers, ratios at the end).
bench:
    cargo bench -p genlet-coro --bench resume
    cargo bench -p genlet-reactor --bench hub
    cargo bench -p genlet-ythread --bench handoff
    cargo bench -p genlet --bench facade

# Benchmark genlet-coro beside native nightly coroutines in one run (nightly only).
bench-nightly:
    cargo +nightly bench --manifest-path crates/genlet-coro/nightly-bench/Cargo.toml --bench native

# Build the API docs of every crate, warnings as errors.
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

# Build the book into docs/book (needs `cargo install mdbook --locked`).
book:
    mdbook build docs

# Run exactly what CI runs.
ci:
    bash .ci/run

# Seed 003's sum server with an apply policy (inline, exclusive or pool); prints its port.
sumserver apply="pool" *flags="":
    cargo run --release --example sumserver -- --apply {{apply}} {{flags}}

# Seed 003's client: 1000 requests from 1, 2, 4, 8 threads against an in-process server.
sumclient apply="pool" *flags="":
    cargo run --release --example sumclient -- --apply {{apply}} {{flags}}

# Seed 001's fan-out: seven lookups, one after another then spawned and joined (--fail N fails one).
fanout *flags="":
    cargo run --release --example fanout -- {{flags}}

# Seed 002's crawler: N pages from a local HTTP server through a pool of greenlets.
crawl urls="20" pool="5":
    cargo run --release --example crawl -- --urls {{urls}} --pool {{pool}}
