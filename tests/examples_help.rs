//! Every example takes `--help`: it prints its usage on stdout and exits 0,
//! and a flag it does not know prints the usage on stderr and exits 2.
//!
//! The examples are the files in `examples/`. `cargo test` builds them
//! beside this test (`target/<profile>/examples/`); when they are not there
//! (`cargo test --test examples_help` builds only this test), the test builds
//! them first with the same profile.

mod common;

use std::process::Command;

use common::{example_dir, examples};

#[test]
fn every_example_prints_usage_on_stdout_for_help() {
    let names = examples();
    let dir = example_dir(&names);
    for name in &names {
        let out = Command::new(dir.join(name))
            .arg("--help")
            .output()
            .unwrap_or_else(|e| panic!("{name} --help: {e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{name} --help: {}", out.status);
        assert!(
            stdout.contains(&format!("Usage: {name}")),
            "{name} --help printed no usage on stdout:\n{stdout}"
        );
    }
}

#[test]
fn every_example_rejects_an_unknown_flag_with_usage_on_stderr() {
    let names = examples();
    let dir = example_dir(&names);
    for name in &names {
        let out = Command::new(dir.join(name))
            .arg("--no-such-flag")
            .output()
            .unwrap_or_else(|e| panic!("{name} --no-such-flag: {e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name} --no-such-flag: {}",
            out.status
        );
        assert!(
            stderr.contains(&format!("Usage: {name}")),
            "{name} --no-such-flag printed no usage on stderr:\n{stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "{name} --no-such-flag wrote to stdout"
        );
    }
}
