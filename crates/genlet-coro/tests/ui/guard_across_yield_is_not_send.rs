// A `MutexGuard` held across a yield makes the generator `!Send`.
use std::sync::Mutex;

use genlet_coro::{Co, Gen};

fn assert_send<T: Send>(_: T) {}

fn main() {
    let lock = Mutex::new(0);
    assert_send(Gen::new(|co: Co<u32>, ()| async move {
        let guard = lock.lock().unwrap();
        co.yield_(*guard).await;
    }));
}
