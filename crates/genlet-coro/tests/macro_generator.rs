//! `generator!`: a generator function written in one place, expanding to the
//! same `Gen` as the plain form: same values, first resume value bound to its
//! name, throws and closes, delegation, arguments captured, `Send` when its
//! state is.
#![cfg(feature = "macros")]

use core::pin::pin;
use std::rc::Rc;

use genlet_coro::{Co, Coroutine, CoroutineState, Gen, Generator, Interrupt, Iter, generator};

generator! {
    /// The accumulator of the crate docs, in macro form.
    fn accumulator(limit: u64) -> yield u32, resume(first: u64), return u64 {
        let (mut sum, mut seen) = (first, 1);
        while sum < limit {
            sum += yield_!(seen);
            seen += 1;
        }
        sum
    }
}

fn accumulator_plain(limit: u64) -> impl Generator<u64, Yield = u32, Return = u64> {
    Gen::new(move |co: Co<u32, u64>, first: u64| async move {
        let (mut sum, mut seen) = (first, 1);
        while sum < limit {
            sum += co.yield_(seen).await;
            seen += 1;
        }
        sum
    })
}

#[test]
fn the_macro_form_behaves_as_the_plain_form() {
    let mut a = pin!(accumulator(100));
    let mut b = pin!(accumulator_plain(100));
    for x in [10, 50, 60] {
        assert_eq!(a.as_mut().resume(x), b.as_mut().resume(x));
    }
    assert_eq!(a.as_mut().close(), Ok(None));
    assert_eq!(
        core::mem::size_of_val(&*a),
        core::mem::size_of_val(&*b),
        "the same state machine"
    );
}

generator! {
    fn echo_until_thrown() -> yield String, throws String, return String {
        let mut last = String::from("start");
        loop {
            match yield_!(catch last.clone()) {
                Ok(()) => last.push('.'),
                Err(Interrupt::Throw(e)) => return e,
                Err(Interrupt::Close) => return "closed".into(),
            }
        }
    }
}

#[test]
fn catch_sees_throws_and_closes() {
    let mut g = pin!(echo_until_thrown());
    assert_eq!(
        g.as_mut().resume(()),
        CoroutineState::Yielded("start".into())
    );
    assert_eq!(
        g.as_mut().resume(()),
        CoroutineState::Yielded("start.".into())
    );
    assert_eq!(
        g.as_mut().throw("bye".into()),
        Ok(CoroutineState::Complete("bye".into()))
    );
    let mut g = pin!(echo_until_thrown());
    g.as_mut().resume(());
    assert_eq!(g.as_mut().close(), Ok(Some("closed".into())));
}

generator! {
    fn inner(n: u32) -> yield u32, return u32 {
        for i in 0..n {
            yield_!(i);
        }
        n
    }
}

generator! {
    /// Delegates to `inner`, then to an iterator.
    pub fn outer(words: Vec<&'static str>) -> yield u32 {
        let got = yield_from!(inner(2), ());
        yield_!(got * 100);
        yield_from!(iter words.iter().map(|w| w.len() as u32));
    }
}

#[test]
fn delegates_to_generators_and_iterables() {
    let g = pin!(outer(vec!["a", "bcd"]));
    assert_eq!(Iter::new(g).collect::<Vec<_>>(), [0, 1, 200, 1, 3]);
}

generator! {
    fn holds_an_rc() -> yield u8 {
        let rc = Rc::new(1);
        yield_!(*rc);
    }
}

#[test]
fn is_send_exactly_when_its_state_is() {
    fn is_send<T: Send>(_: &T) {}
    is_send(&accumulator(1));
    is_send(&outer(vec![]));
    // `holds_an_rc()` is `!Send` (an `Rc` lives across its yield); it still
    // runs.
    let g = pin!(holds_an_rc());
    assert_eq!(Iter::new(g).collect::<Vec<_>>(), [1]);
}
