//! The hub beside raw smol (async-executor) and tokio, in one run: spawn +
//! join of an empty task, `yield_now` ping-pong between two tasks, a TCP echo
//! round trip over loopback, and spawn + join at each priority.
//!
//! Each row times `iters` operations inside one `block_on`, so runtime setup
//! is not measured. "1 thread" rows run everything on the calling thread;
//! "2 threads" rows add two workers (this machine has 2 cores).
//!
//! `cargo bench -p genlet-reactor --bench hub`; a table of medians with
//! ratios to genlet follows criterion's output.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use futures_lite::{AsyncReadExt, AsyncWriteExt};
use genlet_reactor::{Hub, Priority};

/// A smol executor with `threads` extra threads running it.
struct Smol {
    ex: Arc<smol::Executor<'static>>,
    stop: Option<smol::channel::Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Smol {
    fn new(threads: usize) -> Self {
        let ex = Arc::new(smol::Executor::new());
        let (stop, stopped) = smol::channel::unbounded::<()>();
        let threads = (0..threads)
            .map(|_| {
                let (ex, stopped) = (ex.clone(), stopped.clone());
                std::thread::spawn(move || smol::block_on(ex.run(stopped.recv())).unwrap_or(()))
            })
            .collect();
        Smol {
            ex,
            stop: Some(stop),
            threads,
        }
    }

    fn block_on<T>(&self, f: impl Future<Output = T>) -> T {
        smol::block_on(self.ex.run(f))
    }
}

impl Drop for Smol {
    fn drop(&mut self) {
        drop(self.stop.take());
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn tokio_rt(threads: usize) -> tokio::runtime::Runtime {
    if threads == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .unwrap()
    }
}

fn genlet(workers: usize) -> Hub {
    Hub::builder().workers(workers).build().unwrap()
}

fn spawn_join(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn + join");
    for (threads, label) in [(0, "1 thread"), (2, "2 threads")] {
        let hub = genlet(threads);
        group.bench_function(format!("genlet, {label}"), |b| {
            b.iter_custom(|iters| {
                hub.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        hub.spawn(async {}).await;
                    }
                    start.elapsed()
                })
            })
        });
        let smol = Smol::new(threads);
        group.bench_function(format!("smol, {label}"), |b| {
            b.iter_custom(|iters| {
                smol.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        smol.ex.spawn(async {}).await;
                    }
                    start.elapsed()
                })
            })
        });
        let rt = tokio_rt(threads);
        group.bench_function(format!("tokio, {label}"), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        tokio::spawn(async {}).await.unwrap();
                    }
                    start.elapsed()
                })
            })
        });
    }
    group.finish();
}

fn ping_pong(c: &mut Criterion) {
    let mut group = c.benchmark_group("yield_now ping-pong");
    let hub = genlet(0);
    group.bench_function("genlet, 1 thread", |b| {
        b.iter_custom(|iters| {
            hub.block_on(async {
                let start = Instant::now();
                let [a, b] = [0, 1].map(|_| {
                    hub.spawn(async move {
                        for _ in 0..iters / 2 {
                            genlet_reactor::yield_now().await;
                        }
                    })
                });
                a.await;
                b.await;
                start.elapsed()
            })
        })
    });
    let smol = Smol::new(0);
    group.bench_function("smol, 1 thread", |b| {
        b.iter_custom(|iters| {
            smol.block_on(async {
                let start = Instant::now();
                let [a, b] = [0, 1].map(|_| {
                    smol.ex.spawn(async move {
                        for _ in 0..iters / 2 {
                            futures_lite::future::yield_now().await;
                        }
                    })
                });
                a.await;
                b.await;
                start.elapsed()
            })
        })
    });
    let rt = tokio_rt(0);
    group.bench_function("tokio, 1 thread", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                let [a, b] = [0, 1].map(|_| {
                    tokio::spawn(async move {
                        for _ in 0..iters / 2 {
                            tokio::task::yield_now().await;
                        }
                    })
                });
                a.await.unwrap();
                b.await.unwrap();
                start.elapsed()
            })
        })
    });
    group.finish();
}

/// `iters` one-byte round trips to an echo server task started with `spawn`,
/// over async-net sockets (which genlet's hub and smol share).
async fn net_echo<T: Future<Output = ()>>(
    iters: u64,
    spawn: impl FnOnce(std::pin::Pin<Box<dyn Future<Output = ()> + Send>>) -> T,
) -> Duration {
    use genlet_reactor::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = spawn(Box::pin(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0; 1];
        while s.read_exact(&mut buf).await.is_ok() {
            s.write_all(&buf).await.unwrap();
        }
    }));
    let mut client = TcpStream::connect(addr).await.unwrap();
    let mut buf = [0; 1];
    let start = Instant::now();
    for _ in 0..iters {
        client.write_all(b"x").await.unwrap();
        client.read_exact(&mut buf).await.unwrap();
    }
    let elapsed = start.elapsed();
    drop(client);
    server.await;
    elapsed
}

fn tcp_echo(c: &mut Criterion) {
    let mut group = c.benchmark_group("TCP echo round trip");
    group.measurement_time(Duration::from_secs(4));
    let hub = genlet(2);
    group.bench_function("genlet, 2 threads", |b| {
        b.iter_custom(|iters| hub.block_on(net_echo(iters, |server| hub.spawn(server))))
    });
    let smol = Smol::new(2);
    group.bench_function("smol, 2 threads", |b| {
        b.iter_custom(|iters| smol.block_on(net_echo(iters, |server| smol.ex.spawn(server))))
    });
    let rt = tokio_rt(2);
    group.bench_function("tokio, 2 threads", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let server = tokio::spawn(async move {
                    let (mut s, _) = listener.accept().await.unwrap();
                    let mut buf = [0; 1];
                    while s.read_exact(&mut buf).await.is_ok() {
                        s.write_all(&buf).await.unwrap();
                    }
                });
                let mut client = tokio::net::TcpStream::connect(addr).await.unwrap();
                let mut buf = [0; 1];
                let start = Instant::now();
                for _ in 0..iters {
                    client.write_all(b"x").await.unwrap();
                    client.read_exact(&mut buf).await.unwrap();
                }
                let elapsed = start.elapsed();
                drop(client);
                server.await.unwrap();
                elapsed
            })
        })
    });
    group.finish();
}

fn priorities(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn + join by priority");
    let hub = genlet(0);
    for priority in [Priority::High, Priority::Normal, Priority::Low] {
        group.bench_function(format!("genlet, {priority:?}"), |b| {
            b.iter_custom(|iters| {
                hub.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        hub.task().priority(priority).spawn(async {}).await;
                    }
                    start.elapsed()
                })
            })
        });
    }
    let plain = async_executor::Executor::new();
    group.bench_function("plain async-executor", |b| {
        b.iter_custom(|iters| {
            async_io::block_on(plain.run(async {
                let start = Instant::now();
                for _ in 0..iters {
                    plain.spawn(async {}).await;
                }
                start.elapsed()
            }))
        })
    });
    group.finish();
}

criterion_group!(benches, spawn_join, ping_pong, tcp_echo, priorities);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratios::print(&[
        ("spawn + join", "genlet, 1 thread"),
        ("yield_now ping-pong", "genlet, 1 thread"),
        ("TCP echo round trip", "genlet, 2 threads"),
        ("spawn + join by priority", "plain async-executor"),
    ]);
}

use genlet_bench_support::ratios;
