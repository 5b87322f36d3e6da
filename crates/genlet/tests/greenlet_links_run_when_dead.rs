//! A greenlet's links run once it is dead, as gevent's do: whoever a link
//! wakes finds the greenlet ready, with its outcome, however the link's
//! wake-up races the end on another worker.

use std::sync::Arc;
use std::time::Duration;

mod common;

#[test]
fn woken_by_a_link_the_greenlet_is_ready() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..1000u32 {
                let g = genlet::task().on(&hub.handle()).spawn(async move {
                    genlet::yield_now().await;
                    round
                });
                let ended = Arc::new(genlet::Event::new());
                let set = ended.clone();
                g.link(move |_| {
                    set.set();
                    // Lingers, so that the waiter woken above looks while
                    // the links still run.
                    std::thread::sleep(Duration::from_micros(100));
                });
                ended.wait().await;
                assert!(g.is_ready(), "round {round}: woken by its link, not ready");
                assert!(g.is_successful(), "round {round}");
                assert!(g.error().is_none(), "round {round}");
                assert_eq!(g.join().await.unwrap(), round);
            }
        });
    });
}
