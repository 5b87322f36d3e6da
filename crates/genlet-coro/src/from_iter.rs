//! [`FromIter`]: any iterator as a [`Generator`], for `yield from range(3)`.

use core::fmt;
use core::marker::PhantomData;
use core::pin::Pin;

use crate::Invariant;
use crate::coroutine::{Coroutine, CoroutineState, Generator};
use crate::err::IgnoredClose;

/// An [`Iterator`] as a [`Generator`] resumed with `()`: each item is yielded,
/// and it returns `()` when the iterator ends. What
/// [`Co::yield_from_iter`](crate::Co::yield_from_iter) delegates to; usable
/// wherever a `Generator` is expected.
///
/// Like a Python iterator without `throw`/`close` methods: a thrown error
/// drops the iterator and comes straight back, a close drops it. Once the
/// iterator ended or was dropped, every resume returns `Complete(())` again
/// (an exhausted Python iterator keeps raising `StopIteration`).
///
/// It is resumed with `()` only: an iterator cannot receive a value, and any
/// other resume value would be lost.
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{Coroutine, CoroutineState, FromIter, Generator};
///
/// let mut g = pin!(FromIter::<_, &str>::new(1..=2));
/// assert_eq!(g.as_mut().resume(()), CoroutineState::Yielded(1));
/// assert_eq!(g.as_mut().throw("stop"), Err("stop"));
/// assert_eq!(g.as_mut().resume(()), CoroutineState::Complete(()));
/// ```
pub struct FromIter<I, E> {
    iter: Option<I>,
    _error: Invariant<E>,
}

// The iterator is never pinned: it is only used through `&mut`.
impl<I, E> Unpin for FromIter<I, E> {}

impl<I: Iterator, E> FromIter<I, E> {
    /// Wraps anything iterable.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::pin::pin;
    /// use genlet_coro::{Co, FromIter, Gen, Iter};
    ///
    /// let g = pin!(Gen::new(|co: Co<char>, ()| async move {
    ///     co.yield_from(FromIter::new("ab".chars()), ()).await;
    ///     co.yield_('!').await;
    /// }));
    /// assert_eq!(Iter::new(g).collect::<String>(), "ab!");
    /// ```
    #[inline]
    pub fn new(iter: impl IntoIterator<IntoIter = I>) -> Self {
        FromIter {
            iter: Some(iter.into_iter()),
            _error: PhantomData,
        }
    }
}

impl<I: Iterator, E> Coroutine for FromIter<I, E> {
    type Yield = I::Item;
    type Return = ();

    #[inline]
    fn resume(self: Pin<&mut Self>, (): ()) -> CoroutineState<I::Item, ()> {
        let this = self.get_mut();
        match this.iter.as_mut().and_then(Iterator::next) {
            Some(item) => CoroutineState::Yielded(item),
            None => {
                this.iter = None;
                CoroutineState::Complete(())
            }
        }
    }
}

impl<I: Iterator, E> Generator for FromIter<I, E> {
    type Error = E;

    fn throw(self: Pin<&mut Self>, error: E) -> Result<CoroutineState<I::Item, ()>, E> {
        self.get_mut().iter = None;
        Err(error)
    }

    fn close(self: Pin<&mut Self>) -> Result<Option<()>, IgnoredClose<I::Item>> {
        self.get_mut().iter = None;
        Ok(None)
    }
}

impl<I, E> fmt::Debug for FromIter<I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FromIter")
            .field("finished", &self.iter.is_none())
            .finish()
    }
}
