//! A panic in a greenlet nobody joins is reported exactly once through the
//! hook; a joined panic, one seen by a link, or one kept by a group for its
//! join is not reported. (One test in this file: the hook is global.)

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn unjoined_panics_are_reported_once_and_seen_ones_never() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    genlet::set_panic_hook(move |err| log.lock().unwrap().push(err.to_string()));
    genlet::run(async {
        let seen = &seen;
        // Detached before it finished: reported when it panics.
        genlet::task()
            .name("detached")
            .spawn(async { panic!("one") })
            .detach();
        // Dropped after it finished: reported when the handle goes.
        let late = genlet::task()
            .name("dropped-late")
            .spawn(async { panic!("two") });
        late.wait().await;
        drop(late);
        // Joined: not reported.
        let joined = genlet::task()
            .name("joined")
            .spawn(async { panic!("three") });
        assert!(joined.join().await.is_err());
        // Seen by a link: not reported.
        let linked = genlet::task()
            .name("linked")
            .spawn(async { panic!("four") });
        linked.link_exception(|_| {});
        drop(linked);
        // Kept by a group and joined: not reported.
        let group = genlet::Group::new();
        group.spawn_with(genlet::task().name("grouped"), async { panic!("five") });
        assert!(group.join().await.is_err());
        // Kept by a group that is dropped unjoined: reported then.
        let group = genlet::Group::new();
        let member = group.spawn_with(genlet::task().name("group-dropped"), async {
            panic!("six")
        });
        member.wait().await;
        drop(member);
        drop(group);
        // The second panic of a group is left to its handle: dropped
        // unseen, it is reported; the first is returned by `join`.
        let group = genlet::Group::new();
        let first = group.spawn_with(genlet::task().name("first"), async { panic!("seven") });
        first.wait().await;
        drop(group.spawn_with(genlet::task().name("second"), async { panic!("eight") }));
        assert_eq!(group.join().await.unwrap_err().name(), "first");
        drop(first);
        // The detached one reports when it finishes: wait for it (bounded),
        // then a little more, to see that nothing is reported twice.
        let deadline = Instant::now() + Duration::from_secs(30);
        while seen.lock().unwrap().len() < 4 && Instant::now() < deadline {
            genlet::sleep(Duration::from_millis(1)).await;
        }
        genlet::sleep(Duration::from_millis(50)).await;
    });
    let mut seen = seen.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        [
            "greenlet 'detached' panicked: one",
            "greenlet 'dropped-late' panicked: two",
            "greenlet 'group-dropped' panicked: six",
            "greenlet 'second' panicked: eight",
        ]
    );
    genlet::reset_panic_hook();
}
