//! `timethis`, seed 004's timing helper: prints `label : 0.123 seconds`.

use std::time::Instant;

/// Times `f` and prints `label : N.NNN seconds` on stdout (seed 004's
/// decorator form); returns what `f` returns.
///
/// # Examples
///
/// ```
/// let sum = genlet::timethis("sum to a million", || (1..=1_000_000u64).sum::<u64>());
/// assert_eq!(sum, 500_000_500_000);
/// ```
pub fn timethis<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let _timer = TimeThis::new(label);
    f()
}

/// Prints `label : N.NNN seconds` on stdout when dropped (seed 004's
/// `with timethis(...)` form); works across `.await`s too.
///
/// # Examples
///
/// ```
/// genlet::run(async {
///     let _t = genlet::TimeThis::new("a short nap");
///     genlet::sleep(std::time::Duration::from_millis(1)).await;
/// }); // prints "a short nap : 0.001 seconds"
/// ```
#[derive(Debug)]
#[must_use = "the timer prints when dropped: bind it to a variable"]
pub struct TimeThis {
    label: String,
    start: Instant,
}

impl TimeThis {
    /// Starts timing.
    ///
    /// # Examples
    ///
    /// See [`TimeThis`].
    pub fn new(label: impl Into<String>) -> Self {
        TimeThis {
            label: label.into(),
            start: Instant::now(),
        }
    }

    /// The line it will print, so far.
    ///
    /// # Examples
    ///
    /// ```
    /// let t = genlet::TimeThis::new("work");
    /// assert!(t.line().starts_with("work : 0.0"));
    /// assert!(t.line().ends_with(" seconds"));
    /// # std::mem::forget(t);
    /// ```
    pub fn line(&self) -> String {
        format!(
            "{} : {:.3} seconds",
            self.label,
            self.start.elapsed().as_secs_f64()
        )
    }
}

impl Drop for TimeThis {
    fn drop(&mut self) {
        println!("{}", self.line());
    }
}
