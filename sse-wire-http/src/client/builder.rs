//! How an [`EventSource`] reconnects, notices a dead connection and what it reports; the
//! request itself comes from the HTTP stack's own builder.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use sse_wire::client::{Backoff, Config};
use sse_wire::{Decoder, Limits};

use super::transport::Transport;
use super::EventSource;

/// Options of an [`EventSource`]; finish with the backend's method ([`Builder::build`] for
/// reqwest, [`Builder::build_hyper`] for hyper-util's client).
///
/// The defaults are the browser's: reconnect after 3 s (or the server's `retry`), forever,
/// no idle timeout, comments hidden; plus a [`Backoff`] with jitter (windows of 1 s doubling
/// to 60 s) for repeated failures, seeded from the OS so clients spread out.
///
/// ```
/// use std::time::Duration;
/// use sse_wire_http::client::{Backoff, EventSource};
///
/// let builder = EventSource::builder()
///     .idle_timeout(Duration::from_secs(45)) // the server sends a comment every 15 s
///     .backoff(Backoff::new().with_max(30_000))
///     .max_attempts(10)
///     .last_event_id("41")
///     .comments(true);
/// # let _ = builder;
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until built"]
pub struct Builder {
    config: Config,
    backoff: Backoff,
    last_event_id: Option<String>,
    comments: bool,
    seed: Option<u64>,
    limits: Limits,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// The defaults: see the type's documentation.
    pub fn new() -> Self {
        Builder {
            config: Config::new(),
            backoff: Backoff::new(),
            last_event_id: None,
            comments: false,
            seed: None,
            limits: Limits::new(),
        }
    }

    /// The reconnection time until the server sends `retry` (default 3 s).
    pub fn reconnection_time(mut self, time: Duration) -> Self {
        self.config = self.config.with_reconnection_time(millis(time));
        self
    }

    /// Caps the reconnection time, the server's `retry` included, so a server cannot park
    /// the client for days.
    pub fn max_reconnection_time(mut self, time: Duration) -> Self {
        self.config = self.config.with_max_reconnection_time(millis(time));
        self
    }

    /// Declares the connection dead when nothing arrived (not even a comment) for `timeout`,
    /// or the response took that long, and reconnects: heartbeat detection. Set it to a few
    /// times the server's keep-alive interval.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.config = self.config.with_idle_timeout(millis(timeout));
        self
    }

    /// The backoff for repeated failures: a random wait in a window that doubles with each
    /// failed attempt, added to the reconnection time. `Backoff::new().with_max(0)` waits
    /// exactly the reconnection time, as a browser does. Keeps the attempt cap set earlier
    /// with [`Builder::max_attempts`] unless `backoff` has its own.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = match (backoff.max_attempts(), self.backoff.max_attempts()) {
            (None, Some(max)) => backoff.with_max_attempts(max),
            _ => backoff,
        };
        self
    }

    /// Gives up (closes the source) after `attempts` reconnection attempts in a row that did
    /// not lead to a healthy connection; `0`: never reconnect.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.backoff = self.backoff.with_max_attempts(attempts);
        self
    }

    /// The last event ID to send with the first request (as `Last-Event-ID`), e.g. one
    /// kept from an earlier run. A `Last-Event-ID` header in the request itself does the
    /// same.
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = Some(id.into());
        self
    }

    /// Reports comments (`: ping`) as [`Event::Comment`](super::Event::Comment), for
    /// heartbeat observers. Hidden by default (as in a browser); they count as life for the
    /// idle timeout either way.
    pub fn comments(mut self, report: bool) -> Self {
        self.comments = report;
        self
    }

    /// Seeds the backoff jitter with `seed` instead of the OS's randomness: the same waits
    /// every run, for tests.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The decoder's line and event length limits (default: `Limits::new()`).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The source over `transport`, with `initial_id` (from the request's headers) unless an
    /// ID was set on the builder.
    pub(crate) fn with_transport(
        self,
        transport: Box<dyn Transport>,
        initial_id: Option<String>,
    ) -> EventSource {
        let mut decoder = Decoder::with_limits(self.limits);
        if let Some(id) = self.last_event_id.or(initial_id) {
            decoder.set_last_event_id(&id);
        }
        // `RandomState` is seeded from the OS once per process, then varied per instance.
        let seed = self
            .seed
            .unwrap_or_else(|| RandomState::new().hash_one(std::time::Instant::now()));
        let config = self.config.with_backoff(self.backoff);
        let client = sse_wire::client::Client::with_decoder(config, seed, decoder);
        EventSource::start(client, transport, self.comments)
    }
}

/// A duration as the sans-IO core's milliseconds (saturating: ~585 million years).
fn millis(time: Duration) -> u64 {
    u64::try_from(time.as_millis()).unwrap_or(u64::MAX)
}
