//! The echo server's `genlet-edge` variant: what a reactor that registers
//! each socket once, edge-triggered, would buy over async-io's one-shot
//! registration, which re-arms a socket with an `epoll_ctl` on every wait.
//!
//! An experiment, not a design for genlet: sockets go into an epoll set of
//! their own (`EPOLLET`, read and write interest, never re-armed); that
//! set's own descriptor is one source in async-io's reactor, and one hub
//! task ([`EdgeReactor::drive`]) drains the set each time async-io reports
//! it readable, bumping each ready socket's readiness count and waking its
//! reader or writer. A wait then costs one `epoll_ctl` per batch of ready
//! sockets instead of one per socket, and one extra hop (the driver task)
//! per batch. [`EdgeStream`]'s reads guess, as genlet's `Connection` does,
//! that a read shorter than its buffer emptied the socket.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use atomic_waker::AtomicWaker;
use futures_lite::{AsyncRead, AsyncWrite};
use rustix::buffer::spare_capacity;
use rustix::event::{Timespec, epoll};

/// One direction of a socket: how many readiness events the driver saw,
/// and who waits for the next.
#[derive(Default)]
struct Direction {
    events: AtomicU32,
    waiter: AtomicWaker,
}

impl Direction {
    fn ready(&self) {
        self.events.fetch_add(1, Ordering::AcqRel);
        self.waiter.wake();
    }

    /// Runs `op` unless the socket was found empty (or full) since the last
    /// event, in which case it waits for the next. `op` returns its result
    /// and whether it left the socket empty (or full).
    fn poll<T>(
        &self,
        seen: &mut Option<u32>,
        cx: &mut Context<'_>,
        mut op: impl FnMut() -> io::Result<(T, bool)>,
    ) -> Poll<io::Result<T>> {
        loop {
            let events = self.events.load(Ordering::Acquire);
            if *seen == Some(events) {
                self.waiter.register(cx.waker());
                if self.events.load(Ordering::Acquire) == events {
                    return Poll::Pending;
                }
                continue; // an event came in while registering
            }
            match op() {
                Ok((value, exhausted)) => {
                    if exhausted {
                        *seen = Some(events);
                    }
                    return Poll::Ready(Ok(value));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => *seen = Some(events),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

/// A socket's two directions.
#[derive(Default)]
struct Source {
    read: Direction,
    write: Direction,
}

/// The registered sources by key (the epoll events' data).
#[derive(Default)]
struct Slots {
    /// `None`: a free key.
    by_key: Vec<Option<Arc<Source>>>,
    free: Vec<usize>,
}

impl Slots {
    fn insert(&mut self, source: Arc<Source>) -> usize {
        match self.free.pop() {
            Some(key) => {
                self.by_key[key] = Some(source);
                key
            }
            None => {
                self.by_key.push(Some(source));
                self.by_key.len() - 1
            }
        }
    }

    fn remove(&mut self, key: usize) {
        self.by_key[key] = None;
        self.free.push(key);
    }
}

/// The edge-triggered epoll set and the sources registered in it.
pub struct EdgeReactor {
    epoll: Arc<OwnedFd>,
    sources: Mutex<Slots>,
}

thread_local! {
    /// The driver's event buffer (rustix's events are not `Send`, so they
    /// stay out of the driver's future).
    static EVENTS: RefCell<Vec<epoll::Event>> = RefCell::new(Vec::with_capacity(1024));
}

impl EdgeReactor {
    /// A reactor with an empty epoll set; nothing is woken until
    /// [`drive`](Self::drive) runs.
    ///
    /// # Errors
    ///
    /// When the epoll set cannot be made.
    pub fn new() -> io::Result<Arc<Self>> {
        Ok(Arc::new(Self {
            epoll: Arc::new(epoll::create(epoll::CreateFlags::CLOEXEC)?),
            sources: Mutex::default(),
        }))
    }

    /// The driver: waits in async-io's reactor for the set to have ready
    /// sockets, then wakes them. Spawn it once on the hub; it never ends.
    ///
    /// # Errors
    ///
    /// When the set cannot be registered in async-io or read.
    pub async fn drive(self: Arc<Self>) -> io::Result<()> {
        let set = async_io::Async::new(self.epoll.clone())?;
        loop {
            set.readable().await?;
            while self.drain()? {}
        }
    }

    /// Wakes the sockets one wait of the set reports; `true` when the
    /// buffer filled (there may be more).
    fn drain(&self) -> io::Result<bool> {
        EVENTS.with_borrow_mut(|events| {
            events.clear();
            let now = Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            epoll::wait(&self.epoll, spare_capacity(&mut *events), Some(&now))?;
            let sources = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
            for event in events.iter() {
                let Some(Some(source)) = sources.by_key.get(event.data.u64() as usize) else {
                    continue; // closed since
                };
                use epoll::EventFlags as F;
                let flags = event.flags; // a packed field: copied out
                if flags.intersects(F::IN | F::RDHUP | F::HUP | F::ERR) {
                    source.read.ready();
                }
                if flags.intersects(F::OUT | F::HUP | F::ERR) {
                    source.write.ready();
                }
            }
            Ok(events.len() == events.capacity())
        })
    }
}

/// A TCP stream registered in an [`EdgeReactor`], edge-triggered.
pub struct EdgeStream {
    io: TcpStream,
    reactor: Arc<EdgeReactor>,
    source: Arc<Source>,
    key: usize,
    /// The event count at which each direction was last found exhausted.
    read_seen: Option<u32>,
    write_seen: Option<u32>,
}

impl EdgeStream {
    /// Registers `io` (made non-blocking) in `reactor`.
    ///
    /// # Errors
    ///
    /// When `io` cannot be made non-blocking or registered.
    pub fn new(io: TcpStream, reactor: Arc<EdgeReactor>) -> io::Result<Self> {
        io.set_nonblocking(true)?;
        let source = Arc::new(Source::default());
        let key = reactor
            .sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(source.clone());
        use epoll::EventFlags as F;
        let interest = F::IN | F::OUT | F::RDHUP | F::ET;
        let stream = Self {
            io,
            reactor,
            source,
            key,
            read_seen: None,
            write_seen: None,
        };
        epoll::add(
            &stream.reactor.epoll,
            &stream.io,
            epoll::EventData::new_u64(key as u64),
            interest,
        )?;
        Ok(stream)
    }
}

impl Drop for EdgeStream {
    fn drop(&mut self) {
        let _ = epoll::delete(&self.reactor.epoll, &self.io);
        self.reactor
            .sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(self.key);
    }
}

impl AsyncRead for EdgeStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let (io, len) = (&mut this.io, buf.len());
        this.source.read.poll(&mut this.read_seen, cx, || {
            io.read(buf).map(|n| (n, n > 0 && n < len))
        })
    }
}

impl AsyncWrite for EdgeStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let io = &mut this.io;
        this.source.write.poll(&mut this.write_seen, cx, || {
            io.write(buf).map(|n| (n, n < buf.len()))
        })
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.io.shutdown(std::net::Shutdown::Write))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use futures_lite::{AsyncReadExt, AsyncWriteExt};
    use genlet::reactor::Hub;

    use super::*;

    /// Echoes until the client closes, then counts itself done.
    async fn echo(mut stream: EdgeStream, done: Arc<AtomicUsize>) {
        let mut buf = [0; 1024];
        while let Ok(n @ 1..) = stream.read(&mut buf).await {
            if stream.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        done.fetch_add(1, Ordering::SeqCst);
    }

    /// Clients exchanging messages of many sizes (some larger than the
    /// server's buffer, so its reads come up full or short) get every byte
    /// back in order, and every handler sees its client's close: no
    /// readiness event is lost, on a one-worker hub and on the default one.
    #[test]
    fn every_echo_arrives_and_every_close_is_seen() {
        const CLIENTS: usize = 20;
        const ROUNDS: usize = 200;
        for hub in [
            Hub::builder().workers(1).build().unwrap(),
            Hub::new().unwrap(),
        ] {
            hub.block_on(async {
                let reactor = EdgeReactor::new().unwrap();
                genlet::spawn(reactor.clone().drive()).detach();
                let listener =
                    async_io::Async::<std::net::TcpListener>::bind(([127, 0, 0, 1], 0)).unwrap();
                let addr = listener.get_ref().local_addr().unwrap();
                let done = Arc::new(AtomicUsize::new(0));
                let acceptor = genlet::spawn({
                    let (reactor, done) = (reactor.clone(), done.clone());
                    async move {
                        for _ in 0..CLIENTS {
                            let (stream, _) = listener.accept().await.unwrap();
                            // An echo of a long message goes out in pieces:
                            // Nagle's wait for an ack would stall each one.
                            stream.get_ref().set_nodelay(true).unwrap();
                            let stream =
                                EdgeStream::new(stream.into_inner().unwrap(), reactor.clone())
                                    .unwrap();
                            genlet::spawn(echo(stream, done.clone())).detach();
                        }
                    }
                });
                let clients: Vec<_> = (0..CLIENTS)
                    .map(|c| {
                        genlet::spawn(async move {
                            let mut s = async_io::Async::<std::net::TcpStream>::connect(addr)
                                .await
                                .unwrap();
                            for round in 0..ROUNDS {
                                let len = (c * 131 + round * 37) % 3000 + 1;
                                let message: Vec<u8> =
                                    (0..len).map(|i| (i + round) as u8).collect();
                                s.write_all(&message).await.unwrap();
                                let mut echo = vec![0; len];
                                s.read_exact(&mut echo).await.unwrap();
                                assert_eq!(echo, message, "client {c}, round {round}");
                            }
                        })
                    })
                    .collect();
                let finished = genlet::timeout(Duration::from_secs(60), async {
                    for client in clients {
                        client.await.expect("a client's echo came back whole");
                    }
                    acceptor.await.unwrap();
                    while done.load(Ordering::SeqCst) < CLIENTS {
                        genlet::sleep(Duration::from_millis(1)).await;
                    }
                })
                .await;
                assert!(finished.is_ok(), "an echo or a close was lost");
            });
        }
    }
}
