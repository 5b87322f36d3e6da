//! `wait` and `iwait` over greenlets, events, async results, queues,
//! semaphores and locks mixed: completion order, `count`, `timeout`, nothing taken from the
//! objects; and many objects at once, on a one-worker hub and the default
//! one, over many rounds.

mod common;

use std::time::Duration;

use genlet::Waitable;

#[test]
fn iwait_yields_mixed_objects_in_the_order_they_become_ready() {
    genlet::run(async {
        let event = genlet::Event::new();
        let result = genlet::AsyncResult::<&str, ()>::new();
        let queue = genlet::Queue::unbounded();
        let greenlet = genlet::spawn(async {
            genlet::sleep(Duration::from_millis(1)).await;
            "greenlet"
        });
        let objects: [&dyn Waitable; 4] = [&event, &result, &queue, &greenlet];
        let mut ready = genlet::iwait(objects);
        assert_eq!(ready.next().await, Some(3));
        queue.put(1).await.unwrap();
        assert_eq!(ready.next().await, Some(2));
        result.set("result").unwrap();
        assert_eq!(ready.next().await, Some(1));
        event.set();
        assert_eq!(ready.next().await, Some(0));
        assert_eq!(ready.next().await, None);
        drop(ready);
        // Nothing was taken: the item, the result and the value are there.
        assert_eq!(queue.try_get(), Some(1));
        assert_eq!(result.get().await, Ok("result"));
        assert_eq!(greenlet.join().await.unwrap(), "greenlet");
    });
}

#[test]
fn semaphores_and_locks_are_ready_while_free_and_stay_free() {
    genlet::run(async {
        let sem = genlet::Semaphore::new(1);
        let bounded = genlet::BoundedSemaphore::new(1);
        let lock = genlet::Lock::new(5);
        let (permit, guard) = (sem.acquire().await, lock.lock().await);
        bounded.acquire().await;
        let objects: [&dyn Waitable; 3] = [&sem, &bounded, &lock];
        let none = genlet::wait(objects, Some(Duration::from_millis(10)), None).await;
        assert!(none.is_empty(), "all taken: none ready");
        let mut ready = genlet::iwait(objects);
        drop(guard);
        assert_eq!(ready.next().await, Some(2));
        bounded.release().unwrap();
        assert_eq!(ready.next().await, Some(1));
        drop(permit);
        assert_eq!(ready.next().await, Some(0));
        drop(ready);
        // Nothing was kept: every permit and the lock are free.
        assert!(sem.try_acquire().is_some());
        assert_eq!(bounded.available_permits(), 1);
        assert!(
            bounded.release().is_err(),
            "readiness took no permit for good"
        );
        assert_eq!(*lock.try_lock().expect("free"), 5);
    });
}

#[test]
fn wait_stops_at_its_count_or_its_timeout() {
    genlet::run(async {
        let never = genlet::Event::new();
        let set = genlet::Event::new();
        set.set();
        let closed = genlet::Queue::<u8>::unbounded();
        closed.close(); // a get would not wait: ready
        let objects: [&dyn Waitable; 3] = [&never, &set, &closed];
        let mut two = genlet::wait(objects, None, Some(2)).await;
        two.sort_unstable();
        assert_eq!(two, [1, 2]);
        let mut all = genlet::wait(objects, Some(Duration::from_millis(20)), None).await;
        all.sort_unstable();
        assert_eq!(all, [1, 2], "the unset event is not ready");
        assert!(
            genlet::wait::<genlet::Event>([], None, None)
                .await
                .is_empty()
        );
    });
}

#[test]
fn many_greenlets_each_reported_once() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            for round in 0..100 {
                let greenlets: Vec<_> = (0..100u64)
                    .map(|i| {
                        genlet::spawn(async move {
                            if i % 3 == 0 {
                                genlet::yield_now().await;
                            }
                            i
                        })
                    })
                    .collect();
                let mut seen = genlet::wait(&greenlets, Some(Duration::from_secs(60)), None).await;
                seen.sort_unstable();
                assert_eq!(seen, (0..100).collect::<Vec<_>>(), "round {round}");
                for (i, g) in greenlets.into_iter().enumerate() {
                    assert_eq!(g.join().await.unwrap(), i as u64);
                }
            }
        });
    });
}
