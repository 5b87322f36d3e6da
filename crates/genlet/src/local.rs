//! [`Local`]: greenlet-local values (gevent's `local`, tokio's
//! `task_local!`): each greenlet sees its own, set by itself; outside a
//! greenlet, each OS thread has its own (as each thread's main greenlet does
//! in gevent).

use core::any::Any;
use core::fmt;
use core::marker::PhantomData;
use core::sync::atomic::AtomicU8;
use std::sync::{Arc, Mutex, MutexGuard};

/// The values one greenlet (or one thread, outside greenlets) holds, keyed
/// by the address of their [`Local`].
#[derive(Default)]
pub(crate) struct Locals(Mutex<Vec<(usize, Arc<dyn Any + Send + Sync>)>>);

impl Locals {
    fn lock(&self) -> MutexGuard<'_, Vec<(usize, Arc<dyn Any + Send + Sync>)>> {
        // No user code runs under the lock (values are dropped outside it).
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: usize) -> Option<Arc<dyn Any + Send + Sync>> {
        self.lock()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }

    fn set(
        &self,
        key: usize,
        value: Option<Arc<dyn Any + Send + Sync>>,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        let mut values = self.lock();
        let at = values.iter().position(|(k, _)| *k == key);
        match (at, value) {
            (Some(at), Some(value)) => Some(core::mem::replace(&mut values[at].1, value)),
            (Some(at), None) => Some(values.swap_remove(at).1),
            (None, Some(value)) => {
                values.push((key, value));
                None
            }
            (None, None) => None,
        }
    }

    /// Takes every value out, for the caller to drop (outside the lock).
    pub(crate) fn take(&self) -> Vec<(usize, Arc<dyn Any + Send + Sync>)> {
        core::mem::take(&mut *self.lock())
    }
}

impl fmt::Debug for Locals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Locals")
            .field("len", &self.lock().len())
            .finish()
    }
}

std::thread_local! {
    /// The values of code running outside any greenlet on this thread.
    static THREAD: Locals = Locals::default();
}

/// Runs `f` with the locals of the current greenlet, or of this thread;
/// `None` while the thread exits (in the destructor of a thread-local, its
/// own values' included), when there are none to run it with.
fn with_locals<R>(f: impl FnOnce(&Locals) -> R) -> Option<R> {
    let mut f = Some(f);
    let in_greenlet = crate::greenlet::with_current_locals(|locals| f.take().map(|f| f(locals)));
    match in_greenlet {
        Some(seen) => seen,
        None => THREAD
            .try_with(|locals| f.take().map(|f| f(locals)))
            .ok()
            .flatten(),
    }
}

/// A greenlet-local value (gevent's `local`, tokio's `task_local!`):
/// declare it as a `static`; each greenlet that sets it sees its own value,
/// and code outside any greenlet sees its OS thread's own.
///
/// A greenlet starts with none: values are **not inherited** by the
/// greenlets it spawns (gevent's `local` is not either). Pass on what a
/// child needs by moving it into the child's future, or setting it there.
/// A greenlet's values are dropped when it finishes or is killed, after
/// its future: the future's destructors still see them, and a value's own
/// destructor runs outside the greenlet (reading a `Local` there sees the
/// thread's values). A thread's own values are dropped when it exits; while
/// it exits (in the destructor of a thread-local, those values' own
/// included) there are none: reads see nothing and `set` drops its value.
///
/// Declare it as a `static`: a `const` does not compile.
///
/// ```compile_fail
/// const NOT_A_KEY: genlet::Local<u8> = genlet::Local::new();
/// NOT_A_KEY.set(1); // a temporary: no `'static` address to key on
/// ```
///
/// Values are shared as [`Arc`]s, so reading one never holds a lock while
/// your code runs: put a `Mutex` or an atomic inside to change them in place.
///
/// # Examples
///
/// ```
/// static REQUEST_ID: genlet::Local<u64> = genlet::Local::new();
///
/// async fn log(line: &str) -> String {
///     format!("[{}] {line}", REQUEST_ID.get().unwrap_or(0))
/// }
///
/// genlet::run(async {
///     let requests: Vec<_> = (1..=3)
///         .map(|id| genlet::spawn(async move {
///             REQUEST_ID.set(id);
///             genlet::yield_now().await; // the others run meanwhile
///             log("done").await
///         }))
///         .collect();
///     for (id, g) in (1..=3).zip(requests) {
///         assert_eq!(g.join().await.unwrap(), format!("[{id}] done"));
///     }
///     // A child does not inherit its parent's value.
///     let parent = genlet::spawn(async {
///         REQUEST_ID.set(7);
///         genlet::spawn(async { REQUEST_ID.get() }).join().await.unwrap()
///     });
///     assert_eq!(parent.join().await.unwrap(), None);
/// });
/// ```
pub struct Local<T> {
    /// Gives every `Local` its own address (its key). Atomic, so that a
    /// `const` cannot stand in for a `static`: a `const Local` would be a
    /// fresh temporary at each use, and does not compile.
    _key: AtomicU8,
    _value: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Local<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Local")
    }
}

impl<T> Local<T> {
    /// A key with no value anywhere yet; `const`, for a `static`.
    ///
    /// # Examples
    ///
    /// See [`Local`].
    pub const fn new() -> Self {
        Local {
            _key: AtomicU8::new(0),
            _value: PhantomData,
        }
    }

    fn key(&'static self) -> usize {
        core::ptr::from_ref(self).addr()
    }
}

impl<T: Send + Sync + 'static> Local<T> {
    /// Sets the current greenlet's value (this thread's, outside
    /// greenlets); returns the one it replaced.
    ///
    /// # Examples
    ///
    /// ```
    /// static USER: genlet::Local<String> = genlet::Local::new();
    ///
    /// genlet::run(async {
    ///     genlet::spawn(async {
    ///         assert!(USER.set("ada".into()).is_none());
    ///         assert_eq!(USER.set("grace".into()).as_deref().map(String::as_str), Some("ada"));
    ///     })
    ///     .await
    ///     .unwrap();
    /// });
    /// ```
    pub fn set(&'static self, value: T) -> Option<Arc<T>> {
        let key = self.key();
        with_locals(|locals| locals.set(key, Some(Arc::new(value))))
            .flatten()
            .and_then(|old| old.downcast::<T>().ok())
    }

    /// Removes the current greenlet's value; returns it.
    ///
    /// # Examples
    ///
    /// ```
    /// static DEPTH: genlet::Local<u32> = genlet::Local::new();
    ///
    /// DEPTH.set(1); // outside greenlets: this thread's value
    /// assert_eq!(DEPTH.remove().as_deref(), Some(&1));
    /// assert_eq!(DEPTH.get(), None);
    /// ```
    pub fn remove(&'static self) -> Option<Arc<T>> {
        let key = self.key();
        with_locals(|locals| locals.set(key, None))
            .flatten()
            .and_then(|old| old.downcast::<T>().ok())
    }

    /// Calls `f` with the current greenlet's value, if it has one.
    ///
    /// # Examples
    ///
    /// ```
    /// static NAMES: genlet::Local<Vec<&str>> = genlet::Local::new();
    ///
    /// NAMES.set(vec!["a", "b"]);
    /// assert_eq!(NAMES.with(|names| names.map_or(0, Vec::len)), 2);
    /// ```
    pub fn with<R>(&'static self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let key = self.key();
        let value = with_locals(|locals| locals.get(key))
            .flatten()
            .and_then(|v| v.downcast::<T>().ok());
        f(value.as_deref())
    }

    /// The current greenlet's value, shared.
    ///
    /// # Examples
    ///
    /// ```
    /// static CONFIG: genlet::Local<&str> = genlet::Local::new();
    ///
    /// assert!(CONFIG.get_arc().is_none());
    /// ```
    pub fn get_arc(&'static self) -> Option<Arc<T>> {
        let key = self.key();
        with_locals(|locals| locals.get(key))
            .flatten()
            .and_then(|v| v.downcast::<T>().ok())
    }
}

impl<T: Clone + Send + Sync + 'static> Local<T> {
    /// A copy of the current greenlet's value.
    ///
    /// # Examples
    ///
    /// See [`Local`].
    pub fn get(&'static self) -> Option<T> {
        self.with(|value| value.cloned())
    }
}

impl<T> Default for Local<T> {
    fn default() -> Self {
        Local::new()
    }
}
