//! What the compiler refuses: `!Send` state kept across a yield makes a
//! generator `!Send`; a body cannot resume its own generator; yielded
//! references cannot outlive what they borrow; a thrown error's lifetime
//! cannot be lengthened; and, under
//! `deny(unused_must_use)`, an unused generator or coroutine is an error.

#[cfg(not(miri))]
#[test]
fn compile_fail() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}

/// The `generator!` macro keeps the body's spans: a type error in a
/// `yield_!` points at the user's expression.
#[cfg(all(feature = "macros", not(miri)))]
#[test]
fn compile_fail_macros() {
    trybuild::TestCases::new().compile_fail("tests/ui-macros/*.rs");
}
