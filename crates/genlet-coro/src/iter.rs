//! [`Iter`]: any coroutine resumed with `()` as an [`Iterator`].

use core::pin::Pin;

use crate::coroutine::{Coroutine, CoroutineState};

/// An [`Iterator`] over the values a coroutine yields when resumed with `()`.
///
/// It ends when the coroutine returns; the return value (Python's
/// `StopIteration.value`) is kept for [`into_return`](Iter::into_return).
/// After the end it keeps returning `None` and never resumes the coroutine
/// again.
///
/// The coroutine must be `Unpin`: pass a pinned reference (`pin!(g)` or
/// `g.as_mut()`) or a `Pin<Box<_>>`.
///
/// It resumes with `()` only, as Python's `for x in g` sends `None`:
/// [`Iterator::next`] takes no argument, so a resume value of any other type
/// would have to be made up (a `Default` or a fixed clone would pass for data
/// the caller never sent). To feed values, resume in a loop, or build the
/// iterator from a closure that chooses each value:
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Coroutine, CoroutineState, Gen};
///
/// let mut doubler = pin!(Gen::new(|co: Co<u32, u32>, mut x: u32| async move {
///     while x != 0 {
///         x = co.yield_(x * 2).await;
///     }
/// }));
/// let mut inputs = [1, 2, 3, 0].into_iter();
/// let doubled: Vec<u32> = core::iter::from_fn(|| match doubler.as_mut().resume(inputs.next()?) {
///     CoroutineState::Yielded(y) => Some(y),
///     CoroutineState::Complete(()) => None,
/// })
/// .collect();
/// assert_eq!(doubled, [2, 4, 6]);
/// ```
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Co, Gen, Iter};
///
/// let fib = pin!(Gen::new(|co: Co<u64>, ()| async move {
///     let (mut a, mut b) = (0, 1);
///     while a < 50 {
///         co.yield_(a).await;
///         (a, b) = (b, a + b);
///     }
///     "done"
/// }));
/// let mut it = Iter::new(fib);
/// assert_eq!(it.by_ref().collect::<Vec<_>>(), [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]);
/// assert_eq!(it.into_return(), Some("done"));
/// ```
#[derive(Debug)]
pub struct Iter<C: Coroutine> {
    coroutine: C,
    returned: Option<C::Return>,
    done: bool,
}

impl<C: Coroutine + Unpin> Iter<C> {
    /// Iterates over what `coroutine` yields.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_coro::{Co, Gen, Iter};
    ///
    /// let boxed = Box::pin(Gen::new(|co: Co<char>, ()| async move {
    ///     co.yield_('a').await;
    ///     co.yield_('b').await;
    /// }));
    /// assert_eq!(Iter::new(boxed).collect::<String>(), "ab");
    /// ```
    #[inline]
    pub fn new(coroutine: C) -> Self {
        Iter {
            coroutine,
            returned: None,
            done: false,
        }
    }

    /// The coroutine's return value: `Some` once the iterator has ended (and
    /// only then).
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, Gen, Iter};
    ///
    /// let g = pin!(Gen::new(|co: Co<u8>, ()| async move { co.yield_(1).await; 42 }));
    /// let mut it = Iter::new(g);
    /// it.next();
    /// assert_eq!(it.next(), None);
    /// assert_eq!(it.into_return(), Some(42));
    /// ```
    #[inline]
    pub fn into_return(self) -> Option<C::Return> {
        self.returned
    }
}

impl<C: Coroutine + Unpin> Iterator for Iter<C> {
    type Item = C::Yield;

    #[inline]
    fn next(&mut self) -> Option<C::Yield> {
        if self.done {
            return None;
        }
        match Pin::new(&mut self.coroutine).resume(()) {
            CoroutineState::Yielded(value) => Some(value),
            CoroutineState::Complete(value) => {
                self.done = true;
                self.returned = Some(value);
                None
            }
        }
    }
}

impl<C: Coroutine + Unpin> core::iter::FusedIterator for Iter<C> {}
