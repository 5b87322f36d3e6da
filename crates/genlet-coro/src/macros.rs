//! [`generator!`](crate::generator): a generator function written in one
//! place, with `yield_!(v)` expressions. Behind the `macros` feature.

/// Writes a generator function: its arguments, yield, resume, error and return
/// types in one signature, and a body in which `yield_!(v)` suspends with `v`
/// and evaluates to the next resume value.
///
/// ```text
/// generator! {
///     /// docs and attributes
///     pub fn name(arg: Type, …) -> yield Y [, resume(first: R)] [, throws E] [, return T] {
///         … yield_!(v) …
///     }
/// }
/// ```
///
/// The function returns `impl Generator<R, Yield = Y, Return = T, Error = E>`
/// (`R` defaults to `()`, `E` to [`Infallible`](core::convert::Infallible),
/// `T` to `()`); it expands to exactly `Gen::new(move |co, first| async move {
/// … })`, so it runs as fast as the plain form and is `Send` under the same
/// conditions. It is a `macro_rules!` macro: the body's tokens keep their
/// spans, so errors point at your code, and rust-analyzer sees through it.
/// The first resume value is bound to the name given in `resume(first: R)`.
///
/// Limits of a `macro_rules!` form: the signature takes plain `name: Type`
/// arguments (no patterns, generic parameters or `where` clauses: write
/// [`Gen::new`](crate::Gen::new) for those), and the result is an opaque
/// `impl Generator`, so `Gen`'s inherent methods (`is_finished`,
/// `is_started`) are not reachable through it: drive it through the traits.
///
/// Inside the body:
///
/// * `yield_!(v)`: the yield, as `co.yield_(v).await`; evaluates to the
///   resume value. A throw or close goes through it and finishes the body.
/// * `yield_!(catch v)`: as `co.yield_(v).catch().await`:
///   `Ok(resume value)` or `Err(`[`Interrupt`](crate::Interrupt)`)`. So a
///   plain yield of an expression that starts with a variable named `catch`
///   needs parentheses: `yield_!((catch - 1))`, not `yield_!(catch - 1)`
///   (which is a catching yield of `-1`).
/// * `yield_from!(sub, first)`: as [`co.yield_from(sub, first)`](crate::Co::yield_from);
///   `yield_from!(iter iterable)`: as [`co.yield_from_iter`](crate::Co::yield_from_iter).
///
/// # Examples
///
/// ```
/// use core::pin::pin;
/// use genlet_coro::{generator, Coroutine, CoroutineState, Generator, Interrupt, Iter};
///
/// generator! {
///     /// Yields 1..=n, returns their sum.
///     fn count_to(n: u32) -> yield u32, return u32 {
///         let mut sum = 0;
///         for i in 1..=n {
///             yield_!(i);
///             sum += i;
///         }
///         sum
///     }
/// }
///
/// generator! {
///     /// Resumed with numbers, yields the running total; a throw resets it.
///     pub fn running_total() -> yield u64, resume(first: u64), throws &'static str, return u64 {
///         let mut total = first;
///         loop {
///             match yield_!(catch total) {
///                 Ok(0) => return total,
///                 Ok(x) => total += x,
///                 Err(Interrupt::Throw(_)) => total = 0,
///                 Err(Interrupt::Close) => return total,
///             }
///         }
///     }
/// }
///
/// let counter = pin!(count_to(3));
/// let mut it = Iter::new(counter);
/// assert_eq!(it.by_ref().collect::<Vec<_>>(), [1, 2, 3]);
/// assert_eq!(it.into_return(), Some(6));
///
/// let mut t = pin!(running_total());
/// assert_eq!(t.as_mut().resume(5), CoroutineState::Yielded(5));
/// assert_eq!(t.as_mut().resume(7), CoroutineState::Yielded(12));
/// assert_eq!(t.as_mut().throw("reset"), Ok(CoroutineState::Yielded(0)));
/// assert_eq!(t.as_mut().resume(0), CoroutineState::Complete(0));
/// ```
#[macro_export]
macro_rules! generator {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident ( $($arg:ident : $arg_ty:ty),* $(,)? )
            -> yield $y:ty
            $(, resume ( $first:ident : $r:ty ) )?
            $(, throws $e:ty )?
            $(, return $ret:ty )?
        $body:block
    ) => {
        $(#[$attr])*
        $vis fn $name ( $($arg : $arg_ty),* ) -> impl $crate::Generator<
            $crate::__or_type!($($r)? ; ()),
            Yield = $y,
            Return = $crate::__or_type!($($ret)? ; ()),
            Error = $crate::__or_type!($($e)? ; ::core::convert::Infallible),
        > {
            $crate::Gen::new(move |
                __genlet_co: $crate::Co<
                    $y,
                    $crate::__or_type!($($r)? ; ()),
                    $crate::__or_type!($($e)? ; ::core::convert::Infallible),
                >,
                $crate::__or_ident!($($first)? ; _): $crate::__or_type!($($r)? ; ()),
            | async move {
                #[allow(unused_macros)]
                macro_rules! yield_ {
                    (catch $v:expr) => { __genlet_co.yield_($v).catch().await };
                    ($v:expr) => { __genlet_co.yield_($v).await };
                }
                #[allow(unused_macros)]
                macro_rules! yield_from {
                    (iter $it:expr) => { __genlet_co.yield_from_iter($it).await };
                    ($sub:expr, $f:expr) => { __genlet_co.yield_from($sub, $f).await };
                }
                $body
            })
        }
    };
}

/// The given type, or the default after `;`.
#[doc(hidden)]
#[macro_export]
macro_rules! __or_type {
    (; $default:ty) => {
        $default
    };
    ($given:ty ; $default:ty) => {
        $given
    };
}

/// The given binding, or `_`.
#[doc(hidden)]
#[macro_export]
macro_rules! __or_ident {
    (; _) => {
        _
    };
    ($given:ident ; _) => {
        $given
    };
}
