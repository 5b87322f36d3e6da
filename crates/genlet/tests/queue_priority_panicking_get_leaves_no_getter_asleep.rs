//! A get whose reordering panics (the items' `Ord` panicked) takes nothing
//! out and leaves no other get asleep beside an item: with more getters
//! than items, arriving before the items, after them or between them, the
//! items all go to the getters that did not panic, and none is left in the
//! queue. (A get that waits is handed its item and runs no `Ord`; one that
//! finds items there pops, and that pop is the one armed to panic.)

mod common;

use std::cell::Cell;
use std::cmp::Ordering;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::task::Poll;
use std::time::Duration;

const ROUNDS: usize = 100;
const GETTERS: usize = 4;
const ITEMS: u32 = 3;

std::thread_local! {
    /// True while this thread polls a getter's `get`.
    static IN_GET: Cell<bool> = const { Cell::new(false) };
}

/// Armed each round: the first comparison made inside a `get` panics.
static ARMED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, PartialEq, Eq)]
struct Item(u32);

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        if IN_GET.with(Cell::get) && ARMED.swap(false, AtomicOrdering::SeqCst) {
            panic!("Ord panics in a get");
        }
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Polls `future` with `IN_GET` set.
async fn in_get<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    std::future::poll_fn(|cx| {
        struct Unset;
        impl Drop for Unset {
            fn drop(&mut self) {
                IN_GET.with(|f| f.set(false));
            }
        }
        IN_GET.with(|f| f.set(true));
        let _unset = Unset;
        match future.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(out),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

#[test]
fn every_item_reaches_a_getter_after_one_get_panicked() {
    let rounds_with_a_panic = AtomicUsize::new(0);
    common::on_each_hub(|hub| {
        for round in 0..ROUNDS {
            hub.block_on(async {
                let queue = genlet::Queue::priority_unbounded();
                let taken = Arc::new(AtomicUsize::new(0));
                let spawn_getters = || -> Vec<_> {
                    (0..GETTERS)
                        .map(|_| {
                            let (queue, taken) = (queue.clone(), taken.clone());
                            genlet::spawn(async move {
                                in_get(queue.get()).await.unwrap();
                                taken.fetch_add(1, AtomicOrdering::SeqCst);
                            })
                        })
                        .collect()
                };
                ARMED.store(true, AtomicOrdering::SeqCst);
                // Items first every other round (the getters pop, and one
                // panics); else the getters first, racing the puts.
                let items_first = round % 2 == 0;
                let mut getters = Vec::new();
                if !items_first {
                    getters = spawn_getters();
                    genlet::sleep(Duration::from_micros(round as u64 * 7 % 500)).await;
                }
                for n in 0..ITEMS {
                    queue.try_put(Item(n)).unwrap();
                }
                if items_first {
                    getters = spawn_getters();
                }
                let panicked = || {
                    getters
                        .iter()
                        .filter(|g| g.error().is_some_and(|e| e.is_panic()))
                        .count()
                };
                // Each item goes to a getter that did not panic.
                common::until(|| {
                    taken.load(AtomicOrdering::SeqCst) == ITEMS as usize && queue.is_empty()
                })
                .await;
                let panics = panicked();
                assert!(panics <= 1, "round {round}");
                rounds_with_a_panic.fetch_add(panics, AtomicOrdering::SeqCst);
                ARMED.store(false, AtomicOrdering::SeqCst);
                genlet::killall(&getters).await;
            });
        }
    });
    // A get that finds three items pops, comparing them: the armed `Ord`
    // panics in every round that puts the items first, so the rounds test
    // what they mean to.
    assert!(rounds_with_a_panic.load(AtomicOrdering::SeqCst) > 0);
}
