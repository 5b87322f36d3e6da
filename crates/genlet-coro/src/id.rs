//! Generator ids: unique for the life of the process, so a yield handle can
//! never be mistaken for another generator's, even one that later reuses the
//! same memory.
//!
//! With `std`, each thread takes ids from a block reserved with one atomic add,
//! so a new id costs a thread-local increment. Without `std`, every id is one
//! atomic add.

use core::sync::atomic::{AtomicU64, Ordering};

/// The next unreserved block. Blocks are aligned to [`BLOCK`]; the first one
/// starts at `BLOCK`, so zero (which marks "not started") is never an id.
static NEXT: AtomicU64 = AtomicU64::new(BLOCK);

/// Ids reserved at once: one atomic add per `BLOCK` generators and thread.
#[cfg(feature = "std")]
const BLOCK: u64 = 1 << 16;
/// Without thread-locals every id is one atomic add.
#[cfg(not(feature = "std"))]
const BLOCK: u64 = 1;

/// Reserves a block of ids and returns its first.
///
/// # Panics
///
/// When the 64-bit id space is used up (after 2^64 generators: never in
/// practice, but checked so that ids cannot wrap around and repeat).
#[cold]
fn reserve() -> u64 {
    let first = NEXT.fetch_add(BLOCK, Ordering::Relaxed);
    assert!(
        first.checked_add(BLOCK).is_some(),
        "genlet-coro: generator ids exhausted"
    );
    first
}

/// A fresh, never-before-seen id.
#[cfg(feature = "std")]
#[inline]
pub(crate) fn next() -> u64 {
    use core::cell::Cell;

    std::thread_local! {
        /// The next id of this thread's block; a multiple of `BLOCK` when the
        /// block is used up (or none was taken yet).
        static NEXT_HERE: Cell<u64> = const { Cell::new(0) };
    }

    NEXT_HERE.with(|next| {
        let mut id = next.get();
        if id % BLOCK == 0 {
            id = reserve();
        }
        next.set(id + 1);
        id
    })
}

/// A fresh, never-before-seen id.
#[cfg(not(feature = "std"))]
#[inline]
pub(crate) fn next() -> u64 {
    reserve()
}
#[cfg(test)]
mod tests {
    use super::next;

    #[test]
    fn ids_are_unique_and_nonzero() {
        let a = next();
        let b = next();
        assert_ne!(a, 0);
        assert_ne!(a, b);
    }

    #[cfg(feature = "std")]
    #[test]
    fn ids_are_unique_across_threads() {
        let mine: std::vec::Vec<u64> = (0..10).map(|_| next()).collect();
        let theirs = std::thread::spawn(|| (0..10).map(|_| next()).collect::<std::vec::Vec<_>>())
            .join()
            .unwrap();
        assert!(mine.iter().all(|id| !theirs.contains(id)));
    }
}
