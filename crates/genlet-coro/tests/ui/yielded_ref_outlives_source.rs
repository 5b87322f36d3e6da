// A yielded reference cannot outlive the data it borrows.
use core::pin::pin;

use genlet_coro::{Co, Coroutine, CoroutineState, Gen};

fn main() {
    let kept;
    {
        let text = String::from("short-lived");
        let borrowed = &text;
        let mut g = pin!(Gen::new(move |co: Co<&str>, ()| async move {
            co.yield_(borrowed.as_str()).await;
        }));
        let CoroutineState::Yielded(s) = g.as_mut().resume(()) else { return };
        kept = s;
    }
    println!("{kept}");
}
