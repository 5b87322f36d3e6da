//! Edge-triggered read readiness for a [`StreamServer`](crate::StreamServer)'s
//! connections (Linux): no `epoll_ctl` per read that waits.
//!
//! async-io registers a socket's interest one-shot, so every wait re-arms
//! it with an `epoll_ctl`, one system call per request on a busy connection.
//! Here each connection's socket joins, once, an epoll set of its server's
//! own, edge-triggered (`EPOLLET`): the kernel reports each arrival and
//! nothing is re-armed. The set's own descriptor is one source in
//! async-io's reactor, and one hub task, the driver, drains the set each
//! time the reactor reports it readable: per batch of ready sockets one
//! re-arm and one wait that does not block. For each socket it reports, the
//! driver bumps that socket's event count and wakes its reader.
//!
//! A reader reads the count before each read. A read that found the socket
//! empty (`EAGAIN`, or shorter than the buffer, the guess `Connection`
//! makes) records that count; the reader then waits until the count moves
//! past it, so bytes that arrive after the read always get a new read. An
//! event that says the peer closed (or the socket failed) is kept: from
//! then on every wait reads, so the end of stream behind the last bytes is
//! read even though no event follows it; a read that still finds nothing
//! hands the connection to async-io's readiness, which cannot spin.
//!
//! When the driver ends (its hub dropped, the set failed), it marks the set
//! dead and wakes every reader, and [`ReadReady::poll_ready`] says so: the
//! connection goes back to async-io's readiness, which always works. A set
//! that cannot be made, or a socket that cannot join it, means the same.
//! The driver lives while the server or one of its connections does.

use std::cell::RefCell;
use std::io;
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use async_io::Async;
use atomic_waker::AtomicWaker;
use genlet_reactor::Task;
use rustix::buffer::spare_capacity;
use rustix::event::{Timespec, epoll};

/// A server's edge-triggered set, and its driver (cancelled with the last
/// holder: the server and its connections).
pub(crate) struct Readiness {
    set: Arc<Set>,
    _driver: Task<()>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readiness").finish_non_exhaustive()
    }
}

impl Readiness {
    /// A set and its driver on the hub `spawn` puts tasks on; `None` when
    /// the set cannot be made (connections then use async-io's readiness).
    pub(crate) fn new(hub: &genlet_reactor::Handle) -> Option<Arc<Self>> {
        let epoll = epoll::create(epoll::CreateFlags::CLOEXEC).ok()?;
        let set = Arc::new(Set {
            epoll: Arc::new(epoll),
            sources: Mutex::default(),
            alive: AtomicBool::new(true),
        });
        // Captured before the first poll: a driver dropped unpolled (a hub
        // shutting down) marks the set dead too.
        let dead = Dead(set.clone());
        let driver = hub.spawn(async move { drive(&dead.0).await });
        Some(Arc::new(Self {
            set,
            _driver: driver,
        }))
    }
}

/// The epoll set, the sockets in it by key, and whether its driver runs.
struct Set {
    epoll: Arc<OwnedFd>,
    sources: Mutex<Slots>,
    alive: AtomicBool,
}

/// One socket's readers' side: the events the driver saw, whether one of
/// them was the peer's close (or an error), and who waits.
#[derive(Default)]
struct Source {
    events: AtomicU32,
    /// Sticky: the peer's last bytes and its close can come in one event,
    /// and a read that returns those bytes short is followed by no event
    /// for the end of stream behind them. Once set, every wait reads.
    closed: AtomicBool,
    reader: AtomicWaker,
}

/// The sockets in a set by key, each key with a generation that moves on
/// when the key is reused. An event's data is both: the driver may hold an
/// event a socket got just before it left the set, and that event must not
/// reach the socket given its key next (a close meant for the old socket
/// would make the new one read on every wait).
#[derive(Default)]
struct Slots {
    /// The generation and the socket (`None`: a free key).
    by_key: Vec<(u32, Option<Arc<Source>>)>,
    free: Vec<usize>,
}

impl Slots {
    /// The event data of `source`, put in a free key.
    fn insert(&mut self, source: Arc<Source>) -> u64 {
        let key = match self.free.pop() {
            Some(key) => {
                let slot = &mut self.by_key[key];
                *slot = (slot.0.wrapping_add(1), Some(source));
                key
            }
            None => {
                self.by_key.push((0, Some(source)));
                self.by_key.len() - 1
            }
        };
        u64::from(self.by_key[key].0) << 32 | key as u64
    }

    /// The socket an event's `data` is for, if it is still in the set.
    fn get(&self, data: u64) -> Option<&Arc<Source>> {
        match self.by_key.get(data as u32 as usize) {
            Some((generation, source)) if u64::from(*generation) == data >> 32 => source.as_ref(),
            _ => None,
        }
    }

    fn remove(&mut self, data: u64) {
        let key = data as u32 as usize;
        self.by_key[key].1 = None;
        self.free.push(key);
    }
}

thread_local! {
    /// The driver's event buffer, outside its future (rustix's events are
    /// not `Send`).
    static EVENTS: RefCell<Vec<epoll::Event>> = RefCell::new(Vec::with_capacity(256));
}

/// Marks the set dead and wakes every reader, when the driver ends or is
/// dropped: they go back to async-io's readiness.
struct Dead(Arc<Set>);

impl Drop for Dead {
    fn drop(&mut self) {
        self.0.alive.store(false, Ordering::SeqCst);
        let sources = self
            .0
            .sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for source in sources
            .by_key
            .iter()
            .filter_map(|(_, source)| source.as_ref())
        {
            source.reader.wake();
        }
    }
}

/// The driver: waits in async-io's reactor until the set has ready
/// sockets, then wakes them; ends only if the set fails.
async fn drive(set: &Set) {
    let Ok(source) = async_io::Async::new(set.epoll.clone()) else {
        return;
    };
    loop {
        if source.readable().await.is_err() {
            return;
        }
        loop {
            match set.drain() {
                Ok(true) => {} // the buffer filled: there may be more
                Ok(false) => break,
                Err(_) => return,
            }
        }
    }
}

impl Set {
    /// Wakes the sockets one wait (that does not block) reports; `true`
    /// when the buffer filled.
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
                // For a socket that left the set since: nothing.
                if let Some(source) = sources.get(event.data.u64()) {
                    use epoll::EventFlags as F;
                    let flags = event.flags; // a packed field: copied out
                    if flags.intersects(F::RDHUP | F::HUP | F::ERR) {
                        source.closed.store(true, Ordering::SeqCst);
                    }
                    source.events.fetch_add(1, Ordering::SeqCst);
                    source.reader.wake();
                }
            }
            Ok(events.len() == events.capacity())
        })
    }
}

/// A socket's place in a [`Readiness`] set; leaves it when dropped.
pub(crate) struct ReadReady {
    readiness: Arc<Readiness>,
    source: Arc<Source>,
    /// Its key and generation, the data of its events.
    data: u64,
    /// The socket, kept open until it has left the set.
    socket: Arc<Async<TcpStream>>,
    /// The event count at which a read last found the socket empty.
    seen: Option<u32>,
}

impl std::fmt::Debug for ReadReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadReady")
            .field("data", &self.data)
            .finish_non_exhaustive()
    }
}

impl ReadReady {
    /// Puts `socket` in the set; `None` when the set is dead or the socket
    /// cannot join it (its reads then use async-io's readiness).
    pub(crate) fn join(readiness: &Arc<Readiness>, socket: &Arc<Async<TcpStream>>) -> Option<Self> {
        let set = &readiness.set;
        if !set.alive.load(Ordering::SeqCst) {
            return None;
        }
        let source = Arc::new(Source::default());
        let data = set
            .sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(source.clone());
        let joined = Self {
            readiness: readiness.clone(),
            source,
            data,
            socket: socket.clone(),
            seen: None,
        };
        use epoll::EventFlags as F;
        epoll::add(
            &set.epoll,
            socket.get_ref(),
            epoll::EventData::new_u64(data),
            F::IN | F::RDHUP | F::ET,
        )
        .ok()?; // dropping `joined` frees the key
        Some(joined)
    }

    /// The event count, to be read before a read and handed to
    /// [`found_empty`](Self::found_empty) if that read found nothing more.
    pub(crate) fn events(&self) -> u32 {
        self.source.events.load(Ordering::SeqCst)
    }

    /// The read begun at `events` emptied the socket: wait for the next one.
    pub(crate) fn found_empty(&mut self, events: u32) {
        self.seen = Some(events);
    }

    /// `Ready(true)`: the socket may have bytes (or its end), read it.
    /// `Pending`: the task is woken when it may. `Ready(false)`: the driver
    /// is gone, ask async-io instead.
    pub(crate) fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<bool> {
        let set = &self.readiness.set;
        let events = self.events();
        if self.source.closed.load(Ordering::SeqCst) {
            // Read on. A read that found the socket empty even so (the end
            // of stream behind short read bytes, or a socket that never
            // says more) goes to async-io's level-triggered readiness, so
            // that a close can never make a reader spin.
            return Poll::Ready(self.seen != Some(events));
        }
        if self.seen != Some(events) {
            return Poll::Ready(set.alive.load(Ordering::SeqCst));
        }
        self.source.reader.register(cx.waker());
        if !set.alive.load(Ordering::SeqCst) {
            Poll::Ready(false)
        } else if self.events() != events {
            Poll::Ready(true) // an event came while registering
        } else {
            Poll::Pending
        }
    }
}

impl Drop for ReadReady {
    fn drop(&mut self) {
        let set = &self.readiness.set;
        let _ = epoll::delete(&set.epoll, self.socket.get_ref());
        set.sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(self.data);
    }
}
