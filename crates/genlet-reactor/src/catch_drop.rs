//! A task's future whose destructor may panic: the panic is caught and
//! reported, where async-task would abort the process.
//!
//! async-task drops a task's future under an abort-on-unwind guard: when the
//! task is cancelled (its handle dropped, [`Task::cancel`], the hub
//! dropped) or after it finished. A user's destructor that panics there
//! would take the whole process down, every other task with it. Every hub
//! task, and every [`spawn_local`] task, is wrapped in [`CatchDrop`]: its
//! future is dropped inside `catch_unwind`, the panic is reported on the
//! hub's report channel, and the rest of the task (its place in the live
//! set, its other locals) is dropped as usual. A panic while the future is
//! polled is the task's result, as before (see [`Task`]).
//!
//! What it does not cover: a task's *output* whose destructor panics when
//! async-task drops it (a detached task's, or a cancelled one's), and a
//! second destructor that panics while the first one's panic unwinds,
//! which Rust itself answers with an abort.
//!
//! [`Task`]: async_task::Task
//! [`Task::cancel`]: async_task::Task::cancel
//! [`spawn_local`]: crate::spawn_local

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::report;

pin_project_lite::pin_project! {
    /// `future`, dropped with its panic caught (see the module docs).
    pub(crate) struct CatchDrop<F> {
        // `None` once dropped.
        #[pin]
        future: Option<F>,
    }

    impl<F> PinnedDrop for CatchDrop<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut future = this.project().future;
            // An assignment whose drop panics still stores the new value
            // (rustc stores it on the unwind edge too), so the future is
            // `None`, and dropped once, either way.
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| future.set(None))) {
                report::hub_trouble(&format!(
                    "a task's future panicked while it was dropped ({}); \
                     the panic was caught so that the process goes on",
                    message(&*payload)
                ));
                drop_quietly(payload);
            }
        }
    }
}

impl<F> CatchDrop<F> {
    pub(crate) fn new(future: F) -> Self {
        CatchDrop {
            future: Some(future),
        }
    }
}

impl<F: Future> Future for CatchDrop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project()
            .future
            .as_pin_mut()
            .expect("a task's future is only dropped with its task")
            .poll(cx)
    }
}

/// The message of a panic payload, if it is a string (the placeholder is
/// the one genlet-ythread's `JobError` and genlet's `TaskError` show).
fn message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "<a panic payload that is not a string>"
    }
}

/// Drops a panic payload; one whose own destructor panics is leaked.
fn drop_quietly(payload: Box<dyn Any + Send>) {
    if let Err(inner) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        core::mem::forget(inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Bomb;

    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("bomb");
        }
    }

    struct Count(Arc<AtomicUsize>);

    impl Drop for Count {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_panicking_destructor_is_caught_and_the_rest_dropped() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let count = Count(dropped.clone());
        let future = CatchDrop::new(async move {
            let _count = count;
            let _bomb = Bomb;
            core::future::pending::<()>().await;
        });
        let mut future = Box::pin(future);
        let waker = core::task::Waker::noop();
        assert!(
            future
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_pending()
        );
        drop(future);
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_output_passes_through() {
        let future = CatchDrop::new(async { 3 });
        assert_eq!(futures_lite::future::block_on(future), 3);
    }

    #[test]
    fn messages_are_read_from_both_string_kinds() {
        assert_eq!(message(&"static"), "static");
        assert_eq!(message(&String::from("owned")), "owned");
        assert_eq!(message(&5_u8), "<a panic payload that is not a string>");
    }
}
