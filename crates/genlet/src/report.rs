//! Reporting panics nobody will see: a greenlet that panicked and is never
//! joined is reported once through a hook (default: one line on stderr).

use std::sync::{Arc, RwLock};

use crate::err::TaskError;

type Hook = Arc<dyn Fn(&TaskError) + Send + Sync>;

static HOOK: RwLock<Option<Hook>> = RwLock::new(None);

/// Sets what happens to a panic in a greenlet that nobody joins, links or
/// waits for: called once per such panic, on the thread that noticed (the
/// one that finished the greenlet, or the one that dropped its handle). The
/// default prints one line on stderr: `genlet: greenlet 'name' panicked: …`.
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

/// Reports an unobserved panic through the hook.
pub(crate) fn report(error: &TaskError) {
    let hook = HOOK.read().unwrap_or_else(|e| e.into_inner()).clone();
    match hook {
        Some(hook) => hook(error),
        None => eprintln!("genlet: {error}"),
    }
}
