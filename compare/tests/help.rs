//! `genlet-compare --help` prints its usage on stdout and exits 0; a flag it
//! does not know prints the usage on stderr and exits 2 (and runs nothing).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_genlet-compare");

#[test]
fn help_prints_usage_on_stdout() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Usage: genlet-compare"), "{stdout}");
    assert!(stdout.contains("--update-book"), "{stdout}");
}

#[test]
fn an_unknown_flag_prints_usage_on_stderr() {
    let out = Command::new(BIN).arg("--no-such-flag").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: genlet-compare"));
    assert!(out.stdout.is_empty());
}
