//! Shared by the generator-task tests on real sockets: a listener on a free
//! loopback port, handed to a `HubDriver`.

#![allow(dead_code, unreachable_pub)]

use std::net::{SocketAddr, TcpListener};

use genlet_reactor::gen_task::{HubDriver, SocketId};

/// Binds a listener on a free loopback port and adds it to `driver`: its
/// id for the generators, its address for the clients.
pub fn listen(driver: &HubDriver) -> (SocketId, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let addr = listener.local_addr().expect("a bound listener's address");
    let id = driver
        .add_listener(listener)
        .expect("the driver takes the listener");
    (id, addr)
}
