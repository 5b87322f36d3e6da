//! [`YieldableThread`]: a body run on a thread of its own, by [`drive`].

use core::future::Future;
use std::io;
use std::thread::{self, JoinHandle, Thread};

use crate::apply::Apply;
use crate::cpu::Cpu;
use crate::drive::drive;

/// A thread running a body whose CPU work it yields to an apply policy: the
/// post's `YieldableThread`.
///
/// The body is free to block on I/O (that is what threads are good at); each
/// job it yields with [`Cpu::run`] goes to the policy, which runs it inline,
/// one at a time, or on a pool, without the body changing.
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
/// use genlet_ythread::{ThreadPool, YieldableThread};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let addr = listener.local_addr()?;
/// let client = std::thread::spawn(move || -> std::io::Result<String> {
///     let mut s = TcpStream::connect(addr)?;
///     s.write_all(b"100")?;
///     let mut reply = String::new();
///     s.read_to_string(&mut reply)?;
///     Ok(reply)
/// });
/// let (mut conn, _) = listener.accept()?;
/// let server = YieldableThread::spawn(
///     move |cpu| async move {
///         let mut buf = [0; 16];
///         let len = conn.read(&mut buf)?; // blocking I/O in the body
///         let n: u64 = std::str::from_utf8(&buf[..len]).unwrap().parse().unwrap();
///         let total = cpu.run(move || (1..=n).sum::<u64>()).await.unwrap(); // CPU work yielded
///         conn.write_all(total.to_string().as_bytes())
///     },
///     ThreadPool::new(),
/// )?;
/// server.join().unwrap()?;
/// assert_eq!(client.join().unwrap()?, "5050");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct YieldableThread<T> {
    handle: JoinHandle<T>,
}

impl<T: Send + 'static> YieldableThread<T> {
    /// Starts a thread (named `genlet-ythread`, with the standard library's
    /// default stack size) that runs `body`, handing each job it yields to
    /// `apply`. [`YieldableThread::builder`] sets the name and the stack size.
    ///
    /// # Errors
    ///
    /// When the operating system refuses to start a thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Exclusive, YieldableThread};
    ///
    /// let thread = YieldableThread::spawn(|cpu| async move { cpu.run(|| "done").await }, Exclusive::new())?;
    /// assert_eq!(thread.join().unwrap(), Ok("done"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawn<B, Fut, A>(body: B, apply: A) -> io::Result<Self>
    where
        B: FnOnce(Cpu) -> Fut + Send + 'static,
        Fut: Future<Output = T>,
        A: Apply + 'static,
    {
        YieldableThread::builder().spawn(body, apply)
    }
}

impl YieldableThread<()> {
    /// A [`YieldableThreadBuilder`] to name the thread and size its stack, as
    /// [`std::thread::Builder`] does for a plain thread.
    ///
    /// # Examples
    ///
    /// See [`YieldableThreadBuilder`].
    pub fn builder() -> YieldableThreadBuilder {
        YieldableThreadBuilder {
            name: None,
            stack_size: None,
        }
    }
}

/// Sets up a [`YieldableThread`] before it starts: its name and its stack
/// size. Made by [`YieldableThread::builder`].
///
/// A body that keeps big buffers or deep recursion on its stack needs more
/// than the default (2 MiB unless `RUST_MIN_STACK` says otherwise); many
/// threads that each block on one call need less.
///
/// # Examples
///
/// ```
/// use genlet_ythread::{Inline, YieldableThread};
///
/// let thread = YieldableThread::builder()
///     .name("parser")
///     .stack_size(16 << 20) // room for a deeply recursive body
///     .spawn(|cpu| async move { cpu.run(|| 6 * 7).await }, Inline)?;
/// assert_eq!(thread.thread().name(), Some("parser"));
/// assert_eq!(thread.join().unwrap(), Ok(42));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `spawn`"]
pub struct YieldableThreadBuilder {
    name: Option<String>,
    stack_size: Option<usize>,
}

impl YieldableThreadBuilder {
    /// Names the thread (shown in panic messages, debuggers and `top -H`).
    /// The default is `genlet-ythread`.
    ///
    /// # Examples
    ///
    /// See [`YieldableThreadBuilder`].
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Gives the thread a stack of `size` bytes (the system may round it
    /// up, and has a minimum of its own).
    ///
    /// # Examples
    ///
    /// See [`YieldableThreadBuilder`].
    pub fn stack_size(mut self, size: usize) -> Self {
        self.stack_size = Some(size);
        self
    }

    /// Starts the thread, running `body` and handing each job it yields to
    /// `apply`, as [`YieldableThread::spawn`] does.
    ///
    /// # Errors
    ///
    /// When the operating system refuses to start a thread (for a stack
    /// size it cannot give, too); and `InvalidInput` when the name contains
    /// a nul byte (which [`std::thread::Builder`] would panic on).
    ///
    /// # Examples
    ///
    /// See [`YieldableThreadBuilder`].
    pub fn spawn<B, Fut, A, T>(self, body: B, apply: A) -> io::Result<YieldableThread<T>>
    where
        B: FnOnce(Cpu) -> Fut + Send + 'static,
        Fut: Future<Output = T>,
        A: Apply + 'static,
        T: Send + 'static,
    {
        let name = self.name.unwrap_or_else(|| "genlet-ythread".into());
        if name.contains('\0') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a thread name may not contain a nul byte",
            ));
        }
        let mut builder = thread::Builder::new().name(name);
        if let Some(size) = self.stack_size {
            builder = builder.stack_size(size);
        }
        let handle = builder.spawn(move || futures_lite::future::block_on(drive(body, apply)))?;
        Ok(YieldableThread { handle })
    }
}

impl<T> YieldableThread<T> {
    /// Waits for the body to finish and returns its output.
    ///
    /// # Errors
    ///
    /// The panic payload when the body itself panicked. (A panic inside a
    /// job is not one of these: it comes back to the body from
    /// [`Cpu::run`] as a [`JobError`](crate::JobError).)
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Inline, YieldableThread};
    ///
    /// let thread = YieldableThread::spawn(|_cpu| async { panic!("in the body") }, Inline)?;
    /// assert!(thread.join().is_err());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn join(self) -> thread::Result<T> {
        self.handle.join()
    }

    /// The thread running the body.
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Inline, YieldableThread};
    ///
    /// let thread = YieldableThread::spawn(|_cpu| async {}, Inline)?;
    /// assert_eq!(thread.thread().name(), Some("genlet-ythread"));
    /// # thread.join().unwrap();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread(&self) -> &Thread {
        self.handle.thread()
    }

    /// True once the body has finished (it is then ready to join).
    ///
    /// # Examples
    ///
    /// ```
    /// use genlet_ythread::{Inline, YieldableThread};
    ///
    /// let thread = YieldableThread::spawn(|_cpu| async {}, Inline)?;
    /// while !thread.is_finished() {
    ///     std::thread::yield_now();
    /// }
    /// thread.join().unwrap();
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}
