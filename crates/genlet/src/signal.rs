//! [`Signals`]: SIGTERM and SIGINT as values to await, for programs that
//! drain before they exit (async-signal's, on the hub's reactor).

use core::fmt;
use std::io;

use futures_lite::StreamExt;

/// A shutdown signal, as [`Signals::recv`] gives it.
///
/// # Examples
///
/// ```
/// assert_eq!(genlet::Signal::Terminate.to_string(), "SIGTERM");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Signal {
    /// `SIGTERM`: what orchestrators (systemd, Kubernetes, `kill`) send
    /// first.
    Terminate,
    /// `SIGINT`: Ctrl-C.
    Interrupt,
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Terminate => "SIGTERM",
            Signal::Interrupt => "SIGINT",
        })
    }
}

/// Catches SIGTERM and SIGINT while it lives: instead of ending the
/// process, each one is delivered to [`recv`](Signals::recv). Dropping it
/// gives the signals back to their default action (the process ends).
///
/// The usual shape of a server's `main`: serve until the first signal,
/// drain within a grace period, stop at once on a second signal
/// ([`StreamServer::stop_on_signal`](crate::StreamServer::stop_on_signal)
/// does exactly this).
///
/// # Examples
///
/// ```no_run
/// genlet::run(async {
///     let mut signals = genlet::Signals::new()?;
///     let first = signals.recv().await?;
///     println!("{first}: finishing up");
///     Ok::<(), std::io::Error>(())
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Signals {
    inner: async_signal::Signals,
}

impl fmt::Debug for Signals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signals").finish_non_exhaustive()
    }
}

impl Signals {
    /// Starts catching SIGTERM and SIGINT.
    ///
    /// # Errors
    ///
    /// When the handlers cannot be installed.
    ///
    /// # Examples
    ///
    /// See [`Signals`].
    pub fn new() -> io::Result<Self> {
        #[cfg(unix)]
        let which = [async_signal::Signal::Term, async_signal::Signal::Int];
        #[cfg(not(unix))]
        let which = [async_signal::Signal::Int];
        Ok(Signals {
            inner: async_signal::Signals::new(which)?,
        })
    }

    /// Waits for the next signal.
    ///
    /// # Errors
    ///
    /// When reading the signal pipe fails.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a signal not yet returned stays for the next call.
    ///
    /// # Examples
    ///
    /// See [`Signals`].
    pub async fn recv(&mut self) -> io::Result<Signal> {
        loop {
            match self.inner.next().await {
                Some(Ok(async_signal::Signal::Int)) => return Ok(Signal::Interrupt),
                Some(Ok(_)) => return Ok(Signal::Terminate),
                Some(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Some(Err(e)) => return Err(e),
                None => return Err(io::Error::other("the signal stream ended")),
            }
        }
    }
}
