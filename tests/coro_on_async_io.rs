//! genlet-coro's async flavour on smol's reactor: an `AsyncGen` body awaits
//! real `async-io` timers and a real socket between its yields.

use core::pin::pin;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use async_io::{Async, Timer};
use futures_lite::{AsyncReadExt, AsyncWriteExt, StreamExt};
use genlet_coro::{AsyncGen, Co, CoroutineState};

#[test]
fn ticks_from_real_timers_arrive_in_order() {
    let ticks = pin!(AsyncGen::new(|co: Co<u32>, ()| async move {
        for tick in 1..=3 {
            Timer::after(Duration::from_millis(2)).await;
            co.yield_(tick).await;
        }
    }));
    let seen: Vec<u32> = async_io::block_on(ticks.collect());
    assert_eq!(seen, [1, 2, 3]);
}

#[test]
fn a_generator_reads_lines_from_a_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let (mut peer, _) = listener.accept().unwrap();
        peer.write_all(b"alpha\nbeta\n").unwrap();
    });
    async_io::block_on(async {
        let stream = Async::<TcpStream>::connect(addr).await.unwrap();
        // Resumed with how many bytes to read at most; yields each chunk read.
        let mut reader = pin!(AsyncGen::new(
            move |co: Co<String, usize>, mut want: usize| {
                let mut stream = stream;
                async move {
                    loop {
                        let mut buf = vec![0; want];
                        let n = stream.read(&mut buf).await.unwrap();
                        if n == 0 {
                            return "closed";
                        }
                        want = co
                            .yield_(String::from_utf8_lossy(&buf[..n]).into_owned())
                            .await;
                    }
                }
            }
        ));
        let mut text = String::new();
        loop {
            match reader.as_mut().resume(4).await {
                CoroutineState::Yielded(chunk) => {
                    assert!(chunk.len() <= 4);
                    text.push_str(&chunk);
                }
                CoroutineState::Complete(why) => {
                    assert_eq!(why, "closed");
                    break;
                }
            }
        }
        assert_eq!(text, "alpha\nbeta\n");
    });
    writer.join().unwrap();
}

#[test]
fn close_lets_the_body_flush_a_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let (mut peer, _) = listener.accept().unwrap();
        let mut got = String::new();
        peer.read_to_string(&mut got).unwrap();
        got
    });
    async_io::block_on(async {
        let stream = Async::<TcpStream>::connect(addr).await.unwrap();
        // Resumed with lines; buffers them and writes them all on close.
        let mut sink = pin!(AsyncGen::new(
            move |co: Co<usize, String>, first: String| {
                let mut stream = stream;
                async move {
                    let mut buffered = vec![first];
                    while co
                        .yield_(buffered.len())
                        .catch()
                        .await
                        .map(|l| buffered.push(l))
                        .is_ok()
                    {}
                    let text = buffered.concat();
                    stream.write_all(text.as_bytes()).await.unwrap();
                    stream.flush().await.unwrap();
                    text.len()
                }
            }
        ));
        assert_eq!(
            sink.as_mut().resume("a\n".into()).await,
            CoroutineState::Yielded(1)
        );
        assert_eq!(
            sink.as_mut().resume("b\n".into()).await,
            CoroutineState::Yielded(2)
        );
        assert_eq!(sink.as_mut().close().await, Ok(Some(4)));
    });
    assert_eq!(reader.join().unwrap(), "a\nb\n");
}
