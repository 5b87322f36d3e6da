//! `imap_stream` / `imap_unordered_stream`: items come from a `Stream`
//! that is sometimes empty (a queue fed by a producer): results arrive as
//! items do, the pool's bound and `maxsize` hold, the stream's end ends the
//! results; on a one-worker hub and the default one.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[test]
fn a_slow_stream_is_followed_and_its_end_ends_the_results() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for ordered in [true, false] {
                let jobs = genlet::Queue::bounded(2);
                let producer = {
                    let jobs = jobs.clone();
                    genlet::spawn(async move {
                        for n in 0..30u64 {
                            if n % 5 == 0 {
                                genlet::sleep(Duration::from_millis(1)).await; // empty for a while
                            }
                            jobs.put(n).await.unwrap();
                        }
                        jobs.close();
                    })
                };
                let pool = genlet::Pool::new(2);
                let running = Arc::new(AtomicUsize::new(0));
                let most = Arc::new(AtomicUsize::new(0));
                let (r, m) = (running.clone(), most.clone());
                let work = move |n: u64| {
                    let (r, m) = (r.clone(), m.clone());
                    async move {
                        m.fetch_max(r.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                        genlet::yield_now().await;
                        r.fetch_sub(1, Ordering::SeqCst);
                        n * 10
                    }
                };
                let mut results = if ordered {
                    pool.imap_stream(jobs, work)
                } else {
                    pool.imap_unordered_stream(jobs, work)
                }
                .maxsize(3);
                let mut seen = Vec::new();
                while let Some((index, value)) = results.next().await {
                    let value = value.unwrap();
                    assert_eq!(value, index as u64 * 10);
                    seen.push(index);
                }
                if !ordered {
                    seen.sort_unstable();
                }
                assert_eq!(seen, (0..30).collect::<Vec<_>>(), "ordered: {ordered}");
                assert!(most.load(Ordering::SeqCst) <= 2);
                producer.join().await.unwrap();
            }
        });
    });
}
