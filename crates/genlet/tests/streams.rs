//! `Queue`, `Channel` and `Iwait` are `futures_core::Stream`s: the items in
//! order, ending when the queue or channel closes, or when every greenlet
//! was yielded.

use futures_lite::{Stream, StreamExt};

#[test]
fn a_queue_streams_its_items_until_closed() {
    genlet::run(async {
        let queue = genlet::Queue::bounded(2);
        let q = queue.clone();
        let producer = genlet::spawn(async move {
            for i in 0..10 {
                q.put(i).await.unwrap();
            }
            q.close();
        });
        let items: Vec<i32> = queue.clone().collect().await;
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        producer.await.unwrap();
    });
}

#[test]
fn a_channel_streams_what_is_put() {
    genlet::run(async {
        let channel = genlet::Channel::new();
        let c = channel.clone();
        let producer = genlet::spawn(async move {
            for i in 0..10 {
                c.put(i).await.unwrap();
            }
            c.close();
        });
        let items: Vec<i32> = channel.clone().collect().await;
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        producer.await.unwrap();
    });
}

#[test]
fn a_dropped_channel_stream_takes_nothing() {
    genlet::run(async {
        let channel = genlet::Channel::new();
        let mut stream = channel.clone();
        // Poll once, so the stream waits as a getter, then drop it.
        assert!(
            futures_lite::future::poll_once(stream.next())
                .await
                .is_none()
        );
        drop(stream);
        let c = channel.clone();
        let getter = genlet::spawn(async move { c.get().await.unwrap() });
        channel.put("to the live getter").await.unwrap();
        assert_eq!(getter.await.unwrap(), "to the live getter");
    });
}

#[test]
fn iwait_streams_in_completion_order() {
    genlet::run(async {
        let gate = std::sync::Arc::new(genlet::Event::new());
        let g = gate.clone();
        let slow = genlet::spawn(async move {
            g.wait().await;
            "slow"
        });
        let fast = genlet::spawn(async { "fast" });
        let mut done = genlet::as_completed(vec![slow, fast]);
        assert_eq!(done.size_hint(), (2, Some(2)));
        let (index, first) = done.next().await.unwrap();
        assert_eq!((index, first.unwrap()), (1, "fast"));
        gate.set();
        let rest: Vec<_> = done.map(|(i, r)| (i, r.unwrap())).collect().await;
        assert_eq!(rest, [(0, "slow")]);
    });
}
