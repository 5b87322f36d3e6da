//! On a hub, `ThreadPool` jobs run off the hub's workers (the hub stays free) and
//! `Inline` jobs run on a worker (the convoy).

use genlet_reactor::Hub;
use genlet_ythread::{Apply, Inline, ThreadPool, drive};

fn job_thread_name(hub: &Hub, apply: impl Apply + 'static) -> Option<String> {
    let task = hub.spawn(drive(
        |cpu| async move {
            cpu.run(|| std::thread::current().name().map(String::from))
                .await
                .unwrap()
        },
        apply,
    ));
    hub.block_on(task)
}

#[test]
fn pool_jobs_run_off_the_hubs_threads_and_inline_jobs_on_them() {
    let hub = Hub::builder()
        .workers(1)
        .thread_name("hub")
        .build()
        .unwrap();
    let on_hub = |name: &Option<String>| {
        let main = std::thread::current().name().map(String::from);
        name.as_deref().is_some_and(|n| n.starts_with("hub-")) || *name == main
    };
    let pooled = job_thread_name(&hub, ThreadPool::new());
    assert!(!on_hub(&pooled), "a pool job ran on {pooled:?}");
    let inline = job_thread_name(&hub, Inline);
    assert!(on_hub(&inline), "an inline job ran on {inline:?}");
}
