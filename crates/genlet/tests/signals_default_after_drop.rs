//! Once no `Signals` lives, SIGTERM and SIGINT end the process again, as
//! their default action does; while one lives they are caught. Each case
//! runs in a child process (this test binary run again), which the test
//! signals and watches.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the child: which case to act out.
const CHILD: &str = "GENLET_SIGNALS_CHILD";

/// The child's side: make and drop `Signals` (or keep one), say so, then
/// wait to be signalled. Exits 0 if the signal never ended it.
fn child(case: &str) {
    let kept = genlet::Signals::new().expect("install");
    let kept = if case == "dropped" {
        drop(kept);
        // Two at once, both dropped: the count, not a flag.
        let (a, b) = (
            genlet::Signals::new().unwrap(),
            genlet::Signals::new().unwrap(),
        );
        drop((a, b));
        None
    } else {
        Some(kept)
    };
    println!("ready");
    std::thread::sleep(Duration::from_secs(if kept.is_some() { 2 } else { 60 }));
    drop(kept);
    std::process::exit(0);
}

/// Runs the child for `case`, sends it `signal` once it is ready, and
/// returns how it ended.
fn run(case: &str, signal: &str) -> std::process::ExitStatus {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "signals_end_the_process_once_none_lives",
            "--nocapture",
        ])
        .env(CHILD, case)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines.any(|l| l.is_ok_and(|l| l.trim() == "ready")),
        "the child never got ready"
    );
    let sent = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the child outlived its sleep");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn signals_end_the_process_once_none_lives() {
    if let Ok(case) = std::env::var(CHILD) {
        return child(&case);
    }
    for (signal, number) in [("-TERM", 15), ("-INT", 2)] {
        let status = run("dropped", signal);
        assert_eq!(
            status.signal(),
            Some(number),
            "{signal} after drop: {status}"
        );
        let status = run("kept", signal);
        assert_eq!(
            status.code(),
            Some(0),
            "{signal} while kept is caught: {status}"
        );
    }
}
