//! Every example takes `--help`: it prints its usage on stdout and exits 0,
//! and a flag it does not know prints the usage on stderr and exits 2.
//!
//! The examples are the files in `examples/`. `cargo test` builds them
//! beside this test (`target/<profile>/examples/`); when they are not there
//! (`cargo test --test examples_help` builds only this test), the test builds
//! them first with the same profile.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The example names: one per file in `examples/`.
fn examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no examples in {}", dir.display());
    names
}

/// `target/<profile>/`: the parent of `deps/`, where this test runs from.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let deps = exe.parent().expect("deps/");
    deps.parent().expect("target/<profile>/").to_path_buf()
}

/// The built examples, building them if any is missing.
fn example_dir(names: &[String]) -> PathBuf {
    let profile = profile_dir();
    let dir = profile.join("examples");
    let missing = |dir: &Path| names.iter().any(|n| !dir.join(n).exists());
    if missing(&dir) {
        let name = profile
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("debug");
        let cargo_profile = if name == "debug" { "dev" } else { name };
        let target = profile.parent().expect("target/");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--examples", "--profile", cargo_profile])
            .arg("--target-dir")
            .arg(target)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo build --examples");
        assert!(status.success(), "cargo build --examples failed");
        assert!(
            !missing(&dir),
            "examples still missing in {}",
            dir.display()
        );
    }
    dir
}

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
