//! The state shared by [`Gen`](crate::Gen) and [`AsyncGen`](crate::AsyncGen):
//! a body that is not started yet (the closure), running (its future), or
//! finished; and [`Body::drive`], one step of it.

use core::future::Future;
use core::mem;
use core::pin::Pin;
use core::task::{Poll, Waker};

use crate::co::Co;
use crate::err::Interrupt;
use crate::slot::{self, Slot, Transfer};

/// How one step of a body ended.
pub(crate) enum Outcome<Y, T, E> {
    /// The body suspended at a yield with this value.
    Yielded(Y),
    /// The body returned.
    Complete(T),
    /// The interrupt was not handled: the body is finished (or never ran).
    Unhandled(Interrupt<E>),
}

enum State<F, Fut> {
    /// Created, not resumed yet: the closure waits for the first resume value.
    Start(F),
    /// Running: suspended at a yield or (async flavour) in mid-step.
    Run(Fut),
    /// Returned, or finished by an unhandled interrupt.
    Done,
    /// Finished by a panic: in the body, in its closure, or a misuse reported
    /// by `resume`. Like `Done`, except that resuming says so.
    Panicked,
}

/// A generator body. Structurally pinned: `Fut` is pinned, `F` is not.
pub(crate) struct Body<F, Fut> {
    /// Zero until started.
    id: u64,
    /// Set while the body is polled: still set afterwards only if that poll
    /// panicked, and then the body counts as [`State::Panicked`] (its future,
    /// poisoned, is dropped by the next call or with the generator). Two plain
    /// stores per step: cheaper than a drop guard, whose landing pad would
    /// keep the body's poll from being optimised as well.
    in_poll: bool,
    state: State<F, Fut>,
}

impl<F, Fut: Future> Body<F, Fut> {
    #[inline]
    pub(crate) const fn new(f: F) -> Self {
        Body {
            id: 0,
            in_poll: false,
            state: State::Start(f),
        }
    }

    #[inline]
    pub(crate) fn is_finished(&self) -> bool {
        self.in_poll || matches!(self.state, State::Done | State::Panicked)
    }

    #[inline]
    pub(crate) fn is_started(&self) -> bool {
        !matches!(self.state, State::Start(_))
    }

    /// Drops the body in place (running its live destructors) before `resume`
    /// reports a misuse with a panic: the generator counts as panicked.
    pub(crate) fn abandon(self: Pin<&mut Self>) {
        // SAFETY: the assignment drops `Fut` in place; nothing is moved.
        unsafe { self.get_unchecked_mut() }.state = State::Panicked;
    }

    /// Drops the body in place (running its live destructors).
    #[inline]
    fn finish(&mut self) {
        // Overwriting a pinned `Fut` in place drops it there, as the pinning
        // contract requires; it is never moved. `Panicked` first: should one
        // of the body's destructors panic, the generator counts as panicked.
        self.state = State::Panicked;
        self.state = State::Done;
    }

    /// Starts the body with the first resume value, in `transfer` (a
    /// `Transfer::Send`); the body must be in `State::Start`.
    #[inline]
    fn start<Y, R, E>(&mut self, transfer: &mut Transfer<Y, R, E>)
    where
        F: FnOnce(Co<Y, R, E>, R) -> Fut,
    {
        let Transfer::Send(first) = mem::replace(transfer, Transfer::Empty) else {
            unreachable!()
        };
        // `Panicked` while the closure runs: should it panic, the generator
        // is finished.
        let State::Start(f) = mem::replace(&mut self.state, State::Panicked) else {
            unreachable!()
        };
        self.id = crate::id::next();
        self.state = State::Run(f(Co::new(self.id), first));
    }

    /// The rare cases of a step, kept out of line so that `drive` stays small
    /// enough to inline: an input reaching a body whose last poll panicked, or
    /// a throw or close reaching one that never started, or any input one
    /// that already finished. (The first resume of a body that never started
    /// is [`start`](Body::start), inline.)
    ///
    /// The step ends here, without polling the body.
    #[cold]
    #[inline(never)]
    fn refuse<Y, R, E>(&mut self, transfer: Transfer<Y, R, E>) -> Outcome<Y, Fut::Output, E> {
        if self.in_poll {
            // The last poll panicked: drop the poisoned future in place.
            self.in_poll = false;
            self.state = State::Panicked;
        }
        match (&self.state, transfer) {
            (State::Start(_) | State::Done, Transfer::Throw(e)) => {
                self.finish();
                Outcome::Unhandled(Interrupt::Throw(e))
            }
            (State::Start(_) | State::Done, Transfer::Close) => {
                self.finish();
                Outcome::Unhandled(Interrupt::Close)
            }
            // A panicked body keeps its state, so that resuming it keeps saying
            // why it is finished.
            (State::Panicked, Transfer::Throw(e)) => Outcome::Unhandled(Interrupt::Throw(e)),
            (State::Panicked, Transfer::Close) => Outcome::Unhandled(Interrupt::Close),
            (State::Panicked, _) => resumed_after_panic(),
            (State::Done, _) => resumed_after_completion(),
            // Unreachable: the first resume is `start`'s, a step cannot be in
            // progress before the start, and a running body is never handed
            // here.
            _ => unreachable!("genlet-coro: no input for the first step"),
        }
    }

    /// Runs one step: hands `transfer` (an input, or `Empty` to continue a step
    /// in progress) to the body and polls it until it suspends.
    ///
    /// Returns `None` when the body is waiting on some other future; `transfer`
    /// then holds the input if the body did not take it.
    ///
    /// # Panics
    ///
    /// When asked to send a value into a finished body.
    //
    // Always inlined, with `slot::poll_with`: see `Gen::step`.
    #[inline(always)]
    pub(crate) fn drive<Y, R, E>(
        self: Pin<&mut Self>,
        transfer: &mut Transfer<Y, R, E>,
        outer: Option<&Waker>,
    ) -> Option<Outcome<Y, Fut::Output, E>>
    where
        F: FnOnce(Co<Y, R, E>, R) -> Fut,
    {
        // SAFETY: `Fut` is never moved out of `State::Run`: it is polled through
        // `Pin::new_unchecked` in place and dropped in place (by `finish` or the
        // body's own drop). `F` is not structurally pinned, so moving it out of
        // `State::Start` is fine.
        let this = unsafe { self.get_unchecked_mut() };
        if this.in_poll || !matches!(this.state, State::Run(_)) {
            if !this.in_poll
                && matches!(this.state, State::Start(_))
                && matches!(transfer, Transfer::Send(_))
            {
                // The first resume: inline, so that a generator made and
                // resumed in one place (a loop's iterator, say) is started
                // without a call.
                this.start(transfer);
            } else {
                // By value: `transfer`'s address is never taken, so in the
                // synchronous flavour it can live in registers.
                return Some(this.refuse(mem::replace(transfer, Transfer::Empty)));
            }
        }
        let State::Run(fut) = &mut this.state else {
            unreachable!()
        };
        // SAFETY: see above: `fut` stays where it is until dropped in place.
        let fut = unsafe { Pin::new_unchecked(fut) };
        let mut slot = Slot::new(this.id, mem::replace(transfer, Transfer::Empty), outer);
        // Should the body panic, `in_poll` stays set: the body is finished
        // (`close` and `throw` run no code, `resume` says why).
        this.in_poll = true;
        let polled = slot::poll_with(&mut slot, fut);
        this.in_poll = false;
        match polled {
            Poll::Ready(value) => {
                if matches!(
                    slot.transfer,
                    Transfer::Send(_)
                        | Transfer::Throw(_)
                        | Transfer::Close
                        | Transfer::Unhandled(_)
                ) {
                    // The body returned past the yield it was suspended at,
                    // which never took (or never raised) this step's input:
                    // that yield was dropped, having lost a race. Reporting
                    // the return would lose the resume value or the error.
                    this.state = State::Panicked;
                    drop(value);
                    input_not_taken();
                }
                this.finish();
                Some(Outcome::Complete(value))
            }
            Poll::Pending => match mem::replace(&mut slot.transfer, Transfer::Empty) {
                // Synchronous flavour: a yield parked its value, but the body
                // went on past it (the yield lost a race) and now waits on some
                // other future. That value was never yielded: report the
                // foreign future instead (the caller drops the body).
                Transfer::Yielded(_) if outer.is_none() && slot.yield_was_lost() => None,
                Transfer::Yielded(value) => Some(Outcome::Yielded(value)),
                Transfer::Unhandled(interrupt) => {
                    this.finish();
                    Some(Outcome::Unhandled(interrupt))
                }
                untaken => {
                    *transfer = untaken;
                    None
                }
            },
        }
    }
}

#[cold]
#[inline(never)]
fn input_not_taken() -> ! {
    panic!(
        "genlet-coro: the body returned without taking the resume value, thrown \
         error or close sent to it: the yield it was suspended at was dropped \
         (it lost a race inside select!, `or` or `zip`?); await each yield directly"
    )
}

#[cold]
#[inline(never)]
fn resumed_after_panic() -> ! {
    panic!("genlet-coro: generator resumed after it panicked (a panic finishes a generator)")
}

#[cold]
#[inline(never)]
fn resumed_after_completion() -> ! {
    panic!("genlet-coro: generator resumed after completion")
}
