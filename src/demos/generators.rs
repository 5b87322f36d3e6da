//! The generators walkthrough: `send`, `throw`, `close`, `yield_from`, the
//! iterator and the async flavour, each printed as it happens. Run it with
//! `cargo run --example generators`.

use core::pin::pin;
use std::io::{self, Write};

use genlet_coro::{
    AsyncGen, Co, Coroutine, CoroutineState, Gen, Generator, IgnoredClose, Interrupt, Iter,
};

/// Prints every part of the walkthrough to `out`.
///
/// # Errors
///
/// Whatever writing to `out` returns.
pub fn run(out: &mut impl Write) -> io::Result<()> {
    send(out)?;
    throw(out)?;
    close(out)?;
    yield_from(out)?;
    iterate(out)?;
    stream(out)
}

/// `send`: a running average, resumed with samples. The first value is not
/// lost: it is the body's second parameter.
fn send(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "== send: a running average")?;
    let mut avg = pin!(Gen::new(|co: Co<f64, f64>, first: f64| async move {
        let (mut sum, mut n) = (first, 1.0);
        loop {
            let sample = co.yield_(sum / n).await;
            if sample.is_nan() {
                return n as u32;
            }
            sum += sample;
            n += 1.0;
        }
    }));
    for sample in [10.0, 20.0, 60.0] {
        if let CoroutineState::Yielded(mean) = avg.as_mut().resume(sample) {
            writeln!(out, "send({sample}) -> mean {mean}")?;
        }
    }
    if let CoroutineState::Complete(count) = avg.as_mut().resume(f64::NAN) {
        writeln!(out, "send(NaN) -> returned after {count} samples")?;
    }
    Ok(())
}

/// `throw`: an error raised at the yield. A body that awaits `.catch()` sees it
/// and goes on; at a plain yield it is not caught: the body ends (its
/// destructors run) and the error comes back out of `throw`.
fn throw(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "== throw: errors raised at the yield")?;
    let mut summer = pin!(Gen::new(
        |co: Co<i64, i64, String>, first: i64| async move {
            let mut sum = first;
            loop {
                match co.yield_(sum).catch().await {
                    Ok(n) => sum += n,
                    Err(Interrupt::Throw(e)) => println!("   (body caught {e:?}, keeps {sum})"),
                    Err(Interrupt::Close) => return sum,
                }
            }
        }
    ));
    writeln!(out, "send(5) -> {:?}", summer.as_mut().resume(5))?;
    writeln!(
        out,
        "throw(\"bad input\") -> {:?}",
        summer.as_mut().throw("bad input".into())
    )?;
    writeln!(out, "send(7) -> {:?}", summer.as_mut().resume(7))?;

    let mut plain = pin!(Gen::new(
        |co: Co<i64, i64, String>, first: i64| async move {
            let mut sum = first;
            loop {
                sum += co.yield_(sum).await; // a plain yield: throws go through
            }
        }
    ));
    writeln!(out, "send(1) -> {:?}", plain.as_mut().resume(1))?;
    writeln!(
        out,
        "throw(\"uncaught\") -> {:?}",
        plain.as_mut().throw("uncaught".into())
    )?;
    writeln!(out, "finished: {}", plain.is_finished())?;
    Ok(())
}

/// `close`: the body may clean up and return a value (as Python 3.13), or
/// refuse by yielding; dropping a suspended generator runs its destructors.
fn close(out: &mut impl Write) -> io::Result<()> {
    struct Connection(&'static str);
    impl Drop for Connection {
        fn drop(&mut self) {
            println!("   (dropped connection {})", self.0);
        }
    }

    writeln!(out, "== close: asking the body to finish")?;
    let mut session = pin!(Gen::new(|co: Co<&str>, ()| async move {
        let _conn = Connection("db");
        let mut sent = 0;
        loop {
            match co.yield_("ready").catch().await {
                Ok(()) => sent += 1,
                Err(_) => return sent, // cleanup, then return how much was done
            }
        }
    }));
    session.as_mut().resume(());
    session.as_mut().resume(());
    writeln!(out, "close() -> {:?}", session.as_mut().close())?;
    writeln!(out, "close() again -> {:?}", session.as_mut().close())?;

    let mut stubborn = pin!(Gen::new(|co: Co<&str>, ()| async move {
        let _ = co.yield_("working").catch().await;
        co.yield_("still working").await;
    }));
    stubborn.as_mut().resume(());
    let refused: Result<_, IgnoredClose<&str>> = stubborn.as_mut().close();
    writeln!(out, "close() on a stubborn body -> {refused:?}")?;
    if let Err(e) = refused {
        writeln!(out, "   {e}; it yielded {:?}", e.into_inner())?;
    }
    Ok(())
}

/// `yield_from`: a generator that walks a tree by delegating to itself for
/// each child (PEP 380), and gets each subtree's size back.
fn yield_from(out: &mut impl Write) -> io::Result<()> {
    enum Tree {
        Leaf(&'static str),
        Node(Vec<Tree>),
    }

    fn walk(
        tree: &Tree,
    ) -> core::pin::Pin<
        Box<
            dyn Generator<Yield = &'static str, Return = usize, Error = core::convert::Infallible>
                + '_,
        >,
    > {
        Box::pin(Gen::new(move |co: Co<&'static str>, ()| async move {
            match tree {
                Tree::Leaf(name) => {
                    co.yield_(*name).await;
                    1
                }
                Tree::Node(children) => {
                    let mut size = 0;
                    for child in children {
                        size += co.yield_from(walk(child), ()).await;
                    }
                    size
                }
            }
        }))
    }

    writeln!(out, "== yield_from: delegating to sub-generators")?;
    let tree = Tree::Node(vec![
        Tree::Leaf("a"),
        Tree::Node(vec![Tree::Leaf("b"), Tree::Leaf("c")]),
        Tree::Leaf("d"),
    ]);
    let mut leaves = Iter::new(walk(&tree));
    let names: Vec<_> = leaves.by_ref().collect();
    writeln!(out, "leaves {names:?}, size {:?}", leaves.into_return())?;
    Ok(())
}

/// `Iter`: a generator resumed with `()` is an `Iterator`.
fn iterate(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "== Iter: generators are iterators")?;
    let primes = pin!(Gen::new(|co: Co<u32>, ()| async move {
        let mut found: Vec<u32> = Vec::new();
        for n in 2.. {
            if found.iter().all(|p| n % p != 0) {
                found.push(n);
                co.yield_(n).await;
            }
        }
    }));
    let first: Vec<u32> = Iter::new(primes).take(8).collect();
    writeln!(out, "first primes {first:?}")?;
    Ok(())
}

/// `AsyncGen`: the body may also await other futures; resumed with `()` it is
/// a `Stream`.
fn stream(out: &mut impl Write) -> io::Result<()> {
    use futures_lite::{StreamExt, future};

    writeln!(out, "== AsyncGen: awaiting other futures between yields")?;
    let ticks = pin!(AsyncGen::new(|co: Co<u32>, ()| async move {
        for tick in 1..=3 {
            future::yield_now().await; // a timer or a socket in real code
            co.yield_(tick).await;
        }
    }));
    let all: Vec<u32> = future::block_on(ticks.collect());
    writeln!(out, "stream collected {all:?}")?;
    Ok(())
}
