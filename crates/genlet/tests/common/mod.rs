//! Shared by the behaviour tests: the hubs a race is tried on.

#![allow(dead_code, unreachable_pub)]

use genlet::reactor::Hub;

/// A hub with one worker thread, beside the thread in `block_on`.
pub fn one_worker() -> Hub {
    Hub::builder().workers(1).build().expect("a one-worker hub")
}

/// Runs `scenario` on a one-worker hub, then on the default hub.
pub fn on_each_hub(mut scenario: impl FnMut(&Hub)) {
    scenario(&one_worker());
    scenario(genlet::default_hub());
}

/// Waits (a minute at most, else panics) until `done` says so, looking
/// every millisecond.
pub async fn until(done: impl FnMut() -> bool) {
    assert!(
        within_a_minute(done).await,
        "the condition came true within a minute"
    );
}

/// Waits up to a minute until `done` says so, looking every millisecond;
/// whether it did (for a test that reports what it found instead).
pub async fn within_a_minute(mut done: impl FnMut() -> bool) -> bool {
    genlet::timeout(std::time::Duration::from_secs(60), async {
        while !done() {
            genlet::sleep(std::time::Duration::from_millis(1)).await;
        }
    })
    .await
    .is_ok()
}

/// A UDP client socket on 127.0.0.1 with a generous read timeout (30 s).
pub fn udp_client() -> std::net::UdpSocket {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("a UDP client socket");
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("a read timeout");
    socket
}
