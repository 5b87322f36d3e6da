//! Shared by the top-level tests that run the example binaries: where they
//! are, built if missing.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The example names: one per file in `examples/`.
pub fn examples() -> Vec<String> {
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
pub fn example_dir(names: &[String]) -> PathBuf {
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
