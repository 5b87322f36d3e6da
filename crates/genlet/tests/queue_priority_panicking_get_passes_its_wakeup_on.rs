//! A get whose reordering panics (the items' `Ord` panicked) passes the
//! wake-up it used on: with more getters waiting than items, the items all
//! go to the other getters, and none is left in the queue beside a getter
//! still asleep.

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
                let getters: Vec<_> = (0..GETTERS)
                    .map(|_| {
                        let (queue, taken) = (queue.clone(), taken.clone());
                        genlet::spawn(async move {
                            in_get(queue.get()).await.unwrap();
                            taken.fetch_add(1, AtomicOrdering::SeqCst);
                        })
                    })
                    .collect();
                // Most rounds the getters wait by now; none depends on it.
                genlet::sleep(Duration::from_millis(1)).await;
                ARMED.store(true, AtomicOrdering::SeqCst);
                for n in 0..ITEMS {
                    queue.try_put(Item(n)).unwrap();
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
    // A get pops from three items, comparing them: the armed `Ord` panics
    // in (nearly) every round, so the rounds test what they mean to.
    assert!(rounds_with_a_panic.load(AtomicOrdering::SeqCst) > 0);
}
