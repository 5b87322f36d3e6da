//! [`SimDriver`]: runs generator tasks on a virtual clock against scripted
//! connections. No sockets, no threads, no waiting: the same script gives the
//! same run, byte for byte.

use core::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::io;
use std::time::Duration;

use genlet_coro::CoroutineState;

use super::{GenTask, Reply, Request, SocketId, Step, Transcripts, Users, record, recv_len};

/// A scripted client connection made with [`SimDriver::connect`]; read what
/// the generator wrote to it with [`SimDriver::received`].
///
/// # Examples
///
/// See [`SimDriver::connect`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connection(usize);

/// A scripted event.
enum Event {
    /// The connection reaches its listener.
    Arrive(usize),
    /// Bytes from the client.
    Data(usize, Vec<u8>),
    /// The client closes its end.
    Hangup(usize),
}

/// A connection's state on the generator's side.
struct Stream {
    inbound: VecDeque<u8>,
    hung_up: bool,
}

enum Socket {
    Listener { pending: VecDeque<usize> },
    Stream(usize),
}

/// What a blocked task waits for.
enum Wait {
    Accept(SocketId),
    Recv(SocketId, usize),
    Readable(SocketId),
}

/// Runs generator tasks deterministically: a virtual clock that jumps to the
/// next timer or scripted event whenever no task is ready, and scripted
/// connections instead of sockets.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_coro::{Co, Gen};
/// use genlet_reactor::gen_task::{Reply, Request, SimDriver};
///
/// let mut sim = SimDriver::new();
/// let listener = sim.add_listener();
/// let client = sim.connect(listener, Duration::from_millis(3), &[(Duration::from_millis(4), b"ping")], Duration::from_millis(9));
/// sim.spawn(Box::pin(Gen::new(move |co: Co<Request, Reply>, _: Reply| async move {
///     let Reply::Accepted(s) = co.yield_(Request::Accept(listener)).await else { return };
///     let Reply::Received(msg) = co.yield_(Request::Recv(s, 64)).await else { return };
///     co.yield_(Request::Send(s, [b"re: ".as_slice(), &msg].concat())).await;
///     co.yield_(Request::Close(s)).await;
/// })));
/// sim.run();
/// assert_eq!(sim.received(client), b"re: ping");
/// assert_eq!(sim.now(), Duration::from_millis(9)); // the hang-up was the last event
/// ```
pub struct SimDriver {
    now: Duration,
    seq: u64,
    tasks: Vec<Option<GenTask>>,
    /// The request each task is waiting on a reply for, as text.
    pending: Vec<Option<String>>,
    ready: VecDeque<(usize, Reply)>,
    blocked: Vec<(usize, Wait)>,
    timers: BinaryHeap<Reverse<(Duration, u64, usize)>>,
    events: BinaryHeap<Reverse<(Duration, u64)>>,
    scripted: BTreeMap<u64, Event>,
    sockets: BTreeMap<SocketId, Socket>,
    /// Which tasks named which connections (closed when the last one ends).
    users: Users,
    next_socket: u32,
    /// Per connection: its listener, its stream state once arrived, and what
    /// the generator sent it.
    connections: Vec<(SocketId, Stream, Vec<u8>)>,
    transcripts: Transcripts,
}

impl Default for SimDriver {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for SimDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimDriver")
            .field("now", &self.now)
            .field("tasks", &self.tasks.len())
            .finish_non_exhaustive()
    }
}

impl SimDriver {
    /// An empty simulation at time zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let sim = genlet_reactor::gen_task::SimDriver::new();
    /// assert_eq!(sim.now(), std::time::Duration::ZERO);
    /// ```
    pub fn new() -> Self {
        SimDriver {
            now: Duration::ZERO,
            seq: 0,
            tasks: Vec::new(),
            pending: Vec::new(),
            ready: VecDeque::new(),
            blocked: Vec::new(),
            timers: BinaryHeap::new(),
            events: BinaryHeap::new(),
            scripted: BTreeMap::new(),
            sockets: BTreeMap::new(),
            users: Users::default(),
            next_socket: 0,
            connections: Vec::new(),
            transcripts: Vec::new(),
        }
    }

    /// The virtual time.
    ///
    /// # Examples
    ///
    /// See [`SimDriver`].
    pub fn now(&self) -> Duration {
        self.now
    }

    /// A listening socket for scripted connections to arrive at.
    ///
    /// # Examples
    ///
    /// See [`SimDriver`].
    pub fn add_listener(&mut self) -> SocketId {
        self.new_socket(Socket::Listener {
            pending: VecDeque::new(),
        })
    }

    /// Scripts a client: it connects to `listener` at `at`, sends each chunk at
    /// its time, and closes its end at `close_at` (all times from zero).
    ///
    /// # Examples
    ///
    /// See [`SimDriver`].
    pub fn connect(
        &mut self,
        listener: SocketId,
        at: Duration,
        sends: &[(Duration, &[u8])],
        close_at: Duration,
    ) -> Connection {
        let index = self.connections.len();
        let stream = Stream {
            inbound: VecDeque::new(),
            hung_up: false,
        };
        self.connections.push((listener, stream, Vec::new()));
        self.schedule(at, Event::Arrive(index));
        for (when, bytes) in sends {
            self.schedule(*when, Event::Data(index, bytes.to_vec()));
        }
        self.schedule(close_at, Event::Hangup(index));
        Connection(index)
    }

    /// Everything the generator tasks wrote to `connection` so far.
    ///
    /// # Examples
    ///
    /// See [`SimDriver`].
    pub fn received(&self, connection: Connection) -> &[u8] {
        &self.connections[connection.0].2
    }

    /// Adds a generator task, ready to start; returns its index.
    ///
    /// # Examples
    ///
    /// See [`SimDriver`].
    pub fn spawn(&mut self, task: GenTask) -> usize {
        let index = self.tasks.len();
        self.tasks.push(Some(task));
        self.pending.push(None);
        self.ready.push_back((index, Reply::Start));
        index
    }

    /// Every task's transcript so far, by task index.
    ///
    /// # Examples
    ///
    /// See the [module docs](super).
    pub fn transcripts(&self) -> &Transcripts {
        &self.transcripts
    }

    /// Runs until no task is ready and no timer or scripted event is left.
    /// Tasks still blocked then (an accept loop, say) stay suspended.
    ///
    /// # Examples
    ///
    /// See [`SimDriver`].
    pub fn run(&mut self) {
        loop {
            while let Some((task, reply)) = self.ready.pop_front() {
                self.step(task, reply);
            }
            // Nothing is ready: jump to the earliest timer or event (ties go
            // to whichever was scheduled first).
            let timer = self.timers.peek().map(|Reverse((at, seq, _))| (*at, *seq));
            let event = self.events.peek().map(|Reverse((at, seq))| (*at, *seq));
            match (timer, event) {
                (None, None) => return,
                (Some(t), Some(e)) if t <= e => self.fire_timer(),
                (Some(_), None) => self.fire_timer(),
                _ => self.fire_event(),
            }
        }
    }

    fn schedule(&mut self, at: Duration, event: Event) {
        self.seq += 1;
        self.events.push(Reverse((at, self.seq)));
        self.scripted.insert(self.seq, event);
    }

    fn new_socket(&mut self, socket: Socket) -> SocketId {
        // Ids wrap after 2^32 sockets, as on the hub: an open one is skipped.
        let id = loop {
            let id = SocketId(self.next_socket);
            self.next_socket = self.next_socket.wrapping_add(1);
            if !self.sockets.contains_key(&id) {
                break id;
            }
        };
        self.sockets.insert(id, socket);
        id
    }

    fn fire_timer(&mut self) {
        let Reverse((at, _, task)) = self.timers.pop().expect("peeked");
        self.now = self.now.max(at);
        self.ready.push_back((task, Reply::Woke));
    }

    fn fire_event(&mut self) {
        let Reverse((at, seq)) = self.events.pop().expect("peeked");
        self.now = self.now.max(at);
        match self.scripted.remove(&seq).expect("scheduled") {
            Event::Arrive(conn) => {
                let listener = self.connections[conn].0;
                if let Some(Socket::Listener { pending }) = self.sockets.get_mut(&listener) {
                    pending.push_back(conn);
                }
            }
            Event::Data(conn, bytes) => self.connections[conn].1.inbound.extend(bytes),
            Event::Hangup(conn) => self.connections[conn].1.hung_up = true,
        }
        self.wake_blocked();
    }

    /// Resumes every blocked task whose wait can now be answered.
    fn wake_blocked(&mut self) {
        let blocked = std::mem::take(&mut self.blocked);
        for (task, wait) in blocked {
            match self.try_answer(task, &wait) {
                Some(reply) => self.ready.push_back((task, reply)),
                None => self.blocked.push((task, wait)),
            }
        }
    }

    /// The reply to task `task`'s `wait` if it can be given now.
    fn try_answer(&mut self, task: usize, wait: &Wait) -> Option<Reply> {
        match *wait {
            Wait::Accept(listener) => {
                let conn = match self.sockets.get_mut(&listener) {
                    Some(Socket::Listener { pending }) => pending.pop_front()?,
                    Some(Socket::Stream(_)) => {
                        return Some(Reply::Failed(io::ErrorKind::InvalidInput.into()));
                    }
                    None => return Some(Reply::Failed(io::ErrorKind::NotFound.into())),
                };
                let socket = self.new_socket(Socket::Stream(conn));
                self.users.accepted(task, socket);
                Some(Reply::Accepted(socket))
            }
            Wait::Recv(socket, max) => {
                let stream = match self.stream(socket) {
                    Ok(stream) => stream,
                    Err(kind) => return Some(Reply::Failed(kind.into())),
                };
                if !stream.inbound.is_empty() {
                    let n = max.min(stream.inbound.len());
                    Some(Reply::Received(stream.inbound.drain(..n).collect()))
                } else if stream.hung_up {
                    Some(Reply::Received(Vec::new()))
                } else {
                    None
                }
            }
            Wait::Readable(socket) => match self.stream(socket) {
                Ok(stream) if !stream.inbound.is_empty() || stream.hung_up => Some(Reply::Ready),
                Ok(_) => None,
                Err(kind) => Some(Reply::Failed(kind.into())),
            },
        }
    }

    fn stream(&mut self, socket: SocketId) -> Result<&mut Stream, io::ErrorKind> {
        match self.sockets.get(&socket) {
            Some(Socket::Stream(conn)) => Ok(&mut self.connections[*conn].1),
            Some(Socket::Listener { .. }) => Err(io::ErrorKind::InvalidInput),
            None => Err(io::ErrorKind::NotFound),
        }
    }

    /// Delivers `reply` to `task` and handles what it asks for next.
    fn step(&mut self, task: usize, reply: Reply) {
        if let Some(request) = self.pending[task].take() {
            record(
                &mut self.transcripts,
                task,
                Step {
                    request,
                    reply: reply.clone(),
                },
            );
        }
        let Some(generator) = self.tasks[task].as_mut() else {
            return;
        };
        let request = match generator.as_mut().resume(reply) {
            CoroutineState::Yielded(request) => request,
            CoroutineState::Complete(()) => {
                self.tasks[task] = None;
                for socket in self.users.end(task) {
                    self.sockets.remove(&socket);
                }
                return;
            }
        };
        self.pending[task] = Some(format!("{request:?}"));
        if let Request::Recv(socket, _)
        | Request::Send(socket, _)
        | Request::WaitReadable(socket)
        | Request::WaitWritable(socket) = &request
            && let Some(Socket::Stream(_)) = self.sockets.get(socket)
        {
            self.users.name(task, *socket);
        }
        let wait = match request {
            Request::Sleep(d) => {
                // Beyond what the clock can reach (the hub's, 292 years,
                // for both drivers to agree): a sleep that never ends.
                if let Some(at) = Some(d)
                    .filter(|d| d.as_nanos() < i64::MAX as u128)
                    .and_then(|d| self.now.checked_add(d))
                {
                    self.seq += 1;
                    self.timers.push(Reverse((at, self.seq, task)));
                }
                return;
            }
            Request::Yield => {
                self.ready.push_back((task, Reply::Resumed));
                return;
            }
            Request::Spawn(child) => {
                let index = self.tasks.len();
                self.users.spawned(task, index);
                let spawned = self.spawn(child);
                debug_assert_eq!(spawned, index, "tasks are numbered in order");
                self.ready.push_back((task, Reply::Spawned(index)));
                return;
            }
            Request::Send(socket, bytes) => {
                let reply = match self.sockets.get(&socket) {
                    Some(Socket::Stream(conn)) => {
                        self.connections[*conn].2.extend_from_slice(&bytes);
                        Reply::Sent(bytes.len())
                    }
                    Some(Socket::Listener { .. }) => {
                        Reply::Failed(io::ErrorKind::InvalidInput.into())
                    }
                    None => Reply::Failed(io::ErrorKind::NotFound.into()),
                };
                self.ready.push_back((task, reply));
                return;
            }
            Request::WaitWritable(socket) => {
                let reply = match self.stream(socket) {
                    Ok(_) => Reply::Ready,
                    Err(kind) => Reply::Failed(kind.into()),
                };
                self.ready.push_back((task, reply));
                return;
            }
            Request::Close(socket) => {
                self.users.closed(socket);
                let reply = match self.sockets.remove(&socket) {
                    Some(_) => Reply::Closed,
                    None => Reply::Failed(io::ErrorKind::NotFound.into()),
                };
                self.ready.push_back((task, reply));
                // The tasks waiting on it answer `NotFound` now, as on the
                // hub, not at the next scripted event.
                self.wake_blocked();
                return;
            }
            Request::Accept(socket) => Wait::Accept(socket),
            // A bad length is the answer for a connection; anything else
            // is told apart by the wait, as the hub's driver does.
            Request::Recv(socket, max) => match (self.stream(socket).is_ok(), recv_len(max)) {
                (true, Err(kind)) => {
                    self.ready.push_back((task, Reply::Failed(kind.into())));
                    return;
                }
                (_, len) => Wait::Recv(socket, len.unwrap_or(1)),
            },
            Request::WaitReadable(socket) => Wait::Readable(socket),
        };
        match self.try_answer(task, &wait) {
            Some(reply) => self.ready.push_back((task, reply)),
            None => self.blocked.push((task, wait)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SimDriver;
    use crate::gen_task::SocketId;

    #[test]
    fn wrapped_ids_skip_the_sockets_still_open() {
        let mut sim = SimDriver::new();
        assert_eq!(sim.add_listener(), SocketId(0));
        sim.next_socket = u32::MAX;
        assert_eq!(sim.add_listener(), SocketId(u32::MAX));
        assert_eq!(sim.add_listener(), SocketId(1));
        assert_eq!(sim.sockets.len(), 3);
    }
}
