//! `Coroutine` and `Generator` have nightly's shape: generic code works
//! through `Pin<&mut G>`, `&mut G`, `Box<G>`, `Pin<Box<G>>` and `dyn`.

use core::pin::{Pin, pin};

use genlet_coro::{Co, Coroutine, CoroutineState, Gen, Generator};

/// Written once against the trait, as one would against nightly's.
fn drain<C: Coroutine<u32, Yield = u32, Return = u32> + Unpin>(mut c: C) -> (Vec<u32>, u32) {
    let mut yielded = Vec::new();
    let mut arg = 1;
    loop {
        match Pin::new(&mut c).resume(arg) {
            CoroutineState::Yielded(y) => yielded.push(y),
            CoroutineState::Complete(r) => return (yielded, r),
        }
        arg += 1;
    }
}

fn doubler() -> impl Generator<u32, Yield = u32, Return = u32, Error = core::convert::Infallible> {
    Gen::new(|co: Co<u32, u32>, mut x: u32| async move {
        for _ in 0..3 {
            x = co.yield_(x * 2).await;
        }
        x
    })
}

/// A hand-written coroutine that is `Unpin`.
struct Countdown(u32);

impl Coroutine<u32> for Countdown {
    type Yield = u32;
    type Return = u32;
    fn resume(mut self: Pin<&mut Self>, arg: u32) -> CoroutineState<u32, u32> {
        if self.0 == 0 {
            return CoroutineState::Complete(arg);
        }
        self.0 -= 1;
        CoroutineState::Yielded(self.0)
    }
}

#[test]
fn pin_mut_and_pin_box() {
    let expected = (vec![2, 4, 6], 4);
    assert_eq!(drain(pin!(doubler())), expected);
    assert_eq!(drain(Box::pin(doubler())), expected);
    let mut g = Box::pin(doubler());
    assert_eq!(drain(g.as_mut()), expected);
}

#[test]
fn mut_ref_and_box_of_unpin() {
    let mut c = Countdown(2);
    assert_eq!(drain(&mut c), (vec![1, 0], 3));
    assert_eq!(drain(Box::new(Countdown(1))), (vec![0], 2));
}

type DynCoroutine = Pin<Box<dyn Coroutine<u32, Yield = u32, Return = u32>>>;

#[test]
fn dyn_coroutine_and_dyn_generator() {
    let mut boxed: Vec<DynCoroutine> = vec![Box::pin(doubler()), Box::pin(Countdown(1))];
    assert_eq!(boxed[0].as_mut().resume(5), CoroutineState::Yielded(10));
    assert_eq!(boxed[1].as_mut().resume(5), CoroutineState::Yielded(0));

    let mut g: Pin<
        Box<dyn Generator<u32, Yield = u32, Return = u32, Error = core::convert::Infallible>>,
    > = Box::pin(doubler());
    g.as_mut().resume(1);
    assert_eq!(g.as_mut().close(), Ok(None));
}

#[test]
fn coroutine_state_has_nightly_derives() {
    let a: CoroutineState<u8, u8> = CoroutineState::Yielded(1);
    let b = a; // Copy
    assert_eq!(a, b);
    assert!(CoroutineState::<u8, u8>::Yielded(9) < CoroutineState::Complete(0));
    assert_eq!(format!("{a:?}"), "Yielded(1)");
    let mut set = std::collections::HashSet::new();
    set.insert(a);
    assert!(set.contains(&b));
}
