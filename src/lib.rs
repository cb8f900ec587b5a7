//! # sse-wire
//!
//! A spec-exact, zero-copy, incremental codec for [Server-Sent Events]: the
//! `text/event-stream` wire format of the WHATWG HTML standard.
//!
//! ```
//! use sse_wire::Decoder;
//!
//! let mut decoder = Decoder::new();
//! // Bytes arrive in arbitrary chunks; events come out the same whatever the chunking.
//! let chunks: [&[u8]; 3] = [b"retry: 3000\nid: 1\nevent: update\nda", b"ta: hello\ndata: world\r", b"\n\n"];
//! let mut events = Vec::new();
//! for chunk in chunks {
//!     for event in decoder.feed(chunk) {
//!         events.push(event?);
//!     }
//! }
//! assert_eq!(events.len(), 1);
//! assert_eq!(events[0].event_type(), "update");
//! assert_eq!(events[0].data(), "hello\nworld");
//! assert_eq!(events[0].last_event_id(), "1");
//! assert_eq!(decoder.reconnection_time(), Some(3000));
//! # Ok::<(), sse_wire::DecodeError>(())
//! ```
//!
//! The crate has four parts, all sans-IO (no sockets, no clocks, no runtime):
//!
//! - [`decode`]: bytes in, events out, in tiers from borrowed lines to owned events.
//! - [`encode`]: events, comments and keep-alives out, into buffers you own; a name or ID
//!   that cannot be encoded is an error, never a corrupt stream.
//! - [`client`]: the `EventSource` reconnection model (`Last-Event-ID`, `retry`, backoff,
//!   idle timeout) as a state machine you drive with your own clock and HTTP stack.
//! - [`server`]: keep-alive scheduling and a bounded replay buffer for `Last-Event-ID`.
//!
//! Which to reach for:
//!
//! - **Decode a body** you hold, or a `Stream` of chunks: [`Decoder`], `stream::EventStream`.
//! - **Reconnect like a browser** or **serve** SSE over HTTP (keep-alive, `Last-Event-ID`
//!   resume, a broadcast channel): the companion crate
//!   [`sse-wire-http`](https://docs.rs/sse-wire-http) (tokio; reqwest, hyper, axum), built on
//!   [`client::Client`] and [`server`]; or drive those sans-IO pieces yourself.
//! - **Embed** without an allocator in a fixed buffer: [`BlockDecoder`] (blocks as an
//!   `EventSource` reports them), [`decode::LineDecoder::decode_fragment`] (data of any
//!   size through a small buffer), [`Limits::for_buffer`], [`Encode::encode_to_slice`].
//!
//! ## Decoder tiers
//!
//! All decoders share one line scanner (`memchr2` over CR and LF) and one contract: give
//! them the bytes you have not consumed yet; they say how many they used and whether they
//! produced something. See [`decode`] for the table of tiers:
//!
//! - [`decode::LineDecoder`]: classified [`decode::Line`]s, borrowed, no allocation (`no_std`);
//!   or with `data` values streamed in [`decode::Fragment`]s as they arrive, so no line has to
//!   fit your buffer (`decode_fragment`).
//! - [`decode::EventDecoder`]: whole blocks as [`decode::RawEvent`]s, borrowed, no
//!   allocation (`no_std`).
//! - [`BlockDecoder`]: the same with the stream state an `EventSource` keeps (type
//!   default, last event ID, reconnection time), no allocation (`no_std`).
//! - [`decode::LendingDecoder`] (`alloc`): every item (events, comments, retries) lent as
//!   `&str`s through one `next_item` loop (events alone: `next_event`), no allocation per
//!   event; [`decode::EventReader`] (`std`) over any `std::io::Read`.
//! - [`Decoder`] (`alloc`): the events an `EventSource` fires, with the last event ID and the
//!   reconnection time kept across events.
//! - [`decode::BytesDecoder`] (`bytes`): the same out of a `BytesMut`, with `Bytes` data.
//!
//! ## Features
//!
//! - `std` (default): implies `alloc`.
//! - `alloc`: the owned tier.
//! - `bytes`: the bytes tier.
//! - `tokio-util`: [`codec::SseCodec`], for `FramedRead`/`FramedWrite` (implies `bytes`, `std`).
//! - `stream`: [`stream::EventStream`], events from any `Stream` of byte chunks.
//! - `arbitrary`: `arbitrary::Arbitrary` for the encoder's values, and [`arbitrary::stream`],
//!   valid event streams with the events they must decode to, for fuzzing (implies `alloc`).
//!
//! Without default features the crate is `#![no_std]` and uses only `core` and `memchr`.
//!
//! ## Conformance
//!
//! The decoder follows "Interpreting an event stream" of the HTML standard exactly: CR, LF
//! and CRLF end lines (also split across chunks); one UTF-8 BOM is stripped at stream start
//! only; `:` starts a comment; a field splits at the first colon and one leading space of
//! its value is dropped; a line without colon is a field with an empty value; `data` lines are
//! joined with LF; an `id` holding NUL is ignored; `retry` counts only if it is all ASCII
//! digits (and fits `u64`); the last event ID persists and is set even when no event fires;
//! an event fires only if it had data, with type `message` by default; an unterminated last
//! event is discarded. Invalid UTF-8 becomes U+FFFD in the owned and bytes tiers.
//!
//! Browser engines depart from the spec in a few places (Firefox drops NUL from values and
//! resumes from the last event that fired, WebKit keeps a BOM split across reads, Chromium
//! loses a line break right after the BOM, and their `retry` handling differs); the README's
//! "Where the browser engines differ" table lists each with a minimal input, measured in CI on
//! Chromium, Firefox and WebKit. [`EventRef::portability`] tells an encoding server which of
//! its events some engine would read otherwise, and what each engine does.
//!
//! ## Limits
//!
//! Every decoder is bounded by [`Limits`] (16 MiB per line and per event by default). A
//! violation is one [`DecodeError`]; the decoder skips the offending event and goes on.
//!
//! [Server-Sent Events]: https://html.spec.whatwg.org/multipage/server-sent-events.html

#![no_std]
// One exception, measured to pay: the SSE2 line-end search (`decode/line_end.rs`), checked
// under Miri in CI.
#![deny(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "alloc", test))]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
pub mod client;
#[cfg(feature = "tokio-util")]
pub mod codec;
pub mod decode;
pub mod encode;
mod error;
pub mod server;
#[cfg(feature = "stream")]
pub mod stream;

// The root holds what a newcomer needs; everything else lives in its module.
pub use decode::{BlockDecoder, Decoded, Item, Limits, Status};
pub use encode::{Encode, EncodeError, EventId, EventRef, EventType};
pub use error::DecodeError;

#[cfg(feature = "alloc")]
pub use decode::{Decoder, Event};

// 0.1's root paths, kept compiling (hidden) so code written against 0.1 builds; use the module
// paths. They go in 0.3.
#[doc(hidden)]
#[allow(deprecated)]
pub use decode::FragmentDecoder;
#[doc(hidden)]
pub use decode::{Comments, DataLines, EventDecoder, Fragment, Line, LineDecoder, RawEvent};
#[doc(hidden)]
#[allow(deprecated)]
pub use encode::{encode_to_slice, encoded_len};
#[doc(hidden)]
pub use encode::{Comment, EventWriter, WriteResult};
#[doc(hidden)]
pub use error::BufferTooSmall;

#[cfg(feature = "alloc")]
#[doc(hidden)]
#[allow(deprecated)]
pub use encode::encode_to_vec;

#[cfg(feature = "alloc")]
#[doc(hidden)]
pub use decode::Feed;

#[cfg(feature = "bytes")]
#[doc(hidden)]
pub use decode::BytesDecoder;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
