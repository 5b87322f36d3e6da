# genlet's recipes. `just` installs with `pip install rust-just`; `just setup`
# installs the rest. Every demo recipe runs a release build.

# List the recipes.
default:
    @just --list

# Install the tools the recipes need beyond Rust: just (PyPI), mdBook, Go (apt-get, for compare's Go peers); `compare` makes its own Python venv.
setup:
    pip install rust-just
    cargo install mdbook --locked
    python3 -c "import venv" || echo "compare needs python3 with the venv module"
    go version || apt-get install -y golang-go || echo "no Go: compare and sleepers --runtime go leave Go out"


# A short run of every demo, each printing its table (under a minute).
tour:
    cargo run --release --example tour

# Seed 000: the sum of i*i for i < N as a loop, one generator and one hub task per element.
matrix n="10,100,1000,10000,100000":
    cargo run --release --example matrix -- --n {{n}}

# genlet-coro's generators: send, throw, close, yield_from, iterators.
generators:
    cargo run --release --example generators

# Seed 001: seven lookups, one after another then spawned and joined (--fail N fails one).
fanout *flags="":
    cargo run --release --example fanout -- {{flags}}

# Seed 002, Prog 1 and 2: N tasks each sleeping 200 ms on a runtime (genlet, smol, tokio, tokio-mt, threads, go).
sleepers tasks="1000000" runtime="genlet":
    cargo run --release --example sleepers -- --tasks {{tasks}} --runtime {{runtime}}

# Seed 002: an echo server written as generator tasks, on the hub and on the deterministic driver.
echo-gen clients="3":
    cargo run --release --example echo_gen -- --clients {{clients}}

# Seed 002's crawler: N pages from a local HTTP server (hyper) through a pool of greenlets.
crawl urls="20" pool="5":
    cargo run --release --example crawl -- --urls {{urls}} --pool {{pool}}

# HTTP/1.1 with keep-alive through hyper on a StreamServer until Ctrl-C (try `curl localhost:PORT/greenlet`).
http-hello port="8080":
    cargo run --release --example http_hello -- --port {{port}}

# Seed 003's sum server with an apply policy (inline, exclusive or pool); prints its port.
sumserver apply="pool" *flags="":
    cargo run --release --example sumserver -- --apply {{apply}} {{flags}}

# Seed 003's client: 1000 requests from 1, 2, 4, 8 threads against an in-process server.
sumclient apply="pool" *flags="":
    cargo run --release --example sumclient -- --apply {{apply}} {{flags}}

# Seed 004: UDP echo beside K CPU spinners, one mode (inline, priority, offload); `just iotest-table` for all.
iotest spinners="2" cpu="inline":
    cargo run --release --example iotest -- --spinners {{spinners}} --cpu {{cpu}}

# Seed 004: the whole convoy table, K = 0..4 and every mode.
iotest-table mb="10":
    cargo run --release --example iotest -- --mb {{mb}}

# Seed 004's echo client, against `cargo run --release --example iotest -- --serve`.
echoclient port mb="10":
    cargo run --release --example echoclient -- --port {{port}} --mb {{mb}}

# Seed 004's ccbench: CPU throughput on the pool, and ping latency beside CPU tasks.
ccbench seconds="0.5":
    cargo run --release --example ccbench -- --seconds {{seconds}}

# genlet beside gevent, greenlet, Python threads, OS threads, smol and tokio, in one run, with plots, into target/compare/ (--quick: under 3 minutes; --update-book: refresh the book's page too).
compare *flags="":
    cargo run --release -p genlet-compare -- {{flags}}

# 64-byte echo on 1 to 1000 connections: genlet, smol, tokio, gevent and Go servers under one load generator, two core splits (--quick: about 2 minutes; --depth 16: pipelined; --diagnose: genlet without timeouts, on a hub without worker threads, a plain spawn loop).
netload *flags="":
    cargo run --release -p genlet-compare --bin netload -- {{flags}}

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

# Run the book's code blocks: they are doctests of the root package (mdBook cannot test them).
book-test:
    cargo test -p genlet-workspace --doc book::

# Build the book into docs/book (needs mdBook: `just setup`).
book:
    mdbook build docs

# Serve the book at http://localhost:3000, rebuilding on change.
serve-book:
    mdbook serve docs --open

# Run exactly what CI runs.
ci:
    bash .ci/run
