//! The generators walkthrough (`examples/generators.rs`) runs and prints what
//! the book says it prints.

#[test]
fn generators_walkthrough_prints_each_step() {
    let mut out = Vec::new();
    genlet_workspace::demos::generators::run(&mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    for line in [
        "send(20) -> mean 15",
        "send(NaN) -> returned after 3 samples",
        "throw(\"bad input\") -> Ok(Yielded(5))",
        "send(7) -> Yielded(12)",
        "throw(\"uncaught\") -> Err(\"uncaught\")",
        "close() -> Ok(Some(1))",
        "close() again -> Ok(None)",
        "close() on a stubborn body -> Err(IgnoredClose(\"still working\"))",
        "leaves [\"a\", \"b\", \"c\", \"d\"], size Some(4)",
        "first primes [2, 3, 5, 7, 11, 13, 17, 19]",
        "stream collected [1, 2, 3]",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "missing {line:?} in:\n{out}"
        );
    }
}

#[test]
fn resume_cost_table_has_every_row() {
    let mut out = Vec::new();
    genlet_workspace::demos::resume_cost::run(&mut out, 1_000).unwrap();
    let out = String::from_utf8(out).unwrap();
    for row in [
        "hand-written state machine",
        "genlet-coro, pinned on the stack",
        "genlet-coro, Pin<Box<dyn ..>>",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(row)),
            "missing {row:?} in:\n{out}"
        );
    }
}
