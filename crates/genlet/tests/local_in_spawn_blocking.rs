//! A `spawn_blocking` job runs as its greenlet: `current()` is the
//! greenlet, and `Local`s are the greenlet's, so a fresh greenlet starts
//! with none (whichever pool thread ran an earlier one) and its values are
//! dropped when it ends, not kept by the pool thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

static SEEN: genlet::Local<Counted> = genlet::Local::new();

/// Counts its drops.
struct Counted(u32, Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn blocking_jobs_see_their_own_greenlets_locals() {
    let dropped = Arc::new(AtomicUsize::new(0));
    genlet::run(async {
        for round in 0..200u32 {
            let counter = dropped.clone();
            let g = genlet::task().name("blocking").spawn_blocking(move || {
                let name = genlet::current().map(|c| c.name().to_owned());
                let before = SEEN.with(|v| v.map(|v| v.0));
                SEEN.set(Counted(round, counter));
                (name, before, SEEN.with(|v| v.map(|v| v.0)))
            });
            let (name, before, after) = g.join().await.unwrap();
            assert_eq!(name.as_deref(), Some("blocking"), "round {round}");
            assert_eq!(
                before, None,
                "round {round}: saw an earlier greenlet's value"
            );
            assert_eq!(after, Some(round), "round {round}");
            assert_eq!(
                dropped.load(Ordering::SeqCst),
                round as usize + 1,
                "round {round}: its value outlived it"
            );
        }
    });
    // The thread in `run` saw none of them.
    assert!(SEEN.with(|v| v.is_none()));
}
