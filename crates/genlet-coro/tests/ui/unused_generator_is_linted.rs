// As nightly's coroutines: an unused `Gen` or `AsyncGen`, or an unused
// `impl Coroutine`, is linted: coroutines are lazy and do nothing unless
// resumed.
#![deny(unused_must_use)]

use genlet_coro::{AsyncGen, Co, Coroutine, Gen};

fn counter() -> impl Coroutine<Yield = u8, Return = ()> {
    Gen::new(|co: Co<u8>, ()| async move {
        co.yield_(1).await;
    })
}

fn boxed() -> Box<dyn Coroutine<Yield = u8, Return = ()>> {
    Box::new(Done)
}

/// A hand-written coroutine that is complete at once.
struct Done;

impl Coroutine for Done {
    type Yield = u8;
    type Return = ();
    fn resume(
        self: core::pin::Pin<&mut Self>,
        (): (),
    ) -> genlet_coro::CoroutineState<u8, ()> {
        genlet_coro::CoroutineState::Complete(())
    }
}

fn main() {
    Gen::new(|co: Co<u8>, ()| async move {
        co.yield_(1).await;
    });
    AsyncGen::new(|co: Co<u8>, ()| async move {
        co.yield_(1).await;
    });
    counter();
    boxed();
}
