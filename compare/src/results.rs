//! What a run measured, shared by every experiment: a [`Cell`] per
//! experiment, metric, setting and system holds its samples (one per
//! repetition; median, min and max come from them), and [`Results`] turns
//! the cells into the tables, the goals and `results.json`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One measured quantity for one system at one setting, over repetitions.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub(crate) experiment: String,
    pub(crate) metric: String,
    pub(crate) unit: String,
    pub(crate) setting: String,
    /// The setting as a number, for plots (N, clients, K…).
    pub(crate) x: f64,
    pub(crate) system: String,
    pub(crate) samples: Vec<f64>,
}

impl Cell {
    pub(crate) fn median(&self) -> f64 {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        match s.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => s[n / 2],
            n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
        }
    }

    pub(crate) fn min(&self) -> f64 {
        self.samples.iter().copied().fold(f64::INFINITY, f64::min)
    }

    pub(crate) fn max(&self) -> f64 {
        self.samples
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// Everything one run measured.
pub(crate) struct Results {
    pub(crate) machine: String,
    pub(crate) date: String,
    pub(crate) quick: bool,
    pub(crate) reps: usize,
    pub(crate) cells: Vec<Cell>,
}

/// The system each experiment's ratios are taken against.
pub(crate) fn baseline(experiment: &str) -> &'static str {
    match experiment {
        "resume" => "genlet-coro, stack-pinned",
        "matrix" => "genlet generators",
        "sumserver" => "genlet (same policy)",
        "udp echo" => "genlet priority",
        _ => "genlet",
    }
}

impl Results {
    pub(crate) fn new(machine: String, date: String, quick: bool, reps: usize) -> Self {
        Results {
            machine,
            date,
            quick,
            reps,
            cells: Vec::new(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add(
        &mut self,
        experiment: &str,
        metric: &str,
        unit: &str,
        setting: &str,
        x: f64,
        system: &str,
        value: f64,
    ) {
        match self.cells.iter_mut().find(|c| {
            c.experiment == experiment
                && c.metric == metric
                && c.setting == setting
                && c.system == system
        }) {
            Some(cell) => cell.samples.push(value),
            None => self.cells.push(Cell {
                experiment: experiment.to_string(),
                metric: metric.to_string(),
                unit: unit.to_string(),
                setting: setting.to_string(),
                x,
                system: system.to_string(),
                samples: vec![value],
            }),
        }
    }

    /// The cell of `system` for `experiment`/`metric` at `setting`.
    pub(crate) fn find(
        &self,
        experiment: &str,
        metric: &str,
        setting: &str,
        system: &str,
    ) -> Option<&Cell> {
        self.cells.iter().find(|c| {
            c.experiment == experiment
                && c.metric == metric
                && c.setting == setting
                && c.system == system
        })
    }

    /// A table per experiment and metric: per setting, each system's median,
    /// min to max, and genlet's median over the system's.
    pub(crate) fn tables(&self) -> String {
        let mut out = String::new();
        let mut groups: BTreeMap<(usize, &str, &str), Vec<&Cell>> = BTreeMap::new();
        for (i, cell) in self.cells.iter().enumerate() {
            let first = self
                .cells
                .iter()
                .position(|c| c.experiment == cell.experiment && c.metric == cell.metric)
                .unwrap_or(i);
            groups
                .entry((first, &cell.experiment, &cell.metric))
                .or_default()
                .push(cell);
        }
        for ((_, experiment, metric), cells) in groups {
            let unit = &cells[0].unit;
            let base = baseline(experiment);
            let _ = writeln!(
                out,
                "\n== {experiment}: {metric} ({unit}); ratio = {base} / system"
            );
            let _ = writeln!(
                out,
                "{:<14} {:<30} {:>12} {:>25} {:>8}",
                "setting", "system", "median", "min to max", "ratio"
            );
            for cell in cells {
                let base_cell = self
                    .find(experiment, metric, &cell.setting, base)
                    .or_else(|| {
                        // Sum server: genlet's server with the setting's policy.
                        self.cells.iter().find(|c| {
                            c.experiment == experiment
                                && c.metric == metric
                                && c.setting == cell.setting
                                && c.system.starts_with("genlet")
                        })
                    });
                let ratio = base_cell.map(|b| b.median() / cell.median());
                let _ = writeln!(
                    out,
                    "{:<20} {:<26} {:>10} {:>22} {:>9}",
                    cell.setting,
                    cell.system,
                    fmt(cell.median()),
                    format!("{} to {}", fmt(cell.min()), fmt(cell.max())),
                    ratio.map_or_else(|| "-".into(), |r| format!("{r:.3}x")),
                );
            }
        }
        out
    }

    /// The goals the issue set, against this run's medians.
    pub(crate) fn goals(&self) -> String {
        let mut out = String::from("\n== goals (same run)\n");
        let median =
            |e: &str, m: &str, s: &str, sys: &str| self.find(e, m, s, sys).map(Cell::median);
        let mut goal = |name: &str, have: Option<f64>, want: f64| {
            let line = match have {
                Some(v) => format!(
                    "{name}: {v:.2}x (goal {want}x) {}",
                    if v >= want { "met" } else { "MISSED" }
                ),
                None => format!("{name}: not measured in this run"),
            };
            let _ = writeln!(out, "{line}");
        };
        // Peer's median over genlet's: how many times better genlet is.
        let n = "N=100000";
        let goals: [(&str, [&str; 5], f64); 5] = [
            (
                "Prog 1 at 100k: gevent wall / genlet wall",
                ["sleepers", "wall", n, "gevent", "genlet"],
                10.0,
            ),
            (
                "Prog 1 at 100k: smol wall / genlet wall",
                ["sleepers", "wall", n, "smol", "genlet"],
                1.1,
            ),
            (
                "Prog 2 at 100k: gevent bytes / genlet bytes",
                ["sleepers", "memory", n, "gevent", "genlet"],
                40.0,
            ),
            (
                "Prog 2 at 100k: smol bytes / genlet bytes",
                ["sleepers", "memory", n, "smol", "genlet"],
                1.0,
            ),
            (
                "resume: greenlet switch / genlet-coro",
                [
                    "resume",
                    "round trip",
                    "1 resume",
                    "greenlet switch",
                    "genlet-coro, stack-pinned",
                ],
                20.0,
            ),
        ];
        for (name, [e, m, s, peer, ours], want) in goals {
            let have = median(e, m, s, peer)
                .zip(median(e, m, s, ours))
                .map(|(a, b)| a / b);
            goal(name, have, want);
        }
        let pool = self
            .cells
            .iter()
            .filter(|c| c.experiment == "sumserver" && c.system == "genlet pool")
            .map(|c| {
                let py = self
                    .find("sumserver", &c.metric, &c.setting, "python pool")
                    .map(Cell::median);
                py.map(|p| p / c.median())
            })
            .collect::<Option<Vec<f64>>>()
            .and_then(|v| v.into_iter().reduce(f64::min));
        goal(
            "sumserver pool: python pool time / genlet pool time (worst setting)",
            pool,
            3.0,
        );
        out
    }

    /// A run read back from the `results.json` that [`Results::to_json`]
    /// wrote (the plots' tests draw a stored run).
    #[cfg(test)]
    pub(crate) fn from_json(text: &str) -> Result<Results, String> {
        let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let text_of = |v: &serde_json::Value, key: &str| {
            v[key]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("no string {key:?} in {v}"))
        };
        let mut results = Results::new(
            text_of(&doc, "machine")?,
            text_of(&doc, "date")?,
            doc["quick"].as_bool().unwrap_or(false),
            doc["repetitions"].as_u64().unwrap_or(1) as usize,
        );
        for cell in doc["cells"].as_array().ok_or("no cells")? {
            let samples = cell["samples"]
                .as_array()
                .ok_or_else(|| format!("no samples in {cell}"))?
                .iter()
                .map(|s| {
                    s.as_f64()
                        .ok_or_else(|| format!("a sample not a number in {cell}"))
                })
                .collect::<Result<Vec<f64>, String>>()?;
            results.cells.push(Cell {
                experiment: text_of(cell, "experiment")?,
                metric: text_of(cell, "metric")?,
                unit: text_of(cell, "unit")?,
                setting: text_of(cell, "setting")?,
                x: cell["x"]
                    .as_f64()
                    .ok_or_else(|| format!("no x in {cell}"))?,
                system: text_of(cell, "system")?,
                samples,
            });
        }
        Ok(results)
    }

    pub(crate) fn to_json(&self) -> String {
        let cells: Vec<serde_json::Value> = self
            .cells
            .iter()
            .map(|c| {
                serde_json::json!({
                    "experiment": c.experiment, "metric": c.metric, "unit": c.unit,
                    "setting": c.setting, "x": c.x, "system": c.system,
                    "samples": c.samples, "median": c.median(),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "machine": self.machine, "date": self.date, "quick": self.quick,
            "repetitions": self.reps, "cells": cells,
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }
}

fn fmt(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v >= 1000.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}
