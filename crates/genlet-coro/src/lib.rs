//! Generator-style stackless coroutines on stable Rust.
//!
//! Python has generators that are resumed with values (`send`), thrown into
//! (`throw`), closed (`close`), that delegate (`yield from`) and return a value.
//! Rust has them only on nightly (`#[coroutine]` closures and
//! `core::ops::Coroutine`). This crate gives stable Rust the same thing, with
//! the nightly trait's shape, Python's semantics and no allocation per resume.
//!
//! # A first generator
//!
//! A generator is an `async` body that receives a yield handle [`Co`] and the
//! **first resume value**. `co.yield_(v).await` suspends it with `v` and
//! evaluates to the next resume value; what the body returns comes out as
//! [`CoroutineState::Complete`].
//!
//! ```
//! use core::pin::pin;
//! use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
//!
//! // An accumulator: resumed with numbers, yields how many it has seen.
//! let mut acc = pin!(Gen::new(|co: Co<u32, u64>, first: u64| async move {
//!     let (mut sum, mut seen) = (first, 1);
//!     while sum < 100 {
//!         sum += co.yield_(seen).await;
//!         seen += 1;
//!     }
//!     sum
//! }));
//! assert_eq!(acc.as_mut().resume(10), CoroutineState::Yielded(1)); // 10 is not lost
//! assert_eq!(acc.as_mut().resume(50), CoroutineState::Yielded(2));
//! assert_eq!(acc.as_mut().resume(60), CoroutineState::Complete(120));
//! ```
//!
//! Nothing runs until the first resume (like calling a Python generator
//! function). Pin the generator on the stack with [`core::pin::pin!`] (no
//! allocation at all) or in a box with `Box::pin` (one allocation, and
//! `Pin<Box<dyn Coroutine<…>>>` works). Resuming never allocates.
//!
//! # The pieces
//!
//! | item | what it is | Python |
//! |---|---|---|
//! | [`Coroutine`], [`CoroutineState`] | the nightly `core::ops::Coroutine` shape, with its blanket impls | the generator protocol |
//! | [`Gen`] | a generator from an `async` body, driven synchronously | a generator function |
//! | [`Co::yield_`] | suspend with a value, evaluate to the next resume value | `x = yield v` |
//! | [`Generator::throw`] / [`Generator::close`] | raise an error at the yield / ask the body to finish | `g.throw(e)` / `g.close()` |
//! | [`Yield::catch`] | see throws and closes at a yield | `try: … except` around `yield` |
//! | [`Co::yield_from`] | delegate to a sub-generator (PEP 380) | `yield from sub` |
//! | [`Iter`] | a coroutine resumed with `()` as an [`Iterator`] | `for x in g` |
//! | [`AsyncGen`] | a body that may also await real futures; a [`Stream`](futures_core::Stream) | an async generator |
//! | `generator!` (feature `macros`) | a generator function with `yield_!(v)` | a `def` with `yield` |
//! | [`Closing`] | a generator closed when dropped | finalisation (PEP 342) |
//! | [`FromCoroutine`] | any [`Coroutine`] as a [`Generator`], to delegate to it | an iterator without `throw` |
//! | [`Co::yield_from_iter`], [`FromIter`] | delegate to any [`IntoIterator`] | `yield from range(3)` |
//!
//! # Python semantics, and how they map
//!
//! * `send(x)`: [`resume(x)`](Coroutine::resume). The first value is the body's
//!   second parameter, never dropped (genawaiter drops it, #35; Python makes
//!   it a `TypeError`).
//! * Return: the body's value comes out as `Complete`; resuming afterwards
//!   panics ("generator resumed after completion"), as on nightly.
//! * `throw(e)`: a plain `co.yield_(v).await` lets the error through, like a
//!   Python body without `try`: the body is dropped where it stands (its
//!   destructors run, as `finally` blocks would) and `throw` returns `Err(e)`.
//!   A body that awaits [`co.yield_(v).catch()`](Yield::catch) gets
//!   `Err(Interrupt::Throw(e))` and may go on: `throw` then returns what it
//!   yields or returns next. On a never-started or finished generator no code
//!   runs and `Err(e)` comes back.
//! * `close()`: the same with [`Interrupt::Close`] (`GeneratorExit`): `Ok(None)`
//!   when the body lets it through, `Ok(Some(value))` when it catches it and
//!   returns (Python 3.13), `Err(IgnoredClose(y))` when it yields instead.
//!   Idempotent; a no-op when never started or finished.
//! * An exception in the body: a panic unwinds through the call that ran the
//!   body and finishes the generator. As in Python, `close()` is then a no-op
//!   (`Ok(None)`), `throw(e)` hands `e` back without running code and
//!   `is_finished()` is true; resuming panics ("generator resumed after it
//!   panicked").
//! * Finalisation: dropping a suspended generator drops its body, running the
//!   destructors of everything alive at the yield. For Python's full
//!   behaviour, where a collected generator is closed and its `except
//!   GeneratorExit` code runs, wrap it in [`Closing`]: dropped, it delivers a
//!   close to the suspended yield first. (An [`AsyncGen`] cannot be closed by
//!   a drop, which cannot await: `close().await` it first.)
//! * `yield from sub`: [`co.yield_from(sub, first)`](Co::yield_from) starts
//!   `sub` with `first` (Python starts it with `None`; Rust has no `None` of
//!   every type), forwards resumes, throws and closes, and evaluates to
//!   `sub`'s return value, at the cost of one call per level.
//! * "generator already executing": resuming needs `Pin<&mut Self>`, so a body
//!   cannot reach its own generator; the borrow checker refuses it (and a
//!   `RefCell` around a generator refuses it at run time).
//!
//! The `throw` error type is the handle's third parameter: `Co<Y, R, E>`. It
//! defaults to [`Infallible`](core::convert::Infallible), so annotate the
//! handle as `Co<Y>` or `Co<Y, R>` when you do not throw.
//!
//! # Soundness
//!
//! The stable generator crates before this one had soundness bugs: a yield
//! handle escaping its generator, a thread-local slot read as the wrong type,
//! scoped APIs defeated by `mem::forget`. This crate has none of those shapes:
//!
//! * The yield handle is a plain id, not a pointer: it can be copied or moved
//!   anywhere without dangling. Each step of the body runs inside one `poll`
//!   whose waker carries a pointer to a slot on the driver's stack; a yield
//!   finds the slot through that waker and checks that it is a generator waker,
//!   that it belongs to the handle's own generator (ids are unique for the
//!   life of the process, so memory reuse cannot fool the check) and that it is
//!   used on the thread driving it. Any other use panics naming the misuse.
//! * No thread-local holds a pointer or a value; clones of the waker never
//!   carry the slot pointer.
//! * No scoped API, so nothing for `mem::forget` to defeat.
//! * `Send`/`Sync` come from the compiler's own analysis of the body's future:
//!   a generator is `Send` exactly when its closure and the state its body keeps
//!   across a yield are `Send`. The one difference from nightly: that state
//!   includes the yield future, which holds the yielded value's type, so the
//!   yield type must be `Send` too. The handle is always `Send + Sync`.
//! * The handle, the yield futures, a delegation and the generators are
//!   invariant in their yield, resume and error types: values cross a yield in
//!   both directions (a thrown error comes back out of the yield that catches
//!   it), so no lifetime in them can be lengthened or shortened: a body
//!   cannot see a thrown `&'a str` as a `&'static str`.
//! * A `Gen` body that awaits a future other than its own yields (a timer, a
//!   socket) panics with a message pointing to [`AsyncGen`], instead of
//!   hanging or misbehaving.
//!
//! The crate's tests, including a property test against a reference model of
//! Python's semantics, pass under Miri.
//!
//! # Performance
//!
//! A resume writes the value into the slot, polls the body once (the yield
//! future takes the value, the body runs to the next yield, which leaves its
//! value in the slot) and reads the slot back. Nothing is allocated, and with
//! the generator pinned on the stack everything inlines. See the workspace
//! README for the benchmark (`cargo bench -p genlet-coro`) beside nightly
//! coroutines, a hand-written state machine and genawaiter.
//!
//! # Features
//!
//! The crate is `#![no_std]`.
//!
//! * `std` (default): ids come from per-thread blocks and the owner check is a
//!   thread-local address compare. Without it, each new generator takes one
//!   atomic add, and each yield claims its slot with an atomic flag instead (a
//!   little slower). That flag cannot tell threads apart, so the compiler
//!   does instead: a yield future (and a delegation) is `Send` only when its
//!   resume and error types are, and a body that could move one to another
//!   thread with an `Rc` to receive does not compile. Same guarantees.
//! * `alloc` (implied by `std`): the `Box<G>` and `Pin<Box<G>>` impls.
//! * `macros` (default): the `generator!` macro, a generator function with
//!   its yield, resume, error and return types in one signature and
//!   `yield_!(v)` in its body. A `macro_rules!` macro: no dependencies.
//!
//! It builds on every target with atomic compare-and-swap, including those
//! whose widest atomic is 32 bits (Cortex-M such as `thumbv7em-none-eabihf`).
//! There ids are counted in 32-bit blocks: without `std` a process can then
//! make 2^32 - 2 (about 4.3 billion) generators, after which the first resume
//! of a new one panics ("generator ids exhausted") rather than reuse an id;
//! with `std` the limit is 2^48. Targets without compare-and-swap
//! (`thumbv6m-none-eabi`) get a compile error saying so.
#![no_std]
#![doc(test(attr(deny(warnings))))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod async_gen;
mod body;
mod closing;
mod co;
mod coroutine;
mod err;
mod from_coroutine;
mod from_iter;
mod id;
mod iter;
#[cfg(feature = "macros")]
mod macros;
mod slot;
mod sync_gen;

/// The marker of the type parameters a generator's parts both take in and
/// hand out (yielded values, resume values, thrown errors): invariant in `T`,
/// so that no lifetime in them can be lengthened or shortened, and `Send +
/// Sync` whatever `T` is.
type Invariant<T> = core::marker::PhantomData<fn(T) -> T>;

/// The marker of the values a yield receives on the thread that polls it
/// (resume values, thrown errors). With `std` the yield checks that it is
/// polled on the thread driving its generator, so it may be `Send` whatever
/// they are: nothing. Without `std` that check cannot tell threads apart
/// (it sees only that nobody else holds the slot at that instant), so the
/// yield is `Send` only when they are: a body could otherwise poll it on
/// another thread and receive an `Rc` there.
#[cfg(feature = "std")]
type ThreadBound<T> = core::marker::PhantomData<fn(T) -> T>;
#[cfg(not(feature = "std"))]
type ThreadBound<T> = core::marker::PhantomData<T>;

pub use async_gen::AsyncGen;
pub use closing::Closing;
pub use co::{Catch, Co, Yield, YieldFrom};
pub use coroutine::{Coroutine, CoroutineState, Generator};
pub use err::{IgnoredClose, Interrupt};
pub use from_coroutine::FromCoroutine;
pub use from_iter::FromIter;
pub use iter::Iter;
pub use sync_gen::Gen;
