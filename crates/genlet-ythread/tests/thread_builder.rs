//! `YieldableThread::builder` names the thread and sizes its stack: a body
//! that keeps more on its stack than the default allows runs, and a name
//! with a nul byte is an error, not a panic.

use genlet_ythread::{Inline, ThreadPool, YieldableThread};

/// Fills `depth` frames of about 64 KiB each, then sums them.
#[inline(never)]
fn deep(depth: u32) -> u64 {
    let frame = std::hint::black_box([1u8; 64 << 10]);
    let here: u64 = frame.iter().map(|&b| u64::from(b)).sum();
    if depth == 0 {
        here
    } else {
        here + deep(depth - 1)
    }
}

#[test]
fn a_big_stack_runs_a_deep_body() {
    // About 4 MiB of frames: more than the 2 MiB default.
    let thread = YieldableThread::builder()
        .name("deep")
        .stack_size(32 << 20)
        .spawn(
            |cpu| async move {
                let in_body = deep(63);
                let in_job = cpu.run(|| 1u64).await.unwrap();
                in_body + in_job
            },
            ThreadPool::with_limit(1),
        )
        .unwrap();
    assert_eq!(thread.thread().name(), Some("deep"));
    assert_eq!(thread.join().unwrap(), 64 * (64 << 10) + 1);
}

#[test]
fn the_default_name_stays() {
    let thread = YieldableThread::builder()
        .stack_size(1 << 20)
        .spawn(|_cpu| async {}, Inline)
        .unwrap();
    assert_eq!(thread.thread().name(), Some("genlet-ythread"));
    thread.join().unwrap();
}

#[test]
fn a_nul_in_the_name_is_an_error() {
    let refused = YieldableThread::builder()
        .name("bad\0name")
        .spawn(|_cpu| async {}, Inline);
    let error = refused.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}
