//! What the examples and `compare` share to read their flags: every one
//! parses with clap, so `--help` prints the usage on stdout and exits 0, and a
//! bad flag prints the usage on stderr and exits 2. These are the value
//! parsers clap lacks.

use std::time::Duration;

/// A whole number that may have `_` separators: `1_000_000`.
pub fn number<T: std::str::FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    s.trim()
        .replace('_', "")
        .parse()
        .map_err(|e| format!("{e}"))
}

/// A positive number of megabytes, as bytes.
pub fn megabytes(s: &str) -> Result<usize, String> {
    match s.trim().parse::<f64>() {
        Ok(mb) if mb > 0.0 && mb.is_finite() => Ok((mb * 1e6) as usize),
        _ => Err(format!("{s:?} is not a positive number of megabytes")),
    }
}

/// A positive number of seconds under an hour.
pub fn seconds(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs < 3600.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!(
            "{s:?} is not a number of seconds above 0 and under 3600"
        )),
    }
}

/// A number of milliseconds.
pub fn millis(s: &str) -> Result<Duration, String> {
    number(s).map(Duration::from_millis)
}

/// A count of at least 1.
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match number(s)? {
        0 => Err("must be at least 1".into()),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(number::<u64>("1_000_000"), Ok(1_000_000));
        assert!(number::<u64>("ten").is_err());
        assert_eq!(megabytes("0.5"), Ok(500_000));
        assert!(megabytes("0").is_err());
        assert_eq!(seconds("0.25"), Ok(Duration::from_millis(250)));
        assert!(seconds("-1").is_err());
        assert_eq!(millis("50"), Ok(Duration::from_millis(50)));
        assert_eq!(at_least_one("3"), Ok(3));
        assert!(at_least_one("0").is_err());
    }
}
