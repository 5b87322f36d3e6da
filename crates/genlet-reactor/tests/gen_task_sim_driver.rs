//! The deterministic driver: virtual time, scheduling order, scripted input,
//! and clear failures for bad socket ids.

use std::io::ErrorKind;
use std::time::Duration;

use genlet_coro::{Co, Gen};
use genlet_reactor::gen_task::{GenTask, Reply, Request, SimDriver, SocketId};

fn task(requests: Vec<Request>) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            for r in requests {
                co.yield_(r).await;
            }
        },
    ))
}

fn steps(sim: &SimDriver, task: usize) -> Vec<String> {
    sim.transcripts()[task]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn timers_fire_in_virtual_time_order() {
    let ms = Duration::from_millis;
    let mut sim = SimDriver::new();
    sim.spawn(task(vec![Request::Sleep(ms(30)), Request::Sleep(ms(30))]));
    sim.spawn(task(vec![Request::Sleep(ms(45))]));
    sim.run();
    assert_eq!(sim.now(), ms(60));
    assert_eq!(
        steps(&sim, 0),
        ["Sleep(30ms) -> Woke", "Sleep(30ms) -> Woke"]
    );
    assert_eq!(steps(&sim, 1), ["Sleep(45ms) -> Woke"]);
}

#[test]
fn recv_gets_scripted_chunks_then_end_of_stream() {
    let ms = Duration::from_millis;
    let mut sim = SimDriver::new();
    let listener = sim.add_listener();
    sim.connect(
        listener,
        ms(1),
        &[(ms(2), b"abcdef"), (ms(3), b"gh")],
        ms(4),
    );
    sim.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                panic!()
            };
            co.yield_(Request::WaitReadable(s)).await;
            for _ in 0..4 {
                co.yield_(Request::Recv(s, 4)).await;
            }
        },
    )));
    sim.run();
    assert_eq!(
        steps(&sim, 0),
        [
            "Accept(SocketId(0)) -> Accepted(SocketId(1))",
            "WaitReadable(SocketId(1)) -> Ready",
            r#"Recv(SocketId(1), 4) -> Received("abcd")"#,
            r#"Recv(SocketId(1), 4) -> Received("ef")"#,
            r#"Recv(SocketId(1), 4) -> Received("gh")"#,
            r#"Recv(SocketId(1), 4) -> Received("")"#,
        ]
    );
}

#[test]
fn yield_and_spawn_interleave_deterministically() {
    let mut sim = SimDriver::new();
    sim.spawn(Box::pin(Gen::new(
        |co: Co<Request, Reply>, _: Reply| async move {
            co.yield_(Request::Spawn(task(vec![Request::Yield]))).await;
            co.yield_(Request::Yield).await;
        },
    )));
    sim.run();
    assert_eq!(
        steps(&sim, 0),
        ["Spawn(..) -> Spawned(1)", "Yield -> Resumed"]
    );
    assert_eq!(steps(&sim, 1), ["Yield -> Resumed"]);
}

#[test]
fn bad_socket_ids_fail_clearly() {
    let mut sim = SimDriver::new();
    let listener = sim.add_listener();
    sim.spawn(task(vec![
        Request::Recv(SocketId(99), 1),
        Request::Recv(listener, 1),
        Request::Send(SocketId(99), b"x".to_vec()),
        Request::Close(SocketId(99)),
    ]));
    sim.run();
    let replies: Vec<Reply> = sim.transcripts()[0]
        .iter()
        .map(|s| s.reply.clone())
        .collect();
    assert_eq!(
        replies,
        [
            Reply::Failed(ErrorKind::NotFound.into()),
            Reply::Failed(ErrorKind::InvalidInput.into()),
            Reply::Failed(ErrorKind::NotFound.into()),
            Reply::Failed(ErrorKind::NotFound.into()),
        ]
    );
}

#[test]
fn a_connection_is_closed_when_every_task_that_named_it_ended() {
    // As the hub's driver does: the handler named the connection and
    // returned without closing it; the acceptor, which only accepted it,
    // finds it gone.
    let ms = Duration::from_millis;
    let mut sim = SimDriver::new();
    let listener = sim.add_listener();
    sim.connect(listener, ms(1), &[(ms(2), b"hi")], ms(100));
    sim.spawn(Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _: Reply| async move {
            let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else {
                panic!()
            };
            co.yield_(Request::Spawn(task(vec![Request::Recv(s, 8)])))
                .await;
            co.yield_(Request::Sleep(ms(10))).await;
            co.yield_(Request::Send(s, b"late".to_vec())).await;
            co.yield_(Request::Recv(s, 0)).await;
        },
    )));
    sim.run();
    assert_eq!(steps(&sim, 1), ["Recv(SocketId(1), 8) -> Received(\"hi\")"]);
    assert_eq!(
        steps(&sim, 0)[3..],
        [
            "Send(SocketId(1), \"late\") -> Failed(NotFound)",
            "Recv(SocketId(1), 0) -> Failed(NotFound)"
        ]
    );
}
