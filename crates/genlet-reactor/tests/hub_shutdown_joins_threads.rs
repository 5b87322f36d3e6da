//! Dropping a hub stops and joins every worker thread: none outlives it.

use std::collections::BTreeSet;

use genlet_reactor::Hub;

/// The names of this process's threads, from /proc.
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect()
}

/// The distinct names of this process's threads that start with `prefix`.
/// (A thread starts with its creator's name until it renames itself: a set
/// does not count such a copy twice.)
fn named(prefix: &str) -> BTreeSet<String> {
    thread_names()
        .into_iter()
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// `named(prefix)` once it equals `expected`, or after 30 s, whichever is first.
fn eventually_named(prefix: &str, expected: &BTreeSet<String>) -> BTreeSet<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let now = named(prefix);
        if &now == expected || std::time::Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[test]
fn dropping_the_hub_leaves_no_worker_thread() {
    // Start async-io's own driver thread first, so that it is not born
    // carrying a worker's name.
    Hub::builder()
        .workers(0)
        .build()
        .unwrap()
        .block_on(async {});
    let hub = Hub::builder()
        .workers(4)
        .thread_name("joined")
        .build()
        .unwrap();
    // Busy, sleeping and detached tasks must not keep a worker alive.
    for i in 0..50 {
        hub.spawn(async move {
            genlet_reactor::sleep(std::time::Duration::from_secs(60 + i)).await;
        })
        .detach();
    }
    assert_eq!(hub.block_on(hub.spawn(async { 1 })), 1);
    // A new thread takes its name once it first runs: wait (bounded) for that.
    let workers: BTreeSet<String> = (0..4).map(|i| format!("joined-{i}")).collect();
    assert_eq!(eventually_named("joined-", &workers), workers);
    drop(hub);
    // `join` returns when the kernel clears the thread's id, a moment before
    // its /proc entry goes: wait (bounded) for that. A leaked thread never goes.
    assert_eq!(
        eventually_named("joined-", &BTreeSet::new()),
        BTreeSet::new()
    );
}
