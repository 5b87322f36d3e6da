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
/// process, each one is delivered to [`recv`](Signals::recv). On Unix,
/// once no `Signals` lives any more, the signals have their default action
/// again (the process ends); elsewhere Ctrl-C stays caught. A program that
/// also catches them another way (tokio's `signal` module, signal-hook)
/// should keep a `Signals` alive as long as it does: the default action
/// would otherwise end the process first.
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
#[must_use = "signals are caught only while `Signals` lives"]
pub struct Signals {
    inner: async_signal::Signals,
    /// Counts this one as live: the default action is off meanwhile.
    #[cfg(unix)]
    _live: default_action::Live,
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
        // Catching first, then the default action off: a signal in between
        // ends the process as one just before would, where the other order
        // left an instant in which a signal was neither caught nor acted on.
        let inner = async_signal::Signals::new(which)?;
        Ok(Signals {
            inner,
            #[cfg(unix)]
            _live: default_action::catch()?,
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

/// The default action of SIGTERM and SIGINT while no [`Signals`] lives.
///
/// async-signal's handlers stay installed after its `Signals` drops
/// (signal-hook-registry cannot uninstall one), so without this the signals
/// would be caught and dropped for the rest of the process. Instead, the
/// first `Signals` also registers signal-hook's emulation of the default
/// action for both, which runs only while the count of live `Signals` is
/// zero.
#[cfg(unix)]
mod default_action {
    use std::io;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex, OnceLock};

    /// Live `Signals`, and whether the default action is on (none live).
    struct State {
        live: Mutex<usize>,
        default_on: Arc<AtomicBool>,
    }

    fn state() -> io::Result<&'static State> {
        static STATE: OnceLock<State> = OnceLock::new();
        // Per signal: one whose registration failed is tried again next time.
        static REGISTERED: Mutex<[bool; 2]> = Mutex::new([false; 2]);
        let state = STATE.get_or_init(|| State {
            live: Mutex::new(0),
            default_on: Arc::new(AtomicBool::new(false)),
        });
        let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
        let signals = [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];
        for (done, signal) in registered.iter_mut().zip(signals) {
            if !*done {
                signal_hook::flag::register_conditional_default(signal, state.default_on.clone())?;
                *done = true;
            }
        }
        Ok(state)
    }

    /// One live `Signals`.
    pub(super) struct Live(&'static State);

    /// Counts a new `Signals` as live: the default action is off.
    pub(super) fn catch() -> io::Result<Live> {
        let state = state()?;
        let mut live = state.live.lock().unwrap_or_else(|e| e.into_inner());
        *live += 1;
        state.default_on.store(false, Ordering::SeqCst);
        Ok(Live(state))
    }

    impl Drop for Live {
        fn drop(&mut self) {
            let mut live = self.0.live.lock().unwrap_or_else(|e| e.into_inner());
            *live -= 1;
            if *live == 0 {
                self.0.default_on.store(true, Ordering::SeqCst);
            }
        }
    }
}
