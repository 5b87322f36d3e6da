//! [`HubDriver`]: runs generator tasks on a hub, with real sockets and real
//! time.

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_io::Async;
use futures_lite::{AsyncReadExt, AsyncWriteExt, future};
use genlet_coro::CoroutineState;

use super::{GenTask, Reply, Request, SocketId, Step, Transcripts, Users, record, recv_len};
use crate::{Handle, Task};

#[derive(Clone)]
enum Socket {
    Listener(Arc<Listener>),
    Stream(Arc<Async<TcpStream>>),
}

/// A listener, and what tells the tasks accepting on it that it was closed.
/// (A stream is shut down instead, which wakes its readers; a listening
/// socket has no such thing.)
struct Listener {
    socket: Async<TcpListener>,
    /// Never sent on, only closed, by `Request::Close`: every `recv` on
    /// `closed` then ends at once.
    closing: async_channel::Sender<()>,
    closed: async_channel::Receiver<()>,
}

impl Listener {
    fn new(socket: Async<TcpListener>) -> Self {
        let (closing, closed) = async_channel::bounded(1);
        Listener {
            socket,
            closing,
            closed,
        }
    }
}

struct Inner {
    hub: Handle,
    sockets: Mutex<Sockets>,
    next_socket: AtomicU32,
    next_task: AtomicUsize,
    /// `None` unless transcripts were asked for: then nothing of a request
    /// outlives it.
    transcripts: Option<Mutex<Transcripts>>,
}

/// Runs generator tasks as tasks of a hub: each request is carried out with
/// real sockets (async-io) and real timers, and the task resumed with the
/// result. Tasks a generator spawns run on the same hub and share the
/// driver's sockets.
///
/// A driver made by [`HubDriver::new`] keeps nothing of past requests (a
/// server's traffic passes through it, it does not pile up in it); one made by
/// [`HubDriver::with_transcripts`] records every request and reply, payload
/// included, to compare with [`SimDriver`](super::SimDriver)'s.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use genlet_coro::{Co, Gen};
/// use genlet_reactor::Hub;
/// use genlet_reactor::gen_task::{HubDriver, Reply, Request};
///
/// let hub = Hub::new().unwrap();
/// let driver = HubDriver::with_transcripts(hub.handle());
/// let task = driver.spawn(Box::pin(Gen::new(|co: Co<Request, Reply>, _: Reply| async move {
///     co.yield_(Request::Sleep(Duration::from_millis(1))).await;
///     co.yield_(Request::Yield).await;
/// })));
/// hub.block_on(task);
/// let steps: Vec<String> = driver.transcripts()[0].iter().map(|s| s.to_string()).collect();
/// assert_eq!(steps, ["Sleep(1ms) -> Woke", "Yield -> Resumed"]);
/// ```
#[derive(Clone)]
pub struct HubDriver {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HubDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubDriver")
            .field("tasks", &self.inner.next_task.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The driver's sockets, and which tasks named which connections.
#[derive(Default)]
struct Sockets {
    table: HashMap<SocketId, Socket>,
    users: Users,
}

/// Ends task `index` when dropped (it returned, panicked or was dropped):
/// closes the connections no live task names any more.
struct Ending<'a> {
    inner: &'a Inner,
    index: usize,
}

impl Drop for Ending<'_> {
    fn drop(&mut self) {
        let closed: Vec<Socket> = {
            let mut sockets = lock(&self.inner.sockets);
            let unused = sockets.users.end(self.index);
            unused
                .into_iter()
                .filter_map(|id| sockets.table.remove(&id))
                .collect()
        };
        // Dropped outside the lock: the last reference closes each socket.
        drop(closed);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl HubDriver {
    /// A driver whose tasks run on `hub`, keeping no transcripts: nothing of
    /// a request (its payload included) outlives it.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_coro::{Co, Gen};
    /// use genlet_reactor::Hub;
    /// use genlet_reactor::gen_task::{HubDriver, Reply, Request};
    ///
    /// let hub = Hub::new().unwrap();
    /// let driver = HubDriver::new(hub.handle());
    /// hub.block_on(driver.spawn(Box::pin(Gen::new(|co: Co<Request, Reply>, _: Reply| async move {
    ///     co.yield_(Request::Yield).await;
    /// }))));
    /// assert!(driver.transcripts().is_empty());
    /// ```
    pub fn new(hub: Handle) -> Self {
        Self::build(hub, None)
    }

    /// A driver whose tasks run on `hub`, recording every task's transcript:
    /// each request (as its `Debug` text, payload included) and its reply.
    /// They grow with the traffic: for tests and demonstrations, not for a
    /// long-running server.
    ///
    /// # Examples
    ///
    /// See [`HubDriver`].
    pub fn with_transcripts(hub: Handle) -> Self {
        Self::build(hub, Some(Mutex::new(Vec::new())))
    }

    fn build(hub: Handle, transcripts: Option<Mutex<Transcripts>>) -> Self {
        HubDriver {
            inner: Arc::new(Inner {
                hub,
                sockets: Mutex::new(Sockets::default()),
                next_socket: AtomicU32::new(0),
                next_task: AtomicUsize::new(0),
                transcripts,
            }),
        }
    }

    /// Hands a bound listener to the driver, for its tasks to accept on.
    ///
    /// # Errors
    ///
    /// When the listener cannot be registered with the reactor.
    ///
    /// # Examples
    ///
    /// ```
    /// let hub = genlet_reactor::Hub::new().unwrap();
    /// let driver = genlet_reactor::gen_task::HubDriver::new(hub.handle());
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let id = driver.add_listener(listener)?;
    /// # let _ = id;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn add_listener(&self, listener: TcpListener) -> io::Result<SocketId> {
        let listener = Listener::new(Async::new(listener)?);
        Ok(self.inner.add(Socket::Listener(Arc::new(listener))))
    }

    /// Starts a generator task; the returned [`Task`] completes when the
    /// generator returns. Tasks it spawns are detached.
    ///
    /// # Examples
    ///
    /// See [`HubDriver`].
    pub fn spawn(&self, task: GenTask) -> Task<()> {
        self.inner.hub.spawn(self.drive(task))
    }

    /// The future that runs a generator task, for the caller to spawn or
    /// await where it likes (the facade spawns it as a greenlet); it is
    /// what [`spawn`](HubDriver::spawn) spawns, and the task gets the next
    /// transcript index when this is called.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use genlet_coro::{Co, Gen};
    /// use genlet_reactor::Hub;
    /// use genlet_reactor::gen_task::{HubDriver, Reply, Request};
    ///
    /// let hub = Hub::new().unwrap();
    /// let driver = HubDriver::with_transcripts(hub.handle());
    /// hub.block_on(driver.drive(Box::pin(Gen::new(|co: Co<Request, Reply>, _: Reply| async move {
    ///     co.yield_(Request::Sleep(Duration::from_millis(1))).await;
    /// }))));
    /// assert_eq!(driver.transcripts()[0].len(), 1);
    /// ```
    pub fn drive(&self, task: GenTask) -> impl Future<Output = ()> + Send + 'static {
        let index = self.inner.next_task.fetch_add(1, Ordering::Relaxed);
        Inner::run(self.inner.clone(), index, task)
    }

    /// Every task's transcript so far, by task index; empty for a driver
    /// made by [`HubDriver::new`], which records none.
    ///
    /// # Examples
    ///
    /// See [`HubDriver`].
    pub fn transcripts(&self) -> Transcripts {
        self.inner
            .transcripts
            .as_ref()
            .map_or_else(Vec::new, |t| lock(t).clone())
    }
}

impl Inner {
    fn add(&self, socket: Socket) -> SocketId {
        let mut sockets = lock(&self.sockets);
        // Ids wrap after 2^32 sockets: one still open is skipped, never
        // replaced (a long-lived listener is 0).
        let id = loop {
            let id = SocketId(self.next_socket.fetch_add(1, Ordering::Relaxed));
            if !sockets.table.contains_key(&id) {
                break id;
            }
        };
        sockets.table.insert(id, socket);
        id
    }

    /// Connection `id`, named by task `task`.
    fn stream(&self, task: usize, id: SocketId) -> Result<Arc<Async<TcpStream>>, io::ErrorKind> {
        let mut sockets = lock(&self.sockets);
        match sockets.table.get(&id) {
            Some(Socket::Stream(s)) => {
                let s = s.clone();
                sockets.users.name(task, id);
                Ok(s)
            }
            Some(Socket::Listener(_)) => Err(io::ErrorKind::InvalidInput),
            None => Err(io::ErrorKind::NotFound),
        }
    }

    /// Runs `op` on connection `id`, named by task `task`: its reply, unless
    /// the connection was closed while `op` waited on it (then `NotFound`,
    /// as the simulation answers).
    async fn on_stream<Fut: Future<Output = Reply>>(
        &self,
        task: usize,
        id: SocketId,
        op: impl FnOnce(Arc<Async<TcpStream>>) -> Fut,
    ) -> Reply {
        let stream = match self.stream(task, id) {
            Ok(stream) => stream,
            Err(kind) => return Reply::Failed(kind.into()),
        };
        let reply = op(stream.clone()).await;
        match lock(&self.sockets).table.get(&id) {
            Some(Socket::Stream(s)) if Arc::ptr_eq(s, &stream) => reply,
            _ => Reply::Failed(io::ErrorKind::NotFound.into()),
        }
    }

    /// `run`, type-erased: a task that spawns tasks is a recursive future.
    fn run_boxed(
        this: Arc<Inner>,
        index: usize,
        task: GenTask,
    ) -> core::pin::Pin<Box<dyn core::future::Future<Output = ()> + Send>> {
        Box::pin(Inner::run(this, index, task))
    }

    async fn run(this: Arc<Inner>, index: usize, mut task: GenTask) {
        let _ending = Ending {
            inner: &this,
            index,
        };
        let mut reply = Reply::Start;
        loop {
            let request = match task.as_mut().resume(reply) {
                CoroutineState::Yielded(request) => request,
                CoroutineState::Complete(()) => return,
            };
            let Some(transcripts) = &this.transcripts else {
                reply = this.perform(index, request).await;
                continue;
            };
            let text = format!("{request:?}");
            reply = this.perform(index, request).await;
            record(
                &mut lock(transcripts),
                index,
                Step {
                    request: text,
                    reply: reply.clone(),
                },
            );
        }
    }

    /// Carries out task `task`'s `request`.
    async fn perform(self: &Arc<Self>, task: usize, request: Request) -> Reply {
        let failed = |e: io::Error| Reply::Failed(e.into());
        match request {
            Request::Sleep(d) => {
                crate::sleep(d).await;
                Reply::Woke
            }
            Request::Yield => {
                crate::yield_now().await;
                Reply::Resumed
            }
            Request::Spawn(child) => {
                let index = self.next_task.fetch_add(1, Ordering::Relaxed);
                lock(&self.sockets).users.spawned(task, index);
                self.hub
                    .spawn(Inner::run_boxed(self.clone(), index, child))
                    .detach();
                Reply::Spawned(index)
            }
            Request::Accept(id) => {
                let listener = match lock(&self.sockets).table.get(&id) {
                    Some(Socket::Listener(l)) => l.clone(),
                    Some(Socket::Stream(_)) => {
                        return Reply::Failed(io::ErrorKind::InvalidInput.into());
                    }
                    None => return Reply::Failed(io::ErrorKind::NotFound.into()),
                };
                let accepted = future::or(async { Some(listener.socket.accept().await) }, async {
                    let _ = listener.closed.recv().await;
                    None
                })
                .await;
                // Closed while it waited (or in the instant it accepted: the
                // connection is dropped, so its peer sees it closed).
                let open = matches!(
                    lock(&self.sockets).table.get(&id),
                    Some(Socket::Listener(l)) if Arc::ptr_eq(l, &listener)
                );
                match accepted {
                    Some(Ok((stream, _))) if open => {
                        let id = self.add(Socket::Stream(Arc::new(stream)));
                        lock(&self.sockets).users.accepted(task, id);
                        Reply::Accepted(id)
                    }
                    Some(Err(e)) if open => failed(e),
                    _ => Reply::Failed(io::ErrorKind::NotFound.into()),
                }
            }
            Request::Recv(id, max) => {
                self.on_stream(task, id, |stream| async move {
                    let mut buf = match recv_len(max) {
                        Ok(len) => vec![0; len],
                        Err(kind) => return Reply::Failed(kind.into()),
                    };
                    match (&*stream).read(&mut buf).await {
                        Ok(n) => {
                            buf.truncate(n);
                            // A short read keeps no 64 KiB buffer alive
                            // in the task that stores what it received.
                            if n < buf.capacity() / 2 {
                                buf.shrink_to_fit();
                            }
                            Reply::Received(buf)
                        }
                        Err(e) => failed(e),
                    }
                })
                .await
            }
            Request::Send(id, bytes) => {
                self.on_stream(task, id, |stream| async move {
                    match (&*stream).write_all(&bytes).await {
                        Ok(()) => Reply::Sent(bytes.len()),
                        Err(e) => failed(e),
                    }
                })
                .await
            }
            Request::WaitReadable(id) => {
                self.on_stream(task, id, |stream| async move {
                    stream
                        .readable()
                        .await
                        .map_or_else(failed, |()| Reply::Ready)
                })
                .await
            }
            Request::WaitWritable(id) => {
                self.on_stream(task, id, |stream| async move {
                    stream
                        .writable()
                        .await
                        .map_or_else(failed, |()| Reply::Ready)
                })
                .await
            }
            Request::Close(id) => {
                let closed = {
                    let mut sockets = lock(&self.sockets);
                    sockets.users.closed(id);
                    sockets.table.remove(&id)
                };
                match closed {
                    Some(Socket::Stream(stream)) => {
                        // Tasks still waiting on it wake (and answer
                        // `NotFound`), and the peer sees the end at once,
                        // though their references keep the socket a moment.
                        let _ = stream.get_ref().shutdown(Shutdown::Both);
                        Reply::Closed
                    }
                    Some(Socket::Listener(listener)) => {
                        // Its accepts end now (`NotFound`), and the socket
                        // closes as soon as they let go of it.
                        listener.closing.close();
                        Reply::Closed
                    }
                    None => Reply::Failed(io::ErrorKind::NotFound.into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::sync::atomic::Ordering;

    use super::HubDriver;
    use crate::gen_task::SocketId;

    #[test]
    fn wrapped_ids_skip_the_sockets_still_open() {
        let hub = crate::Hub::builder().workers(1).build().unwrap();
        let driver = HubDriver::new(hub.handle());
        let listen = || TcpListener::bind("127.0.0.1:0").unwrap();
        assert_eq!(driver.add_listener(listen()).unwrap(), SocketId(0));
        driver.inner.next_socket.store(u32::MAX, Ordering::Relaxed);
        assert_eq!(driver.add_listener(listen()).unwrap(), SocketId(u32::MAX));
        // 0 is still open: skipped, not replaced.
        assert_eq!(driver.add_listener(listen()).unwrap(), SocketId(1));
        assert_eq!(driver.inner.sockets.lock().unwrap().table.len(), 3);
    }
}
