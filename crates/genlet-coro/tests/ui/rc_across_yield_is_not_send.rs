// An `Rc` alive across a yield makes the generator `!Send`.
use std::rc::Rc;

use genlet_coro::{Co, Gen};

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(Gen::new(|co: Co<u32>, ()| async move {
        let shared = Rc::new(1);
        co.yield_(*shared).await;
        drop(shared);
    }));
}
