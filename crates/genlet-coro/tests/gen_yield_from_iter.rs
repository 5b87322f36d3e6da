//! `co.yield_from_iter(iterable)`: Python's `yield from` over any
//! `IntoIterator`, with no adapter written by the caller; throws and closes
//! drop the iterator and go on through the delegating yield.

use core::cell::Cell;
use core::pin::pin;

use genlet_coro::{Co, Coroutine, CoroutineState, FromIter, Gen, Generator, Interrupt, Iter};

/// An iterator that counts how often it was dropped.
struct Counting<'a> {
    next: u32,
    dropped: &'a Cell<u32>,
}

impl Iterator for Counting<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        self.next += 1;
        Some(self.next)
    }
}

impl Drop for Counting<'_> {
    fn drop(&mut self) {
        self.dropped.set(self.dropped.get() + 1);
    }
}

#[test]
fn yields_every_item_of_ranges_collections_and_adapters() {
    let words = vec!["a".to_string(), "b".to_string()];
    let g = pin!(Gen::new(move |co: Co<String>, ()| async move {
        co.yield_from_iter(words).await;
        co.yield_from_iter((0..2).map(|i| i.to_string())).await;
        co.yield_from_iter(core::iter::empty()).await;
        co.yield_from_iter(Some("end".to_string())).await;
        "returned"
    }));
    let mut it = Iter::new(g);
    assert_eq!(it.by_ref().collect::<Vec<_>>(), ["a", "b", "0", "1", "end"]);
    assert_eq!(it.into_return(), Some("returned"));
}

#[test]
fn an_unhandled_throw_drops_the_iterator_and_finishes_the_body() {
    let dropped = &Cell::new(0);
    let mut g = pin!(Gen::new(|co: Co<u32, (), &str>, ()| async move {
        co.yield_from_iter(Counting { next: 0, dropped }).await;
    }));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(2));
    assert_eq!(g.as_mut().throw("stop"), Err("stop"));
    assert_eq!(dropped.get(), 1);
    assert!(g.is_finished());
}

#[test]
fn a_caught_close_drops_the_iterator_and_lets_the_body_return() {
    let dropped = &Cell::new(0);
    let mut g = pin!(Gen::new(|co: Co<u32>, ()| async move {
        match co
            .yield_from_iter(Counting { next: 0, dropped })
            .catch()
            .await
        {
            Err(Interrupt::Close) => "closed",
            _ => "other",
        }
    }));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
    assert_eq!(g.as_mut().close(), Ok(Some("closed")));
    assert_eq!(dropped.get(), 1);
}

#[test]
fn from_iter_stays_complete_once_exhausted_or_finished() {
    let mut g = pin!(FromIter::<_, ()>::new([5]));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(5));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Complete(()));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Complete(()));
    assert_eq!(g.as_mut().close(), Ok(None));
    assert_eq!(g.as_mut().resume(()), CoroutineState::Complete(()));
}
