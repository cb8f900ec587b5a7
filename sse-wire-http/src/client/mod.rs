//! The `EventSource` client: a browser's `EventSource` as a [`Stream`](futures_core::Stream),
//! over reqwest (feature `reqwest`, default) or hyper-util's client (feature `hyper-client`).
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use sse_wire_http::client::{Event, EventSource};
//!
//! # async fn run() -> Result<(), sse_wire_http::client::Error> {
//! let mut events = EventSource::get("http://127.0.0.1:8080/ticks")?;
//! while let Some(event) = events.next().await {
//!     match event {
//!         Ok(Event::Open) => println!("open"),
//!         Ok(Event::Message(message)) => {
//!             println!("{}: {} (id {})", message.event_type(), message.data(), message.last_event_id())
//!         }
//!         Ok(_) => {}
//!         Err(error) if error.will_reconnect() => eprintln!("{error}"),
//!         Err(error) => return Err(error), // closed for good
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A POST with a body and headers (what LLM APIs stream from) is reqwest's own builder:
//! `EventSource::new(reqwest::Client::new().post(url).bearer_auth(key).json(&body))?`.
//!
//! # The browser's API, here
//!
//! | browser `EventSource` | [`EventSource`] |
//! |---|---|
//! | `new EventSource(url)` | [`EventSource::get`], [`EventSource::new`] (any method, headers, body), [`EventSource::builder`] |
//! | `open` event | [`Event::Open`] |
//! | `message` event, `addEventListener(type)` | [`Event::Message`]: `event_type()` (`"message"` or the custom type), `data()`, `last_event_id()` |
//! | `error` event, then `readyState` | `Err(`[`Error`]`)`: [`Error::kind`], [`Error::will_reconnect`], [`Error::ready_state`]; after a closing error the stream ends |
//! | `readyState` | [`EventSource::ready_state`]; [`EventSource::status`] to watch it change |
//! | `close()` | [`EventSource::close`], or drop it |
//! | (not in browsers) | comments on request ([`Builder::comments`]), an idle timeout ([`Builder::idle_timeout`]), backoff with jitter and an attempt cap ([`Builder::backoff`], [`Builder::max_attempts`]), an initial `Last-Event-ID` ([`Builder::last_event_id`]) |
//!
//! # What it does, as the spec says
//!
//! The rules are `sse_wire::client::Client`'s, which this module only drives: each request
//! carries `Accept: text/event-stream`, `Cache-Control: no-cache` and, once there is a last
//! event ID, `Last-Event-ID`. A 200 with `text/event-stream` opens the stream; any other
//! status or type, and 204, fail it for good (no retry storm against a server that answers
//! wrongly). When the body ends or breaks, or nothing (not even a comment) arrives for the
//! idle timeout, the source reconnects after the reconnection time (the server's `retry`,
//! 3 s until then) plus the backoff's jitter; an event cut off by the drop is discarded,
//! and [`ErrorKind::Ended`] says so.
//!
//! TLS is the HTTP stack's: with reqwest, this crate's `rustls` (default) or `native-tls`
//! feature; an `https` URL without either is an [`ErrorKind::Request`] error, never plain
//! HTTP. With hyper, the connector's (hyper-util's `HttpConnector` refuses `https` URLs).

// Without a backend feature the types exist, but nothing builds a source.
#![cfg_attr(
    not(any(feature = "reqwest", feature = "hyper-client")),
    allow(dead_code)
)]

mod builder;
mod driver;
mod error;
mod event_source;
#[cfg(feature = "hyper-client")]
mod hyper;
#[cfg(feature = "hyper-client")]
mod redirect;
#[cfg(feature = "reqwest")]
mod reqwest;
mod transport;

pub use builder::Builder;
pub use error::{Error, ErrorKind};
pub use event_source::EventSource;
pub use sse_wire::client::{Backoff, CloseReason, FailReason, ReadyState};

/// A `message` event: its type, data and the last event ID (see [`sse_wire::Event`]).
pub type MessageEvent = sse_wire::Event;

/// What an [`EventSource`] reports, besides errors.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The connection opened (`readyState` is `Open`): the browser's `open` event. Again after
    /// every reconnect.
    Open,
    /// An event: the browser's `message` event, or one of a custom type.
    Message(MessageEvent),
    /// A comment line's text (`: ping` gives `"ping"`), only with [`Builder::comments`].
    Comment(String),
}
