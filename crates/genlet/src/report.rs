//! Reporting panics nobody will see: a greenlet that panicked and is never
//! joined is reported once through a hook (default: one line on stderr).
//!
//! Two things print when a greenlet panics, and only one is genlet's:
//!
//! 1. **std's panic hook**, at the moment of the panic, on the thread that
//!    panicked (`thread 'genlet-0' panicked at src/main.rs:3:5: boom`).
//!    Rust prints it for every panic, caught or not, before anyone could
//!    know whether the greenlet will be joined. [`quiet_std_panics`] turns
//!    it off for panics inside greenlets.
//! 2. **genlet's report**, through [`set_panic_hook`]'s hook, once, for a
//!    panic that nobody saw: not joined, not read with `get` or `error`,
//!    not seen by a link, not returned by its group's `join`, by the time
//!    its handle and its group are both gone.

use std::sync::{Arc, RwLock};

use crate::err::TaskError;

type Hook = Arc<dyn Fn(&TaskError) + Send + Sync>;

static HOOK: RwLock<Option<Hook>> = RwLock::new(None);

/// Sets what happens to a panic in a greenlet that nobody joins, links or
/// waits for: called once per such panic, on the thread that noticed (the
/// one that finished the greenlet, or the one that dropped its handle). The
/// default emits a `tracing` error event (target `genlet::panic`) when a
/// subscriber is installed, and otherwise prints one line on stderr:
/// `genlet: greenlet 'name' panicked: …`.
///
/// A panic that reaches a `join`, a `get`, a link, or a [`Group`](crate::Group)
/// is not reported as well: it has been seen.
///
/// # Examples
///
/// ```standalone_crate
/// use std::sync::{Arc, Mutex};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = seen.clone();
/// genlet::set_panic_hook(move |err| log.lock().unwrap().push(err.to_string()));
/// genlet::run(async {
///     let g = genlet::task().name("orphan").spawn(async { panic!("nobody joins me") });
///     g.wait().await;
///     drop(g); // never joined: reported now
/// });
/// assert_eq!(*seen.lock().unwrap(), ["greenlet 'orphan' panicked: nobody joins me"]);
/// # genlet::reset_panic_hook();
/// ```
pub fn set_panic_hook(hook: impl Fn(&TaskError) + Send + Sync + 'static) {
    *HOOK.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(hook));
}

/// Puts back the default hook (one line on stderr).
///
/// # Examples
///
/// ```
/// genlet::set_panic_hook(|_| {});
/// genlet::reset_panic_hook();
/// ```
pub fn reset_panic_hook() {
    *HOOK.write().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Makes std's panic hook stay silent for panics raised inside greenlets,
/// and leaves every other panic to the hook that was set before. With it, a
/// greenlet's panic prints nothing when someone joins it, and one line
/// (genlet's report, see [`set_panic_hook`]) when nobody does.
///
/// Call it once, early in `main`: it wraps the hook in place at the time
/// (`std::panic::set_hook` afterwards replaces it). The location and the
/// backtrace std would have printed are lost for those panics; leave std's
/// hook alone while you debug one.
///
/// # Examples
///
/// ```standalone_crate
/// genlet::quiet_std_panics();
/// let err = genlet::run(async { genlet::spawn(async { panic!("quiet") }).await }).unwrap_err();
/// assert_eq!(err.panic_message(), Some("quiet")); // and nothing was printed
/// ```
pub fn quiet_std_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !crate::greenlet::in_greenlet() {
            previous(info);
        }
    }));
}

/// The one place the crate prints: a report without a `tracing`
/// subscriber, one line on stderr. A stderr that cannot be written (closed)
/// loses the line: `eprintln!` would panic, and a report is often made in
/// a `Drop`.
fn to_stderr(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "genlet: {line}");
}

/// True when a `tracing` subscriber is installed: reports go to it then,
/// and nothing is printed.
fn traced() -> bool {
    tracing::dispatcher::has_been_set()
}

/// What a server does in the normal course (starts, drains, stops): a
/// `tracing` info event; nothing without a subscriber.
pub(crate) fn server_event(name: &str, addr: std::net::SocketAddr, what: &str) {
    if traced() {
        tracing::info!(target: "genlet::server", server = name, %addr, "{what}");
    }
}

/// A server's trouble (an accept that failed): a `tracing` warning, or one
/// line on stderr without a subscriber.
pub(crate) fn server_trouble(name: &str, addr: std::net::SocketAddr, what: &str) {
    if traced() {
        tracing::warn!(target: "genlet::server", server = name, %addr, "{what}");
    } else {
        to_stderr(format_args!("server '{name}' on {addr}: {what}"));
    }
}

/// Reports a link callback's panic (the greenlet's result is unaffected).
pub(crate) fn link_panicked(name: &str, payload: &(dyn std::any::Any + Send)) {
    let message = crate::err::panic_message(payload);
    if traced() {
        tracing::error!(target: "genlet::panic", greenlet = name, "a link panicked: {message}");
    } else {
        to_stderr(format_args!(
            "a link of greenlet '{name}' panicked: {message}"
        ));
    }
}

/// Reports an unobserved panic through the hook.
pub(crate) fn report(error: &TaskError) {
    let hook = HOOK.read().unwrap_or_else(|e| e.into_inner()).clone();
    match hook {
        Some(hook) => hook(error),
        None if traced() => {
            tracing::error!(target: "genlet::panic", greenlet = error.name(), "{error}");
        }
        None => to_stderr(format_args!("{error}")),
    }
}
