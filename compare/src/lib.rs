//! The parts of `just compare` that more than one of its programs use: the
//! network-load experiment, run by the harness (`src/main.rs`) and on its
//! own (`src/bin/netload.rs`), and the servers the experiments start.

#![forbid(unsafe_code)]

use std::io::{self, BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub mod netload;

/// A server started for one measurement; killed when dropped.
#[derive(Debug)]
pub struct Server(Child);

impl Server {
    /// Starts `command`, a server that prints its port on its first line;
    /// its stderr is discarded.
    ///
    /// # Errors
    ///
    /// When it cannot start, or its first line is not a port.
    pub fn start(mut command: Command) -> io::Result<(Server, u16)> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        let server = Server(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .trim()
            .parse()
            .map_err(|_| io::Error::other(format!("{command:?} printed no port: {line:?}")))?;
        Ok((server, port))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
