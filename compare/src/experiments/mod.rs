//! The experiments, one file each, and what they share: where the programs
//! are and how much to run ([`Context`]), and reading a number out of a
//! program's JSON line. Each experiment adds its samples to
//! [`Results`](crate::results::Results).
//!
//! | file | experiment | seed |
//! |---|---|---|
//! | [`sleepers`] | Prog 1 and 2: N tasks sleeping 200 ms, wall time and bytes per task | 002 |
//! | [`resume`] | one resume round trip of a coroutine, generator or greenlet | none (seed 000's greenlets pay it per element) |
//! | [`matrix`] | sum of i*i: a loop, generators, one task per element | 000 |
//! | [`sumserver`] | the sum server: inline, exclusive and pool apply, 1 to 8 clients | 003 |
//! | [`udp_echo`] | UDP echo throughput beside K CPU spinners | 004 |

use std::io;
use std::path::PathBuf;

pub(crate) mod matrix;
pub(crate) mod resume;
pub(crate) mod sleepers;
pub(crate) mod sumserver;
pub(crate) mod udp_echo;

/// Where the programs are and how much to run.
pub(crate) struct Context {
    pub(crate) examples: PathBuf,
    pub(crate) scripts: PathBuf,
    pub(crate) python: Option<PathBuf>,
    pub(crate) reps: usize,
    pub(crate) quick: bool,
}

impl Context {
    pub(crate) fn example(&self, name: &str) -> PathBuf {
        self.examples.join(name)
    }

    pub(crate) fn script(&self, name: &str) -> String {
        self.scripts.join(name).display().to_string()
    }
}

/// The number under `key` in a program's JSON line.
pub(crate) fn number(value: &serde_json::Value, key: &str) -> io::Result<f64> {
    value[key]
        .as_f64()
        .ok_or_else(|| io::Error::other(format!("no number {key:?} in {value}")))
}
