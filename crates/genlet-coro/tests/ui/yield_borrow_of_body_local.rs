// A body cannot yield a reference to its own local state: it would dangle
// once the body moves on or is dropped.
use genlet_coro::{Co, Gen};

fn main() {
    let _g = Gen::new(|co: Co<&u32>, ()| async move {
        let local = 5;
        co.yield_(&local).await;
    });
}
