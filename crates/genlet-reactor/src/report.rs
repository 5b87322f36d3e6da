//! The one way library code reports to the user: every line the reactor
//! prints goes through [`report`], so that a later `tracing` integration has
//! one place to turn each event into a structured one (and nothing else in
//! the crate writes to stderr).

use std::sync::Arc;

use crate::detector::{BlockingReport, OnBlocking};

/// Something the reactor tells the user about.
pub(crate) enum Event<'a> {
    /// A task kept a thread busy too long (the blocking detector's default
    /// callback).
    Blocking(&'a BlockingReport),
    /// The hub could not do something it should have.
    Trouble(&'a str),
}

/// Reports `event`: today one line on stderr. A stderr that cannot be
/// written (closed) loses the line: `eprintln!` would panic, and reports
/// are made in `Drop`s and on the hub's own threads.
pub(crate) fn report(event: Event<'_>) {
    use std::io::Write;
    let line = match event {
        Event::Blocking(blocking) => blocking.to_string(),
        Event::Trouble(what) => format!("genlet-reactor: {what}"),
    };
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Reports trouble the hub cannot hand back as an error (in a `Drop`).
pub(crate) fn hub_trouble(what: &str) {
    report(Event::Trouble(what));
}

/// The blocking detector's default callback: one line on stderr, through
/// [`report`].
pub(crate) fn print_blocking() -> OnBlocking {
    Arc::new(|blocking| report(Event::Blocking(blocking)))
}
