//! The demo client's logic, shared by `examples/client.rs` and the end-to-end tests: an
//! `sse_wire_http::client::EventSource` (reqwest) does the connecting, reconnecting, resuming
//! and idle timeouts; this only counts what it reports.
#![allow(dead_code)]

use futures::StreamExt;
use hyper::Uri;
use sse_wire::client::{Backoff, CloseReason};
use sse_wire::Event as Message;
use sse_wire_http::client::{ErrorKind, Event, EventSource};
use std::time::Duration;

/// What to connect to and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// An `http://` or `https://` URL.
    pub url: Uri,
    /// Declare the connection dead after this long without a byte.
    pub idle_timeout_ms: Option<u64>,
    /// Stop after this many events.
    pub max_events: Option<u64>,
    /// The reconnection time until the server sends `retry`.
    pub reconnection_ms: u64,
    /// Backoff for repeated failures.
    pub backoff: Backoff,
    /// The jitter seed (`None`: from the OS).
    pub seed: Option<u64>,
    /// Log connection errors to stderr.
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            url: Uri::from_static("http://127.0.0.1:8080/ticks"),
            idle_timeout_ms: None,
            max_events: None,
            reconnection_ms: sse_wire::client::DEFAULT_RECONNECTION_TIME,
            backoff: Backoff::new()
                .with_initial(250)
                .with_max(10_000)
                .with_reset_after(2_000),
            seed: None,
            verbose: false,
        }
    }
}

/// What happened, for the summary and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Events delivered.
    pub events: u64,
    /// Connection attempts.
    pub connects: u64,
    /// Responses that opened a stream.
    pub opened: u64,
    /// Open streams that ended (the body ended or failed).
    pub disconnects: u64,
    /// Connections declared dead by the idle timeout.
    pub idle_timeouts: u64,
    /// Attempts that failed before a response (refused, reset).
    pub connect_errors: u64,
    /// The `Last-Event-ID` each attempt sent (`None`: no header): the last ID seen before it.
    pub sent_ids: Vec<Option<String>>,
}

/// How the client ended.
#[derive(Debug)]
pub struct Outcome {
    /// The counters.
    pub stats: Stats,
    /// `Some` when the client was closed by the protocol (a failing response, the backoff
    /// attempt limit), `None` when it stopped as asked (max events, or `on_event` said stop).
    pub closed: Option<CloseReason>,
}

/// Runs the client until `max_events`, until `on_event` returns `false`, or until the
/// protocol closes it. `on_event` sees every event once, in order.
pub async fn run(options: Options, mut on_event: impl FnMut(&Message) -> bool) -> Outcome {
    let mut builder = EventSource::builder()
        .reconnection_time(Duration::from_millis(options.reconnection_ms))
        .backoff(options.backoff);
    if let Some(ms) = options.idle_timeout_ms {
        builder = builder.idle_timeout(Duration::from_millis(ms));
    }
    if let Some(seed) = options.seed {
        builder = builder.jitter_seed(seed);
    }
    let mut stats = Stats::default();
    let mut events = match builder.get(options.url.to_string()) {
        Ok(events) => events,
        Err(error) => {
            eprintln!("client: {error}");
            return Outcome {
                stats,
                closed: Some(CloseReason::Closed),
            };
        }
    };
    // Whether the current attempt opened (an attempt ends in `Open` or in an error before it).
    let (mut open, mut last_id) = (false, None::<String>);
    let mut closed = None;
    while let Some(item) = events.next().await {
        let attempt_ended = match &item {
            Ok(Event::Open) => true,
            Err(error) => !open && !matches!(error.kind(), ErrorKind::Decode(_)),
            Ok(_) => false,
        };
        if attempt_ended {
            stats.connects += 1;
            stats.sent_ids.push(last_id.clone());
        }
        match item {
            Ok(Event::Open) => {
                stats.opened += 1;
                open = true;
            }
            Ok(Event::Message(event)) => {
                stats.events += 1;
                let id = event.last_event_id();
                last_id = (!id.is_empty()).then(|| id.to_string());
                let more = on_event(&event);
                if !more || options.max_events.is_some_and(|max| stats.events >= max) {
                    events.close();
                }
            }
            Ok(_) => {}
            Err(error) => {
                match error.kind() {
                    ErrorKind::Decode(_) => {}
                    ErrorKind::Connect(_) => stats.connect_errors += 1,
                    ErrorKind::IdleTimeout => stats.idle_timeouts += 1,
                    ErrorKind::Ended { .. } | ErrorKind::Body(_) => stats.disconnects += 1,
                    _ => {}
                }
                if !matches!(error.kind(), ErrorKind::Decode(_)) {
                    open = false;
                }
                if options.verbose
                    && matches!(error.kind(), ErrorKind::Connect(_) | ErrorKind::Decode(_))
                {
                    eprintln!("client: {error}");
                }
                closed = error.close_reason();
            }
        }
    }
    Outcome { stats, closed }
}
