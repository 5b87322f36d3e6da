// A body cannot reach its own generator: storing the generator where its body
// borrows from is refused ("generator already executing" cannot happen).
use core::pin::Pin;

use genlet_coro::{Co, Coroutine, Gen};

fn main() {
    let mut me: Option<Pin<Box<dyn Coroutine<Yield = (), Return = ()>>>> = None;
    let me_ref = &mut me;
    let g = Gen::new(move |co: Co<()>, ()| async move {
        co.yield_(()).await;
        me_ref.as_mut().unwrap().as_mut().resume(());
    });
    me = Some(Box::pin(g));
}
