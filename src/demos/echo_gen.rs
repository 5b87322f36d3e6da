//! An echo server written as generator tasks (seed 002's style, after
//! Beazley's coroutine scheduler): run for real on the hub, then on the
//! deterministic driver with the same clients scripted, and the transcripts
//! compared. Run it with `cargo run --example echo_gen`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use genlet_coro::{Co, Gen};
use genlet_reactor::Hub;
use genlet_reactor::gen_task::{
    GenTask, HubDriver, Reply, Request, SimDriver, SocketId, Transcripts,
};

/// Accepts connections on `listener` forever, spawning an echo task for each.
pub fn echo_server(listener: SocketId) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _start: Reply| async move {
            loop {
                match co.yield_(Request::Accept(listener)).await {
                    Reply::Accepted(socket) => {
                        co.yield_(Request::Spawn(echo_connection(socket))).await;
                    }
                    // A failed accept (EMFILE, say) is retried after a pause.
                    _ => {
                        co.yield_(Request::Sleep(Duration::from_millis(10))).await;
                    }
                }
            }
        },
    ))
}

/// Sends back whatever arrives on `socket` until the client closes its end.
pub fn echo_connection(socket: SocketId) -> GenTask {
    Box::pin(Gen::new(
        move |co: Co<Request, Reply>, _start: Reply| async move {
            loop {
                match co.yield_(Request::Recv(socket, 4096)).await {
                    Reply::Received(bytes) if !bytes.is_empty() => {
                        if !matches!(
                            co.yield_(Request::Send(socket, bytes)).await,
                            Reply::Sent(_)
                        ) {
                            break;
                        }
                    }
                    _ => break, // end of stream or an error
                }
            }
            co.yield_(Request::Close(socket)).await;
        },
    ))
}

/// The messages client `i` sends, one after another.
fn messages(i: usize) -> Vec<Vec<u8>> {
    (1..=3)
        .map(|m| format!("client {i} message {m}\n").into_bytes())
        .collect()
}

/// One client: connects, sends each message and waits for its echo, closes its
/// end, then waits for the server to close. Returns the bytes echoed.
fn client(addr: SocketAddr, i: usize) -> io::Result<usize> {
    let mut stream = TcpStream::connect(addr)?;
    let mut echoed = 0;
    for message in messages(i) {
        stream.write_all(&message)?;
        let mut back = vec![0; message.len()];
        stream.read_exact(&mut back)?;
        if back != message {
            return Err(io::Error::other(format!("client {i}: wrong echo")));
        }
        echoed += back.len();
    }
    stream.shutdown(Shutdown::Write)?;
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest)?; // the server closes after our end closed
    Ok(echoed)
}

/// Serves `clients` clients, one after another, on the hub at `addr`;
/// returns the transcripts and the bytes each client got back.
///
/// # Errors
///
/// When binding fails or a client sees a wrong echo.
pub fn serve_on_hub(
    addr: SocketAddr,
    clients: usize,
) -> io::Result<(SocketAddr, Transcripts, Vec<usize>)> {
    let hub = Hub::new()?;
    let driver = HubDriver::with_transcripts(hub.handle());
    let listener = TcpListener::bind(addr)?;
    let bound = listener.local_addr()?;
    let server = driver.spawn(echo_server(driver.add_listener(listener)?));
    let echoed = (0..clients)
        .map(|i| client(bound, i))
        .collect::<io::Result<Vec<_>>>()?;
    // Each connection task records its `Close` just after closing: wait for
    // the last of them (bounded), then stop the server.
    let deadline = Instant::now() + Duration::from_secs(10);
    while driver
        .transcripts()
        .iter()
        .skip(1)
        .filter(|t| t.last().is_some_and(|s| s.reply == Reply::Closed))
        .count()
        < clients
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    drop(server);
    Ok((bound, driver.transcripts(), echoed))
}

/// The same clients, scripted on the deterministic driver: each connects 10 ms
/// after the last, sends a message every millisecond, then closes.
pub fn serve_simulated(clients: usize) -> (Transcripts, Vec<usize>, Duration) {
    let mut sim = SimDriver::new();
    let listener = sim.add_listener();
    let ms = Duration::from_millis;
    let connections: Vec<_> = (0..clients)
        .map(|i| {
            let start = ms(10 * i as u64);
            let msgs = messages(i);
            let sends: Vec<(Duration, &[u8])> = msgs
                .iter()
                .enumerate()
                .map(|(m, b)| (start + ms(m as u64 + 1), b.as_slice()))
                .collect();
            sim.connect(listener, start, &sends, start + ms(5))
        })
        .collect();
    sim.spawn(echo_server(listener));
    sim.run();
    let echoed = connections.iter().map(|c| sim.received(*c).len()).collect();
    (sim.transcripts().clone(), echoed, sim.now())
}

/// Runs both and prints a table and the first connection's transcripts.
///
/// # Errors
///
/// As [`serve_on_hub`]; and when the two transcripts differ.
pub fn run(out: &mut impl Write, port: u16, clients: usize) -> io::Result<()> {
    let (bound, on_hub, hub_echoed) =
        serve_on_hub(SocketAddr::from(([127, 0, 0, 1], port)), clients)?;
    let (simulated, sim_echoed, virtual_time) = serve_simulated(clients);
    writeln!(
        out,
        "== echo_gen: an echo server written as generator tasks"
    )?;
    writeln!(
        out,
        "served on {bound}; simulated run took {virtual_time:?} of virtual time"
    )?;
    writeln!(
        out,
        "{:<8} {:>14} {:>14}",
        "client", "hub echoed", "sim echoed"
    )?;
    for i in 0..clients {
        writeln!(
            out,
            "{i:<8} {:>12} B {:>12} B",
            hub_echoed[i], sim_echoed[i]
        )?;
    }
    writeln!(
        out,
        "connection task 1, on the hub and on the deterministic driver:"
    )?;
    for (a, b) in on_hub[1].iter().zip(&simulated[1]) {
        writeln!(out, "  {:<60} | {b}", a.to_string())?;
    }
    let same = on_hub == simulated;
    writeln!(out, "transcripts identical on both drivers: {same}")?;
    if same {
        Ok(())
    } else {
        Err(io::Error::other("the transcripts differ"))
    }
}
