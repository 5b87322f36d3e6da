//! Generator ids: unique for the life of the process, so a yield handle can
//! never be mistaken for another generator's, even one that later reuses the
//! same memory.
//!
//! Ids are handed out in blocks of [`BLOCK`]. With `std`, each thread takes
//! ids from its own block, reserved with one atomic add, so a new id costs a
//! thread-local increment. Without `std`, a block is one id and every id is
//! one atomic operation.
//!
//! # Targets without 64-bit atomics
//!
//! Where `AtomicU64` is missing (Cortex-M, 32-bit RISC-V, some 32-bit MIPS and
//! PowerPC), the blocks are counted by an `AtomicU32` instead: that is
//! 2^32 - 2 blocks, so 2^48 ids with `std` (never exhausted in practice) and
//! 4 294 967 294 generators without it. Once they are used up, every later
//! first resume of a new generator panics ("generator ids exhausted") and the
//! counter stays where it is: an id is never handed out twice, since that
//! could let a stale yield handle reach another generator's slot.
//!
//! Targets without atomic compare-and-swap at all (`thumbv6m-none-eabi`,
//! `riscv32i`) are refused at compile time: the id counter and the `no_std`
//! owner check of [`slot`](crate::slot) both need it.

#[cfg(not(any(target_has_atomic = "64", target_has_atomic = "32")))]
compile_error!(
    "genlet-coro needs atomic compare-and-swap on 32- or 64-bit integers \
     (`target_has_atomic = \"32\"`), which this target does not have"
);

/// Ids reserved at once: one atomic add per `BLOCK` generators and thread.
#[cfg(feature = "std")]
const BLOCK: u64 = 1 << 16;
/// Without thread-locals every id is one atomic add.
#[cfg(not(feature = "std"))]
const BLOCK: u64 = 1;

/// Reserves a block of ids and returns its first. Blocks are aligned to
/// [`BLOCK`]; the first one starts at `BLOCK`, so zero (which marks "not
/// started") is never an id.
///
/// # Panics
///
/// When the id space is used up (after 2^64 ids: never in practice, but
/// checked so that ids cannot wrap around and repeat).
#[cfg(target_has_atomic = "64")]
#[cold]
fn reserve() -> u64 {
    use core::sync::atomic::{AtomicU64, Ordering};

    /// The next unreserved block's first id.
    static NEXT: AtomicU64 = AtomicU64::new(BLOCK);

    let first = NEXT.fetch_add(BLOCK, Ordering::Relaxed);
    if first.checked_add(BLOCK).is_none() {
        exhausted();
    }
    first
}

/// Reserves a block of ids and returns its first, on targets whose widest
/// atomic is 32 bits: the atomic counts blocks, not ids.
///
/// # Panics
///
/// When the 2^32 - 2 blocks are used up; and on every call after that.
#[cfg(not(target_has_atomic = "64"))]
#[cold]
fn reserve() -> u64 {
    use core::sync::atomic::AtomicU32;

    /// The next unreserved block.
    static BLOCKS: AtomicU32 = AtomicU32::new(1);

    match take_block(&BLOCKS) {
        Some(block) => u64::from(block) * BLOCK,
        None => exhausted(),
    }
}

/// Takes the next block from `blocks`, or `None` when the counter is at
/// `u32::MAX`: then it is left there, so that no block is ever taken twice.
#[cfg(any(test, not(target_has_atomic = "64")))]
fn take_block(blocks: &core::sync::atomic::AtomicU32) -> Option<u32> {
    use core::sync::atomic::Ordering;

    blocks
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_add(1))
        .ok()
}

#[cold]
#[inline(never)]
fn exhausted() -> ! {
    panic!("genlet-coro: generator ids exhausted")
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
    use core::sync::atomic::{AtomicU32, Ordering};

    use super::{next, take_block};

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

    #[test]
    fn a_32_bit_block_counter_hands_out_each_block_once_then_stops() {
        let blocks = AtomicU32::new(1);
        assert_eq!(take_block(&blocks), Some(1));
        assert_eq!(take_block(&blocks), Some(2));

        let blocks = AtomicU32::new(u32::MAX - 1);
        assert_eq!(take_block(&blocks), Some(u32::MAX - 1));
        assert_eq!(take_block(&blocks), None);
        assert_eq!(take_block(&blocks), None);
        // Exhausted for good: it never wraps around to blocks already taken.
        assert_eq!(blocks.load(Ordering::Relaxed), u32::MAX);
    }
}
