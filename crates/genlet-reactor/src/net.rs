//! Sockets: async-net's TCP, UDP and Unix sockets, which register with the
//! same reactor the hub's workers poll. Re-exported, not rewritten.
//!
//! # Examples
//!
//! ```
//! use futures_lite::{AsyncReadExt, AsyncWriteExt};
//! use genlet_reactor::net::{TcpListener, TcpStream};
//!
//! let hub = genlet_reactor::Hub::new().unwrap();
//! hub.block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = genlet_reactor::Handle::current().unwrap().spawn(async move {
//!         let (mut peer, _) = listener.accept().await?;
//!         let mut buf = [0; 5];
//!         peer.read_exact(&mut buf).await?;
//!         peer.write_all(&buf).await?;
//!         std::io::Result::Ok(())
//!     });
//!     let mut client = TcpStream::connect(addr).await?;
//!     client.write_all(b"hello").await?;
//!     let mut echoed = [0; 5];
//!     client.read_exact(&mut echoed).await?;
//!     assert_eq!(&echoed, b"hello");
//!     server.await
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```

pub use async_net::{AddrParseError, IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
pub use async_net::{TcpListener, TcpStream, UdpSocket};

/// Unix domain sockets.
#[cfg(unix)]
pub mod unix {
    pub use async_net::unix::{UnixDatagram, UnixListener, UnixStream};
}
