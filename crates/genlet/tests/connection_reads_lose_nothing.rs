//! A `Connection` guesses that a read shorter than its buffer emptied the
//! socket and waits for readiness before the next read. A wrong guess (bytes
//! that arrived right after the short read) must cost a reactor turn, never
//! bytes or a hang: clients send bursts of small writes back to back, with
//! and without pauses, to a server that echoes through a buffer smaller than
//! some bursts and larger than others; every byte comes back, in order, on a
//! one-worker hub and on the default hub.

mod common;

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

const ROUNDS: usize = 300;
const CLIENTS: usize = 4;
const BURSTS: usize = 20;

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// Sends `BURSTS` bursts of one to four writes of 1 to 12 bytes each, and
/// reads every byte back; returns what it sent and what came back.
async fn client(addr: std::net::SocketAddr, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let mut rng = Lcg(seed);
    let mut stream = genlet::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut sent, mut got) = (Vec::new(), Vec::new());
    let mut next = 0u8;
    for _ in 0..BURSTS {
        for _ in 0..=rng.next(4) {
            let len = 1 + rng.next(12) as usize;
            let chunk: Vec<u8> = (0..len)
                .map(|_| {
                    next = next.wrapping_add(1);
                    next
                })
                .collect();
            stream.write_all(&chunk).await.unwrap();
            sent.extend_from_slice(&chunk);
            if rng.next(3) == 0 {
                genlet::yield_now().await;
            }
        }
        // The whole burst back before the next one.
        let mut buf = vec![0; sent.len() - got.len()];
        let echoed = genlet::timeout(Duration::from_secs(30), stream.read_exact(&mut buf)).await;
        echoed
            .expect("the echo stalled: bytes lost or a wake-up missed")
            .unwrap();
        got.extend_from_slice(&buf);
    }
    (sent, got)
}

#[test]
fn short_reads_that_guess_wrong_lose_no_bytes() {
    common::on_each_hub(|hub| {
        hub.block_on(async {
            let server = genlet::StreamServer::bind("127.0.0.1:0", |mut conn, _peer| async move {
                let mut buf = [0; 8];
                loop {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if conn.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            })
            .unwrap();
            let addr = server.local_addr();
            for round in 0..ROUNDS {
                let clients: Vec<_> = (0..CLIENTS)
                    .map(|c| genlet::spawn(client(addr, (round * CLIENTS + c) as u64)))
                    .collect();
                for (c, g) in clients.into_iter().enumerate() {
                    let (sent, got) = g.join().await.unwrap();
                    assert_eq!(got, sent, "round {round}, client {c}");
                }
            }
            assert_eq!(server.stop(Duration::from_secs(10)).await, 0);
        });
    });
}
