//! Random sequences of resume / throw / close, checked step by step against a
//! tiny reference model of Python's generator semantics, on three drivers: a
//! `Gen`, a `Gen` delegating to it with `yield_from`, and an `AsyncGen`.

use core::cell::Cell;
use core::pin::pin;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use genlet_coro::{AsyncGen, Co, CoroutineState, Gen, Generator, IgnoredClose, Interrupt};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Op {
    Resume(i64),
    Throw(i64),
    Close,
}

/// What one operation was seen to do.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Seen {
    Yielded(i64),
    Complete(i64),
    /// `throw` handed the error back.
    Raised(i64),
    /// `close` succeeded, with the body's value if it returned one.
    Closed(Option<i64>),
    /// `close` found the body yielding instead.
    Ignored(i64),
    /// `resume` panicked (the generator had finished).
    Panicked,
}

/// The reference model of the body below.
#[derive(Clone, Copy, Debug)]
enum Model {
    Unstarted,
    /// At a yield: `catching` for `.catch()` yields (odd steps), else plain.
    Suspended {
        acc: i64,
        catching: bool,
    },
    Done,
}

impl Model {
    /// Applies `op`; `delegated` for a body reached through `yield_from`,
    /// whose own return value a close does not report (PEP 380).
    fn apply(&mut self, op: Op, delegated: bool) -> Seen {
        use Model::*;
        let (next, seen) = match (*self, op) {
            (Unstarted, Op::Resume(v)) => (
                Suspended {
                    acc: v,
                    catching: true,
                },
                Seen::Yielded(v),
            ),
            (Unstarted | Done, Op::Throw(e)) => (Done, Seen::Raised(e)),
            (Unstarted | Done, Op::Close) => (Done, Seen::Closed(None)),
            (Done, Op::Resume(_)) => (Done, Seen::Panicked),
            (Suspended { acc, .. }, Op::Resume(0)) => (Done, Seen::Complete(acc)),
            (Suspended { acc, catching }, Op::Resume(v)) => (
                Suspended {
                    acc: acc + v,
                    catching: !catching,
                },
                Seen::Yielded(acc + v),
            ),
            (
                Suspended {
                    catching: false, ..
                },
                Op::Throw(e),
            ) => (Done, Seen::Raised(e)),
            (
                Suspended {
                    catching: false, ..
                },
                Op::Close,
            ) => (Done, Seen::Closed(None)),
            (
                Suspended {
                    acc,
                    catching: true,
                },
                Op::Throw(e),
            ) if e % 2 == 0 => (
                Suspended {
                    acc: acc - e,
                    catching: false,
                },
                Seen::Yielded(acc - e),
            ),
            (Suspended { catching: true, .. }, Op::Throw(e)) => (Done, Seen::Complete(-e)),
            (
                Suspended {
                    acc,
                    catching: true,
                },
                Op::Close,
            ) if acc % 2 == 0 => (Done, Seen::Closed(if delegated { None } else { Some(acc) })),
            (
                Suspended {
                    acc,
                    catching: true,
                },
                Op::Close,
            ) => (
                Suspended {
                    acc,
                    catching: false,
                },
                Seen::Ignored(acc),
            ),
        };
        *self = next;
        seen
    }
}

/// Alive while the body is suspended: dropped when it finishes in any way.
struct Live(Rc<Cell<bool>>);

impl Drop for Live {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// The body the model describes: alternately a catching and a plain yield.
async fn body(co: Co<i64, i64, i64>, first: i64, live: Rc<Cell<bool>>) -> i64 {
    live.set(true);
    let _live = Live(live);
    let mut acc = first;
    let mut catching = true;
    loop {
        if catching {
            match co.yield_(acc).catch().await {
                Ok(0) => return acc,
                Ok(v) => acc += v,
                Err(Interrupt::Throw(e)) if e % 2 == 0 => acc -= e,
                Err(Interrupt::Throw(e)) => return -e,
                Err(Interrupt::Close) if acc % 2 == 0 => return acc,
                Err(Interrupt::Close) => {}
            }
        } else {
            let v = co.yield_(acc).await;
            if v == 0 {
                return acc;
            }
            acc += v;
        }
        catching = !catching;
    }
}

fn seen_resume(s: CoroutineState<i64, i64>) -> Seen {
    match s {
        CoroutineState::Yielded(y) => Seen::Yielded(y),
        CoroutineState::Complete(r) => Seen::Complete(r),
    }
}

fn seen_throw(s: Result<CoroutineState<i64, i64>, i64>) -> Seen {
    s.map_or_else(Seen::Raised, seen_resume)
}

fn seen_close(s: Result<Option<i64>, IgnoredClose<i64>>) -> Seen {
    match s {
        Ok(v) => Seen::Closed(v),
        Err(IgnoredClose(y)) => Seen::Ignored(y),
    }
}

/// Runs `ops` on a synchronous generator and checks each step.
fn check_sync<G>(g: core::pin::Pin<&mut G>, live: &Cell<bool>, ops: &[Op], delegated: bool)
where
    G: Generator<i64, Yield = i64, Return = i64, Error = i64> + ?Sized,
{
    let mut g = g;
    let mut model = Model::Unstarted;
    for (i, &op) in ops.iter().enumerate() {
        let seen = match op {
            Op::Resume(v) => catch_unwind(AssertUnwindSafe(|| g.as_mut().resume(v)))
                .map_or(Seen::Panicked, seen_resume),
            Op::Throw(e) => seen_throw(g.as_mut().throw(e)),
            Op::Close => seen_close(g.as_mut().close()),
        };
        let expected = model.apply(op, delegated);
        assert_eq!(seen, expected, "step {i}: {op:?} in {ops:?}");
        assert_eq!(
            live.get(),
            matches!(model, Model::Suspended { .. }),
            "step {i}: liveness"
        );
    }
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        4 => (-9i64..10).prop_map(Op::Resume),
        2 => (-9i64..10).prop_map(Op::Throw),
        1 => Just(Op::Close),
    ];
    prop::collection::vec(op, 0..if cfg!(miri) { 8 } else { 24 })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn gen_matches_the_model(ops in ops()) {
        let live = Rc::new(Cell::new(false));
        let l = live.clone();
        let g = pin!(Gen::new(move |co, first| body(co, first, l)));
        check_sync(g, &live, &ops, false);
    }

    #[test]
    fn delegation_is_transparent(ops in ops()) {
        let live = Rc::new(Cell::new(false));
        let l = live.clone();
        let g = pin!(Gen::new(move |co: Co<i64, i64, i64>, first: i64| async move {
            co.yield_from(Gen::new(move |co, first| body(co, first, l)), first).await
        }));
        check_sync(g, &live, &ops, true);
    }

    #[test]
    fn async_gen_matches_the_model(ops in ops()) {
        let live = Rc::new(Cell::new(false));
        let l = live.clone();
        let mut g = pin!(AsyncGen::new(move |co, first| async move {
            futures_lite::future::yield_now().await;
            body(co, first, l).await
        }));
        let mut model = Model::Unstarted;
        for (i, &op) in ops.iter().enumerate() {
            let seen = futures_lite::future::block_on(async {
                match op {
                    Op::Resume(v) => {
                        let step = AssertUnwindSafe(g.as_mut().resume(v));
                        futures_lite::FutureExt::catch_unwind(step)
                            .await
                            .map_or(Seen::Panicked, seen_resume)
                    }
                    Op::Throw(e) => seen_throw(g.as_mut().throw(e).await),
                    Op::Close => seen_close(g.as_mut().close().await),
                }
            });
            let expected = model.apply(op, false);
            prop_assert_eq!(seen, expected, "step {}: {:?} in {:?}", i, op, ops);
            prop_assert_eq!(live.get(), matches!(model, Model::Suspended { .. }));
        }
    }
}
