// A thrown error's lifetime cannot be lengthened: a body that could see a
// thrown `&'a str` as `&'static str` could return it past the string's drop.
// The handle, the yield future and a delegation are invariant in `E`.
use genlet_coro::{Co, FromIter, Yield, YieldFrom};

fn handle<'a>(co: Co<u8, (), &'a str>) -> Co<u8, (), &'static str> {
    co
}

fn yield_future<'a>(y: Yield<u8, (), &'a str>) -> Yield<u8, (), &'static str> {
    y
}

fn delegation<'a, I>(
    y: YieldFrom<FromIter<I, &'a str>, u8, (), &'a str>,
) -> YieldFrom<FromIter<I, &'static str>, u8, (), &'static str> {
    y
}

fn main() {}
