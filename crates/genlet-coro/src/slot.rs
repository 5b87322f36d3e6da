//! Where a resume value meets a yield.
//!
//! Each step of a generator's body runs inside one `poll` of its future. The
//! driver ([`Body::drive`](crate::body::Body::drive)) puts a [`Slot`] on its own
//! stack, writes the input (a resume value, a thrown error or a close request)
//! into it, and polls the body with a [`Waker`] whose data pointer is the slot's
//! address. The yield future finds the slot again through `cx.waker()`, takes
//! the input and leaves its output there.
//!
//! Before the yield future touches a slot it checks three things, each of which
//! turns a misuse into a panic instead of undefined behaviour:
//!
//! 1. the waker's vtable is [`VTABLE`]: otherwise the handle is being awaited
//!    outside any generator (moved into a spawned task, say);
//! 2. the header's generator id equals the handle's: ids are unique for the life
//!    of the process, so a handle can never be read as another generator's
//!    (whose `Y`, `R`, `E` may differ);
//! 3. no other thread is using the slot: a live waker is `Sync`, so a scoped
//!    thread could otherwise poll a second yield on the same slot at the same
//!    time as the body. With `std` the slot must belong to the current thread;
//!    without it, each use claims the slot with an atomic flag.
//!
//! A live waker is only ever lent out (`&Waker`) for one poll, while the slot
//! is alive. Cloning it never copies the slot pointer: the clone is the outer
//! task's waker (async flavour) or a no-op waker (sync flavour).

use core::cell::Cell;
use core::future::Future;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr;
use core::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use crate::err::Interrupt;

/// What travels between the driver and the body during one step.
pub(crate) enum Transfer<Y, R, E> {
    /// Nothing (the input was taken, or a step continues without one).
    Empty,
    /// Input: the next resume value.
    Send(R),
    /// Input: an error thrown in.
    Throw(E),
    /// Input: a close request.
    Close,
    /// Output: the body yielded.
    Yielded(Y),
    /// Output: the body let an interrupt through; the driver finishes it.
    Unhandled(Interrupt<E>),
}

/// The part of a slot a yield reads before it knows the slot's type.
#[repr(C)]
pub(crate) struct Header {
    /// The id of the generator being driven.
    id: u64,
    /// The owner check's data (see `owner`).
    owner: owner::Owner,
    /// The outer task's waker in the async flavour, null in the sync one.
    outer: *const Waker,
    /// Whether a yield parked its value in this step ([`PARKED`]), and whether
    /// the waker was used after that ([`LOST`]): by some other future, which
    /// the body went on to await although the yield had suspended it (the
    /// yield lost a `select`/`or` race, say). Not an atomic, which would keep
    /// the slot from living in registers: a live waker is `Sync`, so it is
    /// only touched under the owner check (by a claim, or by `clone` and
    /// `wake_by_ref` once they passed it), and by the driver after the poll.
    after_yield: Cell<u8>,
}

/// No yield parked a value in this step.
const NONE: u8 = 0;
/// A yield parked its value in this step.
const PARKED: u8 = 1;
/// A yield parked its value and the waker was then cloned or woken.
const LOST: u8 = 2;

/// A slot: the header, then the typed transfer. `repr(C)` so a pointer to the
/// slot is a pointer to its header.
#[repr(C)]
pub(crate) struct Slot<Y, R, E> {
    header: Header,
    pub(crate) transfer: Transfer<Y, R, E>,
}

impl<Y, R, E> Slot<Y, R, E> {
    /// A slot for generator `id`, holding `transfer`, owned by this thread.
    #[inline]
    pub(crate) fn new(id: u64, transfer: Transfer<Y, R, E>, outer: Option<&Waker>) -> Self {
        Slot {
            header: Header {
                id,
                owner: owner::Owner::current(),
                outer: outer.map_or(ptr::null(), |w| w as *const Waker),
                after_yield: Cell::new(NONE),
            },
            transfer,
        }
    }

    /// True when, after a yield parked its value in this step, some other
    /// future used the waker: the body went on past that yield and is waiting
    /// on that future, so the parked value does not stand for a suspension.
    #[inline]
    pub(crate) fn yield_was_lost(&self) -> bool {
        self.header.after_yield.get() == LOST
    }

    /// Claims the transfer of generator `id`'s slot, found behind `waker`.
    ///
    /// # Panics
    ///
    /// If `waker` is not a live generator waker, belongs to another generator,
    /// or is being used from another thread while its generator runs.
    #[inline]
    pub(crate) fn claim(waker: &Waker, id: u64) -> Claim<'_, Y, R, E> {
        if !ptr::eq(waker.vtable(), &VTABLE) {
            outside_generator();
        }
        let slot = waker.data() as *mut Self;
        // SAFETY: a waker with `VTABLE` is only made by `poll_with`, whose data
        // pointer is a live `Slot` (header first, `repr(C)`) for as long as the
        // waker is lent out; safe code cannot keep it longer (its clones get
        // another vtable). The header's plain fields are never written during
        // a poll (its atomics may be, through shared references), and it is
        // valid to read whatever the slot's type parameters are: only shared
        // access to it is made here.
        let header = unsafe { &*(slot as *const Header) };
        if header.id != id {
            wrong_generator();
        }
        if !header.owner.enter() {
            wrong_thread();
        }
        // SAFETY: the id matches, and ids are never reused, so this is the slot
        // of the very generator this handle was made for: its types are
        // `Y, R, E` (the handle is invariant in them, so even their lifetimes are the slot's).
        // `enter` proved no other claim on it is alive: the driver does not
        // touch it until the poll returns, and claims on the same thread are
        // sequential (`Claim` never lives across a call into other code that
        // could claim it). The pointer was derived from `&mut Slot`.
        let transfer = unsafe { &mut *ptr::addr_of_mut!((*slot).transfer) };
        Claim { transfer, header }
    }
}

/// Exclusive access to a slot's transfer, for the duration of one yield poll.
pub(crate) struct Claim<'a, Y, R, E> {
    transfer: &'a mut Transfer<Y, R, E>,
    header: &'a Header,
}

impl<Y, R, E> Claim<'_, Y, R, E> {
    /// Suspends the body with `value`: leaves it for the driver.
    #[inline]
    pub(crate) fn park(&mut self, value: Y) {
        *self.transfer = Transfer::Yielded(value);
        // The claim passed the owner check: no other thread is here.
        self.header.after_yield.set(PARKED);
    }
}

impl<Y, R, E> core::ops::Deref for Claim<'_, Y, R, E> {
    type Target = Transfer<Y, R, E>;

    #[inline]
    fn deref(&self) -> &Self::Target {
        self.transfer
    }
}

impl<Y, R, E> core::ops::DerefMut for Claim<'_, Y, R, E> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.transfer
    }
}

impl<Y, R, E> Drop for Claim<'_, Y, R, E> {
    #[inline]
    fn drop(&mut self) {
        self.header.owner.leave();
    }
}

/// Polls `fut` once with a context whose waker carries `slot`.
///
/// Takes the future rather than a closure, and is always inlined (as is
/// [`Body::drive`](crate::body::Body::drive)), so that a step where the body's
/// poll is inlined compiles to one piece of code: the slot then lives in
/// registers and the vtable and owner checks of [`Slot::claim`] fold away.
#[inline(always)]
pub(crate) fn poll_with<Y, R, E, F: Future>(
    slot: &mut Slot<Y, R, E>,
    fut: Pin<&mut F>,
) -> Poll<F::Output> {
    let data = slot as *mut Slot<Y, R, E> as *const ();
    // SAFETY: `VTABLE`'s functions uphold the `RawWaker` contract: they read
    // the header's `outer` pointer (set before the poll, unchanged during it)
    // and forward to that waker, which is `Send + Sync`; they touch the
    // `after_yield` cell only after the owner check, which no two threads pass
    // at once; `drop` and `wake` do nothing. The waker is only lent out for
    // the duration of this poll, while `slot` is alive.
    let waker = unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) };
    // Its drop does nothing: skip the call through the vtable.
    let waker = ManuallyDrop::new(waker);
    fut.poll(&mut Context::from_waker(&waker))
}

/// The vtable that marks a live generator waker. A `static` so its address is
/// unique.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop);

/// Notes that a future other than a yield is using the waker: if a yield
/// parked a value earlier in this step, that yield was lost.
#[inline]
fn used_after_yield(header: &Header) {
    // Off the owner thread (or while another thread holds the slot, without
    // `std`) the mark is skipped: a waker used from elsewhere is not the body
    // awaiting a future, and the cell must not be raced on.
    if header.owner.enter() {
        if header.after_yield.get() == PARKED {
            header.after_yield.set(LOST);
        }
        header.owner.leave();
    }
}

unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: called through a live waker, whose data is a live header.
    let header = unsafe { &*(data as *const Header) };
    used_after_yield(header);
    let outer = header.outer;
    let waker = if outer.is_null() {
        Waker::noop().clone()
    } else {
        // SAFETY: `outer` is the lent waker of the poll in progress.
        unsafe { (*outer).clone() }
    };
    let raw = RawWaker::new(waker.data(), waker.vtable());
    core::mem::forget(waker);
    raw
}

unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: called through a live waker, whose data is a live header.
    let header = unsafe { &*(data as *const Header) };
    used_after_yield(header);
    let outer = header.outer;
    if !outer.is_null() {
        // SAFETY: `outer` is the lent waker of the poll in progress.
        unsafe { (*outer).wake_by_ref() }
    }
}

// Only an owned waker is woken or dropped, and the only owned waker with this
// vtable is the one `poll_with` lends out; its drop has nothing to release.
unsafe fn wake(_: *const ()) {}
unsafe fn drop(_: *const ()) {}

#[cold]
#[inline(never)]
fn outside_generator() -> ! {
    panic!(
        "genlet-coro: a yield handle (`Co`) was awaited outside its generator's body \
         (was it moved into another task or future?); a yield must be awaited \
         directly in the body of the generator the handle was made for"
    )
}

#[cold]
#[inline(never)]
fn wrong_generator() -> ! {
    panic!(
        "genlet-coro: a yield handle (`Co`) was awaited inside a different generator \
         than the one it was made for (to pass a sub-generator's values through, \
         use `yield_from`)"
    )
}

#[cold]
#[inline(never)]
fn wrong_thread() -> ! {
    panic!(
        "genlet-coro: a yield handle (`Co`) was awaited on another thread while its \
         generator was running; yields must happen on the thread resuming the generator"
    )
}

/// Which thread may use a slot while its generator runs.
///
/// With `std`: the thread that made the slot, recognised by the address of a
/// thread-local (a few instructions to read). Without `std`: whoever holds an
/// atomic flag, taken for the span of each claim, so two threads can never
/// hold a claim at once.
mod owner {
    #[cfg(feature = "std")]
    mod imp {
        std::thread_local! {
            static MARKER: u8 = const { 0 };
        }

        pub(crate) struct Owner(*const u8);

        impl Owner {
            #[inline]
            pub(crate) fn current() -> Self {
                Owner(MARKER.with(|m| m as *const u8))
            }

            /// True when called on the thread that made the slot.
            #[inline]
            pub(crate) fn enter(&self) -> bool {
                self.0 == Self::current().0
            }

            #[inline]
            pub(crate) fn leave(&self) {}
        }
    }

    #[cfg(not(feature = "std"))]
    mod imp {
        use core::sync::atomic::{AtomicBool, Ordering};

        pub(crate) struct Owner(AtomicBool);

        impl Owner {
            #[inline]
            pub(crate) fn current() -> Self {
                Owner(AtomicBool::new(false))
            }

            /// True when nobody else holds the slot; takes it.
            #[inline]
            pub(crate) fn enter(&self) -> bool {
                !self.0.swap(true, Ordering::Acquire)
            }

            #[inline]
            pub(crate) fn leave(&self) {
                self.0.store(false, Ordering::Release);
            }
        }
    }

    pub(crate) use imp::Owner;
}
