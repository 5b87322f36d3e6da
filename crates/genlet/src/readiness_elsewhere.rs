//! Where there is no epoll, a server's connections wait for reads with
//! async-io's readiness alone: the same interface as `readiness.rs`, whose
//! set is never made.

use std::net::TcpStream;
use std::sync::Arc;
use std::task::{Context, Poll};

use async_io::Async;

/// Never made here.
#[derive(Debug)]
pub(crate) enum Readiness {}

impl Readiness {
    /// `None`: connections use async-io's readiness.
    pub(crate) fn new(_hub: &genlet_reactor::Handle) -> Option<Arc<Self>> {
        None
    }
}

/// Never made here.
#[derive(Debug)]
pub(crate) enum ReadReady {}

impl ReadReady {
    pub(crate) fn join(
        readiness: &Arc<Readiness>,
        _socket: &Arc<Async<TcpStream>>,
    ) -> Option<Self> {
        match **readiness {}
    }

    pub(crate) fn events(&self) -> u32 {
        match *self {}
    }

    pub(crate) fn found_empty(&mut self, _events: u32) {
        match *self {}
    }

    pub(crate) fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<bool> {
        match *self {}
    }
}
