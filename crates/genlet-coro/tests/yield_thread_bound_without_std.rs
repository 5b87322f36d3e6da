//! Without `std`, the yield's owner check cannot tell threads apart, so the
//! compiler does: a yield future (and a delegation) whose resume or error
//! type must stay on its thread is not `Send`, and a body cannot hand it to
//! another thread to receive an `Rc` there (a data race Miri reported).
//! With `std` the yield panics on a foreign thread instead, and is `Send`.
//!
//! This file compiles only if the bounds hold: a `Send` yield of an `Rc`
//! makes the trait call below ambiguous.
#![cfg(not(feature = "std"))]

use std::rc::Rc;

use genlet_coro::{Yield, YieldFrom};

/// Implemented twice for `Send` types: naming it for one is ambiguous.
trait AmbiguousIfSend<A> {
    fn check() {}
}

impl<T: ?Sized> AmbiguousIfSend<()> for T {}

#[allow(dead_code)]
struct IsSend;

impl<T: ?Sized + Send> AmbiguousIfSend<IsSend> for T {}

fn assert_send<T: Send>() {}

#[test]
fn a_yield_receiving_values_that_stay_on_their_thread_is_not_send() {
    <Yield<u8, Rc<u8>, ()> as AmbiguousIfSend<_>>::check();
    <Yield<u8, (), Rc<u8>> as AmbiguousIfSend<_>>::check();
    <YieldFrom<u8, u8, u8, Rc<u8>> as AmbiguousIfSend<_>>::check();
    // Values that may move: it may too.
    assert_send::<Yield<u8, u64, String>>();
}
