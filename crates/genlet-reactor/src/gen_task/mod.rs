//! Generator tasks: tasks written as genlet-coro generators that yield I/O
//! requests and are resumed with their results, in the style of Beazley's
//! coroutine scheduler (`yield ReadWait(sock)`).
//!
//! A generator task never touches a socket or a clock itself: it names
//! sockets by [`SocketId`] and asks its driver for everything. So the same
//! generator runs on two drivers:
//!
//! * [`HubDriver`]: real sockets and real time, as tasks on a [`Hub`](crate::Hub);
//! * [`SimDriver`]: a virtual clock and scripted connections, no sockets and
//!   no waiting, deterministic to the byte, for tests.
//!
//! Both can record each task's transcript (every request and the reply it
//! got), so a test can check that a generator behaves the same on both:
//! `SimDriver` always does, `HubDriver` when made by
//! [`HubDriver::with_transcripts`] (a server keeps no traffic otherwise).
//!
//! Both drivers close a connection (a stream socket) when it is closed with
//! [`Request::Close`], or when every task that named it in a request has
//! ended, however it ended (returned, panicked, dropped): a handler that
//! forgets to close leaks nothing. A connection nobody has named yet belongs
//! to the task that accepted it until that task spawns another, which takes
//! it (so an accept loop hands each connection to the handler it spawns
//! next, whether the handler uses it or not), or ends, which closes it.
//! Listeners stay until closed.
//!
//! ```
//! use genlet_coro::{Co, Gen};
//! use genlet_reactor::gen_task::{GenTask, Reply, Request, SimDriver};
//! use std::time::Duration;
//!
//! /// Sleeps twice, then stops.
//! fn napper() -> GenTask {
//!     Box::pin(Gen::new(|co: Co<Request, Reply>, _start: Reply| async move {
//!         co.yield_(Request::Sleep(Duration::from_millis(5))).await;
//!         co.yield_(Request::Sleep(Duration::from_millis(5))).await;
//!     }))
//! }
//!
//! let mut sim = SimDriver::new();
//! sim.spawn(napper());
//! sim.run();
//! assert_eq!(sim.now(), Duration::from_millis(10)); // virtual time: no waiting
//! assert_eq!(sim.transcripts()[0].len(), 2);
//! ```

mod hub_driver;
mod sim_driver;

use core::fmt;
use core::hash::Hash;
use core::pin::Pin;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io;
use std::time::Duration;

use genlet_coro::Coroutine;

pub use hub_driver::HubDriver;
pub use sim_driver::{Connection, SimDriver};

/// A socket, as generator tasks name it: an index in their driver's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketId(pub u32);

/// A generator task: resumed with [`Reply`]s, yields [`Request`]s. Its first
/// resume value is [`Reply::Start`].
pub type GenTask = Pin<Box<dyn Coroutine<Reply, Yield = Request, Return = ()> + Send>>;

/// What a generator task asks its driver for.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_reactor::gen_task::{Request, SocketId};
///
/// let r = Request::Recv(SocketId(1), 1024);
/// assert_eq!(format!("{r:?}"), "Recv(SocketId(1), 1024)");
/// let _ = Request::Sleep(Duration::from_millis(10));
/// ```
pub enum Request {
    /// Wait this long: [`Reply::Woke`]. A duration beyond what the clock can
    /// reach, such as [`Duration::MAX`], waits forever: on both drivers,
    /// anything from 2^63 nanoseconds (about 292 years) on.
    Sleep(Duration),
    /// Let the other tasks run first: [`Reply::Resumed`].
    Yield,
    /// Wait for a connection on a listener: [`Reply::Accepted`] with the new
    /// socket.
    Accept(SocketId),
    /// Read at most this many bytes (and at most [`MAX_RECV`]):
    /// [`Reply::Received`], empty at the end of the stream. Zero is
    /// `Failed(InvalidInput)`: an empty read would look like the end.
    Recv(SocketId, usize),
    /// Write all these bytes: [`Reply::Sent`].
    Send(SocketId, Vec<u8>),
    /// Wait until the socket is readable: [`Reply::Ready`].
    WaitReadable(SocketId),
    /// Wait until the socket is writable: [`Reply::Ready`].
    WaitWritable(SocketId),
    /// Close the socket: [`Reply::Closed`]. Other tasks' requests waiting on
    /// it (an `Accept` on a listener included) end with `Failed(NotFound)` at
    /// once, on both drivers; a connection's peer sees the end at once, and
    /// a listener's port refuses connections from then on.
    Close(SocketId),
    /// Start another generator task: [`Reply::Spawned`] with its index.
    Spawn(GenTask),
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Sleep(d) => f.debug_tuple("Sleep").field(d).finish(),
            Request::Yield => f.write_str("Yield"),
            Request::Accept(s) => f.debug_tuple("Accept").field(s).finish(),
            Request::Recv(s, n) => f.debug_tuple("Recv").field(s).field(n).finish(),
            Request::Send(s, b) => f
                .debug_tuple("Send")
                .field(s)
                .field(&String::from_utf8_lossy(b))
                .finish(),
            Request::WaitReadable(s) => f.debug_tuple("WaitReadable").field(s).finish(),
            Request::WaitWritable(s) => f.debug_tuple("WaitWritable").field(s).finish(),
            Request::Close(s) => f.debug_tuple("Close").field(s).finish(),
            Request::Spawn(_) => f.write_str("Spawn(..)"),
        }
    }
}

/// What a driver resumes a generator task with.
///
/// # Examples
///
/// ```
/// use genlet_reactor::gen_task::Reply;
///
/// assert_eq!(Reply::Received(b"hi".to_vec()), Reply::Received(vec![b'h', b'i']));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The first resume value.
    Start,
    /// After [`Request::Sleep`].
    Woke,
    /// After [`Request::Yield`].
    Resumed,
    /// After [`Request::Accept`]: the new connection.
    Accepted(SocketId),
    /// After [`Request::Recv`]: the bytes read, empty at the end of the stream.
    Received(Vec<u8>),
    /// After [`Request::Send`]: how many bytes were written (all of them).
    Sent(usize),
    /// After [`Request::WaitReadable`] and [`Request::WaitWritable`].
    Ready,
    /// After [`Request::Close`].
    Closed,
    /// After [`Request::Spawn`]: the new task's index (the first task is 0).
    Spawned(usize),
    /// The request failed: an unknown socket is `NotFound`, a listener used as
    /// a stream (or the reverse) is `InvalidInput`, and I/O errors are
    /// themselves, the operating system's error code included.
    Failed(Failure),
}

/// Why a request failed: the [`io::ErrorKind`] and, for an error from the
/// operating system, its code, so that a task can tell apart errors that
/// share a kind. Running out of file descriptors (`EMFILE`) is
/// `ErrorKind::Uncategorized` on stable Rust, as are many others; an accept
/// loop that should back off on it checks
/// [`raw_os_error`](Failure::raw_os_error), as Python code checks `errno`.
///
/// Its `Debug` is the kind alone when there is no code (`NotFound`), so
/// transcripts read `Failed(NotFound)`; [`into_io_error`](Failure::into_io_error)
/// gives back an [`io::Error`] to propagate with `?`.
///
/// # Examples
///
/// ```
/// use std::io;
/// use genlet_reactor::gen_task::{Failure, Reply};
///
/// let unknown = Reply::Failed(io::ErrorKind::NotFound.into());
/// assert_eq!(format!("{unknown:?}"), "Failed(NotFound)");
///
/// // From an operating-system error: the code survives (24 is EMFILE on Linux).
/// let emfile = Failure::from(&io::Error::from_raw_os_error(24));
/// assert_eq!(emfile.raw_os_error(), Some(24));
/// assert_eq!(emfile.kind(), io::Error::from_raw_os_error(24).kind());
/// assert_eq!(emfile.into_io_error().raw_os_error(), Some(24));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Failure {
    kind: io::ErrorKind,
    code: Option<i32>,
}

impl Failure {
    /// The kind of error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::ErrorKind;
    /// use genlet_reactor::gen_task::Failure;
    ///
    /// assert_eq!(Failure::from(ErrorKind::NotFound).kind(), ErrorKind::NotFound);
    /// ```
    pub fn kind(&self) -> io::ErrorKind {
        self.kind
    }

    /// The operating system's error code (`errno` on Unix), when the error
    /// came from it; `None` for the driver's own answers (`NotFound`,
    /// `InvalidInput`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io;
    /// use genlet_reactor::gen_task::Failure;
    ///
    /// assert_eq!(Failure::from(io::ErrorKind::NotFound).raw_os_error(), None);
    /// let refused = Failure::from(&io::Error::from_raw_os_error(111));
    /// assert_eq!(refused.raw_os_error(), Some(111));
    /// ```
    pub fn raw_os_error(&self) -> Option<i32> {
        self.code
    }

    /// The error as an [`io::Error`]: from its code when it has one (so its
    /// message is the system's), from its kind otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io;
    /// use genlet_reactor::gen_task::Failure;
    ///
    /// let e = Failure::from(io::ErrorKind::InvalidInput).into_io_error();
    /// assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    /// ```
    pub fn into_io_error(self) -> io::Error {
        match self.code {
            Some(code) => io::Error::from_raw_os_error(code),
            None => self.kind.into(),
        }
    }
}

impl From<io::ErrorKind> for Failure {
    fn from(kind: io::ErrorKind) -> Self {
        Failure { kind, code: None }
    }
}

impl From<&io::Error> for Failure {
    fn from(error: &io::Error) -> Self {
        Failure {
            kind: error.kind(),
            code: error.raw_os_error(),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Failure::from(&error)
    }
}

impl From<Failure> for io::Error {
    fn from(failure: Failure) -> Self {
        failure.into_io_error()
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            None => fmt::Debug::fmt(&self.kind, f),
            Some(code) => write!(f, "{:?} (os error {code})", self.kind),
        }
    }
}

/// The system's message for an error with a code, the kind's otherwise.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            None => fmt::Display::fmt(&io::Error::from(self.kind), f),
            Some(code) => fmt::Display::fmt(&io::Error::from_raw_os_error(code), f),
        }
    }
}

impl std::error::Error for Failure {}

/// Shows received bytes as text, as [`Request`]'s `Debug` shows sent ones.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Received(bytes) => write!(f, "Received({:?})", String::from_utf8_lossy(bytes)),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One step of a task's transcript: the request (as its `Debug` text) and
/// the reply it got.
///
/// # Examples
///
/// ```
/// use genlet_reactor::gen_task::{Reply, Step};
///
/// let step = Step { request: "Yield".into(), reply: Reply::Resumed };
/// assert_eq!(step.to_string(), "Yield -> Resumed");
/// let step = Step { request: "Recv(SocketId(1), 9)".into(), reply: Reply::Received(b"hi".to_vec()) };
/// assert_eq!(step.to_string(), "Recv(SocketId(1), 9) -> Received(\"hi\")");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The request, formatted with `Debug`.
    pub request: String,
    /// The reply.
    pub reply: Reply,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {}", self.request, self.reply)
    }
}

/// Every task's transcript, by task index.
pub type Transcripts = Vec<Vec<Step>>;

/// The most bytes one [`Request::Recv`] reads, however many it asks for:
/// the driver allocates the buffer before the read, so a request for
/// gigabytes must not allocate them.
///
/// # Examples
///
/// ```
/// assert_eq!(genlet_reactor::gen_task::MAX_RECV, 64 * 1024);
/// ```
pub const MAX_RECV: usize = 64 * 1024;

/// The buffer size for `Recv(_, max)`, or the error for `max == 0`.
fn recv_len(max: usize) -> Result<usize, io::ErrorKind> {
    match max {
        0 => Err(io::ErrorKind::InvalidInput),
        n => Ok(n.min(MAX_RECV)),
    }
}

/// Which tasks have named which connections: a connection is closed when
/// the last task that named it ends. An accepted connection nobody named
/// yet is held by the task that accepted it, until some task names it, the
/// task spawns another (which takes it, as if it had named it), or the
/// task ends (which closes it). Shared by both drivers.
#[derive(Debug, Default)]
struct Users {
    /// Per open connection, the live tasks that named it.
    by_socket: HashMap<SocketId, Vec<usize>>,
    /// Per live task, the open connections it named.
    named: HashMap<usize, Vec<SocketId>>,
    /// Accepted connections nobody named yet, and who accepted them.
    held: HashMap<SocketId, usize>,
    /// The same, by task.
    holding: HashMap<usize, Vec<SocketId>>,
}

/// Takes `item` out of the vector `key` maps to, and the entry once empty.
fn take_from<K: Eq + Hash, V: PartialEq>(map: &mut HashMap<K, Vec<V>>, key: K, item: &V) {
    if let Entry::Occupied(mut entry) = map.entry(key) {
        entry.get_mut().retain(|v| v != item);
        if entry.get().is_empty() {
            entry.remove();
        }
    }
}

impl Users {
    /// Task `task` names connection `socket` in a request.
    fn name(&mut self, task: usize, socket: SocketId) {
        if let Some(holder) = self.held.remove(&socket) {
            take_from(&mut self.holding, holder, &socket);
        }
        let named = self.named.entry(task).or_default();
        if !named.contains(&socket) {
            named.push(socket);
            self.by_socket.entry(socket).or_default().push(task);
        }
    }

    /// Task `task` accepted connection `socket`.
    fn accepted(&mut self, task: usize, socket: SocketId) {
        self.held.insert(socket, task);
        self.holding.entry(task).or_default().push(socket);
    }

    /// Task `parent` spawned task `child`, which takes the connections
    /// `parent` accepted and nobody named yet.
    fn spawned(&mut self, parent: usize, child: usize) {
        for socket in self.holding.remove(&parent).unwrap_or_default() {
            self.name(child, socket);
        }
    }

    /// The connection was closed: nobody counts it any more.
    fn closed(&mut self, socket: SocketId) {
        if let Some(holder) = self.held.remove(&socket) {
            take_from(&mut self.holding, holder, &socket);
        }
        for task in self.by_socket.remove(&socket).unwrap_or_default() {
            take_from(&mut self.named, task, &socket);
        }
    }

    /// Task `task` ended: the connections it named that no live task
    /// names now, and those it held, to close.
    fn end(&mut self, task: usize) -> Vec<SocketId> {
        let mut unused = Vec::new();
        for socket in self.named.remove(&task).unwrap_or_default() {
            take_from(&mut self.by_socket, socket, &task);
            if !self.by_socket.contains_key(&socket) {
                unused.push(socket);
            }
        }
        for socket in self.holding.remove(&task).unwrap_or_default() {
            self.held.remove(&socket);
            unused.push(socket);
        }
        unused
    }

    /// How many entries it keeps, for tests: nothing for what is closed.
    #[cfg(test)]
    fn len(&self) -> usize {
        let lists = |map: &HashMap<usize, Vec<SocketId>>| map.values().map(Vec::len).sum::<usize>();
        self.by_socket.len() + lists(&self.named) + self.held.len() + lists(&self.holding)
    }
}

/// Adds `step` to task `task`'s transcript.
fn record(transcripts: &mut Transcripts, task: usize, step: Step) {
    if transcripts.len() <= task {
        transcripts.resize_with(task + 1, Vec::new);
    }
    transcripts[task].push(step);
}

#[cfg(test)]
mod tests {
    use super::{SocketId, Users};

    const ACCEPTOR: usize = 0;
    const HANDLER: usize = 1;

    #[test]
    fn an_accepted_connection_nobody_names_closes_with_its_acceptor() {
        let mut users = Users::default();
        users.accepted(ACCEPTOR, SocketId(7));
        assert_eq!(users.end(ACCEPTOR), [SocketId(7)]);
        assert_eq!(users.len(), 0);
    }

    #[test]
    fn the_next_spawned_task_takes_the_unnamed_connections() {
        let mut users = Users::default();
        users.accepted(ACCEPTOR, SocketId(7));
        users.spawned(ACCEPTOR, HANDLER);
        // The acceptor goes on (or ends): the handler has it now.
        assert_eq!(users.end(ACCEPTOR), []);
        assert_eq!(users.end(HANDLER), [SocketId(7)]);
        assert_eq!(users.len(), 0);
    }

    #[test]
    fn a_named_connection_closes_with_its_last_user() {
        let mut users = Users::default();
        users.accepted(ACCEPTOR, SocketId(7));
        users.name(HANDLER, SocketId(7));
        users.name(ACCEPTOR, SocketId(7));
        // Named since: spawning hands nothing over.
        users.spawned(ACCEPTOR, 2);
        assert_eq!(users.end(2), []);
        assert_eq!(users.end(HANDLER), []);
        assert_eq!(users.end(ACCEPTOR), [SocketId(7)]);
        assert_eq!(users.len(), 0);
    }

    #[test]
    fn closed_connections_leave_nothing_behind_in_a_long_lived_task() {
        let mut users = Users::default();
        for id in 0..10_000 {
            users.accepted(ACCEPTOR, SocketId(id));
            users.name(ACCEPTOR, SocketId(id));
            users.closed(SocketId(id));
        }
        assert_eq!(users.len(), 0);
        // Held and closed unnamed: gone too.
        users.accepted(ACCEPTOR, SocketId(1));
        users.closed(SocketId(1));
        assert_eq!(users.len(), 0);
        assert_eq!(users.end(ACCEPTOR), []);
    }
}
