//! The `EventSource` reconnection model as a sans-IO state machine: no I/O, no clock.
//!
//! [`Client`] (`alloc`) is what an `EventSource` does between the bytes: it says when to
//! connect and with which `Last-Event-ID`, checks the response, decodes the body, notices a
//! dead connection, and schedules the reconnect with the server's `retry` time (plus an
//! opt-in [`Backoff`]). You own the HTTP stack, the timer and the clock: pass `now` (a
//! monotonic count of milliseconds, from any origin) to every call, and do what
//! [`Client::poll`] returns.
//!
//! | you observe | you call | the spec (HTML §9.2) |
//! |-------------|----------|----------------------|
//! | time passed, or you are unsure what to do | [`Client::poll`] → [`Action`] | |
//! | response headers | [`Client::on_response`] | §9.2.2: status 200 + `text/event-stream` *announces the connection*; anything else *fails the connection* |
//! | body bytes | [`Client::feed`] → events, or [`Client::feed_items`] → events, comments, `retry` | §9.2.5–9.2.6 |
//! | network error, end of body | [`Client::on_disconnect`] | §9.2.3: *reestablish the connection* |
//! | the user is done | [`Client::close`] | §9.2.2: `close()` |
//!
//! ```
//! use sse_wire::client::{Action, Backoff, Client, Config, ReadyState};
//!
//! // A fake clock: time is whatever we say it is.
//! let mut now = 0;
//! let config = Config::new().with_idle_timeout(45_000).with_backoff(Backoff::new());
//! let mut client = Client::new(config, 0x5eed);
//!
//! assert_eq!(client.poll(now), Action::Connect { last_event_id: None });
//! // ... send `GET` with `Accept: text/event-stream`, get the headers back:
//! client.on_response(now, 200, Some(b"text/event-stream"))?;
//! assert_eq!(client.ready_state(), ReadyState::Open);
//!
//! now += 10;
//! let events: Vec<_> = client.feed(now, b"retry: 2000\nid: 7\ndata: hi\n\ndata: cut sh").collect();
//! assert_eq!(events.len(), 1);
//!
//! // The connection drops mid-event: the partial event is discarded, a reconnect scheduled.
//! now += 5;
//! client.on_disconnect(now);
//! let Action::WaitUntil(at) = client.poll(now) else { panic!() };
//! assert!(at >= now + 2_000); // `retry` is the floor; the backoff adds jitter on top
//! assert_eq!(client.poll(at), Action::Connect { last_event_id: Some("7") });
//! # Ok::<(), sse_wire::client::CloseReason>(())
//! ```

mod backoff;
mod response;

#[cfg(feature = "alloc")]
mod state;

pub use backoff::Backoff;
pub use response::{check_response, is_event_stream, FailReason, ACCEPT, LAST_EVENT_ID};

#[cfg(feature = "alloc")]
pub use state::{Client, Feed, FeedItems};

use core::fmt;

/// The reconnection time a client uses until the server sends `retry`: 3000 ms, as browsers.
pub const DEFAULT_RECONNECTION_TIME: u64 = 3_000;

/// The `EventSource.readyState` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ReadyState {
    /// `CONNECTING` (0): waiting to connect, or waiting for the response.
    Connecting = 0,
    /// `OPEN` (1): a stream is being received.
    Open = 1,
    /// `CLOSED` (2): for good; the client never connects again.
    Closed = 2,
}

/// What the caller should do next, from [`Client::poll`].
///
/// Any action other than [`Action::Receive`] means: if you still hold a connection, drop it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action<'a> {
    /// Connect now: a `GET` with `Accept: text/event-stream` ([`ACCEPT`]), and, when
    /// `last_event_id` is `Some`, the header [`LAST_EVENT_ID`] with that value. Then report
    /// the response with [`Client::on_response`] (or a failure with
    /// [`Client::on_disconnect`]). Returned once per attempt.
    Connect {
        /// The `Last-Event-ID` header value; `None` when the last event ID is empty (the spec
        /// sends no header then).
        last_event_id: Option<&'a str>,
    },
    /// Keep waiting for the response or reading the body; poll again when something happens
    /// or at `deadline`, when the connection will be declared dead (no idle timeout: `None`).
    Receive {
        /// When the idle timeout expires, in the caller's ms.
        deadline: Option<u64>,
    },
    /// Hold no connection; poll again at this time (in the caller's ms) to connect.
    WaitUntil(u64),
    /// The client is closed for good.
    Closed(CloseReason),
}

/// Why a [`Client`] is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// The caller called [`Client::close`].
    Closed,
    /// A response failed the connection.
    Failed(FailReason),
    /// The [`Backoff`] attempt limit was reached.
    GaveUp {
        /// How many reconnection attempts were made.
        attempts: u32,
    },
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::Closed => f.write_str("the event source was closed"),
            CloseReason::Failed(reason) => write!(f, "the connection failed: {reason}"),
            CloseReason::GaveUp { attempts } => {
                write!(f, "gave up after {attempts} reconnection attempts")
            }
        }
    }
}

impl core::error::Error for CloseReason {}

/// How a [`Client`] reconnects and detects dead connections.
///
/// The default is the spec's behaviour: reconnect after the reconnection time (3000 ms until
/// the server sends `retry`), forever, with no idle timeout.
///
/// ```
/// use sse_wire::client::{Backoff, Config};
///
/// let config = Config::new()
///     .with_idle_timeout(45_000) // the server sends a comment every 15 s
///     .with_max_reconnection_time(60_000) // a `retry` larger than this is clamped
///     .with_backoff(Backoff::new().with_max(30_000).with_max_attempts(10));
/// assert_eq!(config.idle_timeout(), Some(45_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Config {
    reconnection_time: u64,
    max_reconnection_time: Option<u64>,
    idle_timeout: Option<u64>,
    backoff: Option<Backoff>,
}

impl Config {
    /// The spec's behaviour: see the type's documentation.
    pub const fn new() -> Self {
        Config {
            reconnection_time: DEFAULT_RECONNECTION_TIME,
            max_reconnection_time: None,
            idle_timeout: None,
            backoff: None,
        }
    }

    /// The reconnection time before the server sends `retry`, in ms.
    #[must_use]
    pub const fn with_reconnection_time(mut self, ms: u64) -> Self {
        self.reconnection_time = ms;
        self
    }

    /// Clamps the reconnection time (yours or the server's `retry`) to at most `ms`, so a
    /// server cannot park the client for days.
    #[must_use]
    pub const fn with_max_reconnection_time(mut self, ms: u64) -> Self {
        self.max_reconnection_time = Some(ms);
        self
    }

    /// Declares a connection dead when no byte (not even a comment) arrived for `ms`, and
    /// when a response takes longer than `ms` to arrive; a reconnect is then scheduled.
    /// At least 1 ms (`0` counts as 1), so that a connection is never dead the instant it
    /// was made.
    #[must_use]
    pub const fn with_idle_timeout(mut self, ms: u64) -> Self {
        self.idle_timeout = Some(if ms == 0 { 1 } else { ms });
        self
    }

    /// Adds backoff with jitter for repeated failures.
    #[must_use]
    pub const fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = Some(backoff);
        self
    }

    /// The reconnection time before the server sends `retry`, in ms.
    pub const fn reconnection_time(&self) -> u64 {
        self.reconnection_time
    }

    /// The largest reconnection time used, if clamped.
    pub const fn max_reconnection_time(&self) -> Option<u64> {
        self.max_reconnection_time
    }

    /// The idle timeout, if any.
    pub const fn idle_timeout(&self) -> Option<u64> {
        self.idle_timeout
    }

    /// The backoff policy, if any.
    pub const fn backoff(&self) -> Option<Backoff> {
        self.backoff
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}
