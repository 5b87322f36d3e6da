//! The CPU work of seed 004's experiments, as in Antoine Pitrou's ccbench:
//! pi digits with big integers, regular-expression matching, and
//! compression; and a loop that spins on pi digits for a while.

use std::hint::black_box;
use std::time::{Duration, Instant};

use num_bigint::BigInt;

/// The first `n` decimal digits of pi, by the spigot of the post's
/// `task_pidigits` (the shootout's algorithm, on big integers).
///
/// # Examples
///
/// ```
/// assert_eq!(genlet_workspace::demos::cpu_work::pi_digits(5), [3, 1, 4, 1, 5]);
/// ```
pub fn pi_digits(n: usize) -> Vec<u8> {
    let (mut q, mut r, mut s, mut t) = (
        BigInt::from(1),
        BigInt::from(0),
        BigInt::from(0),
        BigInt::from(1),
    );
    let mut k: i64 = 0;
    let extract = |q: &BigInt, r: &BigInt, s: &BigInt, t: &BigInt, j: i64| -> BigInt {
        (q * j + r) / (s * j + t)
    };
    let mut digits = Vec::with_capacity(n);
    while digits.len() < n {
        let mut y = extract(&q, &r, &s, &t, 3);
        while y != extract(&q, &r, &s, &t, 4) {
            k += 1;
            // compose((q, r, s, t), (k, 4k + 2, 0, 2k + 1))
            let (bq, br, bt) = (
                BigInt::from(k),
                BigInt::from(4 * k + 2),
                BigInt::from(2 * k + 1),
            );
            let nq = &q * &bq;
            let nr = &q * &br + &r * &bt;
            let ns = &s * &bq;
            let nt = &s * &br + &t * &bt;
            (q, r, s, t) = (nq, nr, ns, nt);
            y = extract(&q, &r, &s, &t, 3);
        }
        // compose((10, -10y, 0, 1), (q, r, s, t))
        let ten_y = &y * -10;
        let nq = &q * 10 + &ten_y * &s;
        let nr = &r * 10 + &ten_y * &t;
        (q, r) = (nq, nr);
        digits.push(u8::try_from(&y).unwrap_or(0));
    }
    digits
}

/// Computes 50 pi digits over and over until `slice` has passed (the
/// post's `spin()`, cut into slices); returns how many rounds ran.
pub fn spin_for(slice: Duration) -> u64 {
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < slice {
        black_box(pi_digits(black_box(50)));
        rounds += 1;
    }
    rounds
}

/// ccbench's regular-expression task: a fixed text scanned for a pattern.
pub fn regex_round(re: &regex::Regex, text: &str) -> usize {
    re.find_iter(black_box(text)).count()
}

/// The text and pattern for [`regex_round`].
pub fn regex_fixture() -> (regex::Regex, String) {
    let text = "In the beginning was the Word, and the Word was with God. \
                The quick brown fox jumps over the lazy dog 42 times. "
        .repeat(40);
    let re = regex::Regex::new(r"\b[A-Z][a-z]+\b|\d+").expect("a valid pattern");
    (re, text)
}

/// ccbench's compression task (bz2 there; deflate here): compresses a
/// fixed buffer.
pub fn compress_round(data: &[u8]) -> usize {
    use std::io::Write;
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(black_box(data))
        .expect("writing to a Vec");
    encoder.finish().expect("finishing into a Vec").len()
}

/// The buffer for [`compress_round`]: 64 KiB of text-like bytes.
pub fn compress_fixture() -> Vec<u8> {
    (0..65_536u32)
        .map(|i| b"genlet spins greenlets "[(i as usize * 7 + (i as usize >> 5)) % 23])
        .collect()
}
