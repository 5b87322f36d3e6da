//! The echo server written as generator tasks gives identical transcripts on
//! the hub (real sockets on 127.0.0.1) and on the deterministic driver.

use std::net::SocketAddr;

use genlet_workspace::demos::echo_gen::{serve_on_hub, serve_simulated};

#[test]
fn hub_and_deterministic_driver_agree() {
    let clients = 4;
    let (_, on_hub, hub_echoed) =
        serve_on_hub(SocketAddr::from(([127, 0, 0, 1], 0)), clients).unwrap();
    let (simulated, sim_echoed, _) = serve_simulated(clients);
    assert_eq!(hub_echoed, [57; 4]);
    assert_eq!(sim_echoed, hub_echoed);
    // The server task and one task per client, each closing its socket.
    assert_eq!(on_hub.len(), 1 + clients);
    assert_eq!(on_hub, simulated);
}

#[test]
fn the_demo_prints_its_table() {
    let mut out = Vec::new();
    genlet_workspace::demos::echo_gen::run(&mut out, 0, 2).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("transcripts identical on both drivers: true"),
        "{out}"
    );
    assert!(
        out.contains(r#"Recv(SocketId(1), 4096) -> Received("client 0 message 1\n")"#),
        "{out}"
    );
}
