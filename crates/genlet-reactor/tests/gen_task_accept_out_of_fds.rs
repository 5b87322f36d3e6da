//! A generator task whose accept fails because the process is out of file
//! descriptors gets the operating system's code (`EMFILE`) in its
//! `Reply::Failed`, so it can tell that apart from other errors of the same
//! kind and back off; once descriptors are free again, the connection that
//! waited in the backlog is accepted.
#![cfg(target_os = "linux")]

use std::fs::File;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{HubDriver, Reply, Request};

mod listening;

/// The soft limit on open files, and a way to set it.
fn nofile() -> libc::rlimit {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable `rlimit`.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(got, 0);
    limit
}

fn set_nofile(limit: libc::rlimit) {
    // SAFETY: `limit` is a valid `rlimit`; lowering the soft limit (or
    // raising it back up to the hard one) is always allowed.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    assert_eq!(set, 0);
}

/// The highest open descriptor, plus one.
fn fds_in_use() -> u64 {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
        .max()
        .unwrap()
        + 1
}

#[test]
fn accept_out_of_fds_reports_emfile_then_accepts() {
    // Everything that needs a descriptor first: the hub, its reactor, the
    // listener and the client's connection (waiting in the backlog).
    let hub = Hub::new().unwrap();
    let driver = HubDriver::with_transcripts(hub.handle());
    let (listener, addr) = listening::listen(&driver);
    hub.block_on(genlet_reactor::sleep(Duration::from_millis(1)));
    let _client = TcpStream::connect(addr).unwrap();

    // No descriptor left: the limit at the highest in use, the holes below
    // it filled.
    let saved = nofile();
    set_nofile(libc::rlimit {
        rlim_cur: fds_in_use(),
        ..saved
    });
    let mut filler = Vec::new();
    while let Ok(f) = File::open("/dev/null") {
        filler.push(f);
    }

    let (first, tell) = std::sync::mpsc::channel();
    let freed = Arc::new(AtomicBool::new(false));
    let task = driver.spawn(Box::pin(Gen::new({
        let freed = freed.clone();
        move |co: Co<Request, Reply>, _: Reply| async move {
            let reply = co.yield_(Request::Accept(listener)).await;
            first.send(reply).unwrap();
            // This task backs off until the test has freed descriptors.
            while !freed.load(Ordering::SeqCst) {
                co.yield_(Request::Sleep(Duration::from_millis(1))).await;
            }
            match co.yield_(Request::Accept(listener)).await {
                Reply::Accepted(conn) => {
                    co.yield_(Request::Close(conn)).await;
                }
                other => panic!("the second accept failed: {other:?}"),
            }
        }
    })));
    let reply = tell.recv_timeout(Duration::from_secs(30)).unwrap();
    drop(filler);
    set_nofile(saved);
    freed.store(true, Ordering::SeqCst);

    let Reply::Failed(failure) = reply else {
        panic!("accepted with no descriptor free: {reply:?}");
    };
    assert_eq!(failure.raw_os_error(), Some(libc::EMFILE));
    assert_eq!(
        failure.into_io_error().raw_os_error(),
        Some(libc::EMFILE),
        "the code survives the trip back to an io::Error"
    );
    hub.block_on(task);
    let transcript = &driver.transcripts()[0];
    assert!(
        format!("{:?}", transcript[0].reply).contains("os error 24"),
        "the transcript shows the code: {:?}",
        transcript[0].reply
    );
    let accepted = &transcript[transcript.len() - 2];
    assert!(
        matches!(accepted.reply, Reply::Accepted(_)),
        "the accept after the back-off succeeds: {:?}",
        accepted.reply
    );
}
