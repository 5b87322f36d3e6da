//! Reads the medians criterion just wrote (`target/criterion/<group>/<bench>/
//! new/estimates.json`) and prints each group as a table with ratios to a
//! baseline row, so peers are compared within one run.

use std::path::{Path, PathBuf};

/// Criterion's directory name for a group or benchmark id.
fn dir_name(id: &str) -> String {
    id.chars()
        .map(|c| match c {
            '/' | '\\' | '?' | '"' | '<' | '>' | '|' | '*' | ':' => '_',
            c => c,
        })
        .collect()
}

/// Where criterion writes: `$CRITERION_HOME`, else `criterion/` in the
/// target directory (`$CARGO_TARGET_DIR`, else what `cargo metadata` says),
/// the same rule criterion follows.
fn criterion_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRITERION_HOME") {
        return dir.into();
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Path::new(&dir).join("criterion");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let metadata = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .unwrap_or_default();
    let key = "\"target_directory\":\"";
    let target = metadata
        .find(key)
        .and_then(|at| {
            let rest = &metadata[at + key.len()..];
            Some(rest[..rest.find('"')?].to_string())
        })
        .unwrap_or_else(|| "target".into());
    Path::new(&target).join("criterion")
}

/// The median point estimate in nanoseconds, from criterion's JSON.
fn median_ns(estimates: &str) -> Option<f64> {
    let at = estimates.find("\"median\"")?;
    let rest = &estimates[at..];
    let at = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let rest = rest[at..].trim_start();
    let end = rest.find([',', '}'])?;
    rest[..end].trim().parse().ok()
}

/// Prints one table per `(group, baseline)`: every benchmark of the group
/// with its median and its ratio to the baseline's.
pub fn print(groups: &[(&str, &str)]) {
    let root = criterion_dir();
    for (group, baseline) in groups {
        let dir = root.join(dir_name(group));
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut rows: Vec<(String, f64)> = entries
            .filter_map(|e| {
                let e = e.ok()?;
                let json = std::fs::read_to_string(e.path().join("new/estimates.json")).ok()?;
                let bench = std::fs::read_to_string(e.path().join("new/benchmark.json")).ok();
                let name = bench
                    .as_deref()
                    .and_then(|b| {
                        let at = b.find("\"function_id\":\"")? + "\"function_id\":\"".len();
                        Some(b[at..at + b[at..].find('"')?].to_string())
                    })
                    .unwrap_or_else(|| e.file_name().to_string_lossy().into_owned());
                Some((name, median_ns(&json)?))
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| a.1.total_cmp(&b.1));
        let base = rows.iter().find(|(n, _)| n == baseline).map(|r| r.1);
        println!("\n{group} (median of criterion's samples; ratio = time / {baseline})");
        println!("{:<40} {:>12} {:>9}", "implementation", "ns", "ratio");
        for (name, ns) in &rows {
            let ratio = base.map_or_else(|| "-".into(), |b| format!("{:.2}x", ns / b));
            println!("{name:<40} {ns:>12.3} {ratio:>9}");
        }
    }
}
