//! Server-side helpers, sans-IO: when to send a keep-alive comment, and what to replay to a
//! client that reconnects with `Last-Event-ID`.
//!
//! - [`KeepAlive`] (`no_std`): the stream has been idle for N ms, send a comment so that
//!   proxies do not cut it and clients with an idle timeout do not declare it dead.
//! - [`ReplayBuffer`] (`alloc`): the last events you encoded, bounded by count and bytes;
//!   [`ReplayBuffer::since`] answers a reconnecting client with exactly the events after its
//!   `Last-Event-ID`, or tells you it is too old and the client must resync.
//!
//! ```
//! use sse_wire::server::{KeepAlive, Replay, ReplayBuffer};
//!
//! let mut buffer = ReplayBuffer::new(1_000, 1 << 20);
//! buffer.push("1", b"id: 1\ndata: a\n\n".to_vec());
//! buffer.push("2", b"id: 2\ndata: b\n\n".to_vec());
//! // A client reconnects with `Last-Event-ID: 1`:
//! let Replay::Events(missed) = buffer.since("1") else { panic!("resync") };
//! let missed: Vec<&[u8]> = missed.map(|(_id, bytes)| bytes.as_slice()).collect();
//! assert_eq!(missed, [b"id: 2\ndata: b\n\n"]);
//!
//! let mut keep_alive = KeepAlive::new(15_000, 0);
//! assert!(!keep_alive.due(14_999));
//! assert!(keep_alive.due(15_000)); // write KeepAlive::COMMENT, then:
//! keep_alive.on_write(15_000);
//! assert_eq!(keep_alive.deadline(), 30_000);
//! ```

mod keep_alive;
#[cfg(feature = "alloc")]
mod replay;

pub use keep_alive::KeepAlive;
#[cfg(feature = "alloc")]
pub use replay::{Replay, ReplayBuffer, ReplayIter};
