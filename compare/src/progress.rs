//! Progress lines on stderr: where an experiment is and about how long it
//! has left, from the time its finished steps took.

use std::time::{Duration, Instant};

/// One experiment's progress: its steps, each with a weight for how long it
/// is expected to take relative to the others.
pub(crate) struct Progress {
    name: &'static str,
    start: Instant,
    done: f64,
    total: f64,
    steps: usize,
    count: usize,
}

impl Progress {
    /// Starts `name`, whose steps weigh `total` in all.
    pub(crate) fn new(name: &'static str, count: usize, total: f64) -> Self {
        eprintln!("compare: {name}: {count} steps");
        Progress {
            name,
            start: Instant::now(),
            done: 0.0,
            total: total.max(f64::MIN_POSITIVE),
            steps: 0,
            count,
        }
    }

    /// Starts `name`, whose `count` steps weigh the same.
    pub(crate) fn even(name: &'static str, count: usize) -> Self {
        Self::new(name, count, count as f64)
    }

    /// One step of `weight` done, at `setting`: prints how far the
    /// experiment is and the time left, estimated from the time so far.
    pub(crate) fn step(&mut self, setting: &str, weight: f64) {
        self.done += weight;
        self.steps += 1;
        let elapsed = self.start.elapsed();
        let left = elapsed.as_secs_f64() * (self.total - self.done).max(0.0) / self.done;
        eprintln!(
            "compare: {} {}/{} ({setting}): {} so far, about {} left",
            self.name,
            self.steps,
            self.count,
            human(elapsed),
            human(Duration::from_secs_f64(left))
        );
    }
}

/// `42 s`, `3 min 05 s`.
fn human(d: Duration) -> String {
    let s = d.as_secs_f64().round() as u64;
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {:02} s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::human;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(human(Duration::from_millis(400)), "0 s");
        assert_eq!(human(Duration::from_secs(42)), "42 s");
        assert_eq!(human(Duration::from_secs(185)), "3 min 05 s");
    }
}
