//! An SSE response from any `Stream` of events: headers, a `retry` prelude, keep-alives.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http::header::{HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, Response};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use super::event::{Encoded, Event, IntoEncoded};

/// The error type of an [`SseBody`]: the event stream's own error, or an
/// [`EventError`](super::EventError) for an event that could not be encoded. Either ends the
/// response abruptly (HTTP/1.1: no final chunk), which a client reports as a network error
/// and answers by reconnecting.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `X-Accel-Buffering`: nginx buffers proxied responses unless told not to (per response,
/// with this header), which would hold events back until its buffer fills.
pub const X_ACCEL_BUFFERING: HeaderName = HeaderName::from_static("x-accel-buffering");

/// Sets the headers of an event stream: `Content-Type: text/event-stream`, `Cache-Control:
/// no-cache` (a cached stream would replay old events, and caches may hold a response back),
/// and `X-Accel-Buffering: no` (nginx, and proxies that follow it, would otherwise buffer the
/// stream). No `Connection: keep-alive`: it is HTTP/1.1's default and forbidden in HTTP/2.
pub fn set_headers(headers: &mut HeaderMap) {
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(X_ACCEL_BUFFERING, HeaderValue::from_static("no"));
}

/// Keep-alive comments for an [`Sse`] response: one after `interval` without any write,
/// on the schedule of the codec's [`sse_wire::server::KeepAlive`] (any event resets it, so a
/// busy stream carries none).
///
/// The spec's authoring notes suggest a comment every 15 s or so, because legacy proxies drop
/// quiet connections; a client with an idle timeout (heartbeat detection) needs them too.
///
/// The clock is tokio's (`tokio::time`, so the paused test clock works too): the runtime
/// needs its time driver (`enable_time` or `enable_all`, as `#[tokio::main]` has).
///
/// ```
/// use std::time::Duration;
/// use sse_wire_http::server::KeepAlive;
///
/// let keep_alive = KeepAlive::new().interval(Duration::from_secs(5)).text("ping");
/// assert_eq!(keep_alive.comment().as_bytes(), &b": ping\n"[..]);
/// ```
#[derive(Debug, Clone)]
pub struct KeepAlive {
    interval: Duration,
    comment: Encoded,
}

impl KeepAlive {
    /// Every 15 s of silence, an empty comment (`:` and a line feed, 2 bytes).
    pub fn new() -> Self {
        KeepAlive {
            interval: Duration::from_millis(sse_wire::server::KeepAlive::DEFAULT_INTERVAL),
            comment: Encoded(Bytes::from_static(sse_wire::server::KeepAlive::COMMENT)),
        }
    }

    /// The silence after which a comment is sent (whole milliseconds, at least 1).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The comment's text (line breaks make several comment lines).
    pub fn text(mut self, text: &str) -> Self {
        self.comment = Encoded::comment(text);
        self
    }

    /// The comment as written.
    pub fn comment(&self) -> &Encoded {
        &self.comment
    }
}

impl Default for KeepAlive {
    fn default() -> Self {
        KeepAlive::new()
    }
}

/// An SSE response over a `Stream` of `Result<T, E>`, `T` an [`Event`] or an [`Encoded`] one.
///
/// With hyper, [`Sse::into_response`] gives an `http::Response` whose body is an
/// [`SseBody`] (an `http_body::Body` of `Bytes` frames); with the `axum` feature, `Sse` is
/// `IntoResponse`. An `Err` item, or an event that cannot be encoded, ends the body with an
/// error (the connection is cut; the client reconnects).
///
/// ```
/// use std::{convert::Infallible, time::Duration};
/// use sse_wire_http::server::{Event, KeepAlive, Sse};
///
/// let events = futures::stream::iter([Ok::<_, Infallible>(Event::new().data("hi"))]);
/// let response = Sse::new(events)
///     .keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
///     .retry(Duration::from_secs(1))
///     .into_response();
/// assert_eq!(response.headers()["content-type"], "text/event-stream");
/// ```
#[derive(Debug)]
#[must_use = "an Sse does nothing until it is sent as a response"]
pub struct Sse<S> {
    stream: S,
    keep_alive: Option<KeepAlive>,
    retry: Option<Duration>,
}

impl<S> Sse<S> {
    /// A response that writes each event of `stream` as it comes, and ends with it.
    pub fn new(stream: S) -> Self {
        Sse {
            stream,
            keep_alive: None,
            retry: None,
        }
    }

    /// Merges keep-alive comments into the stream when it is idle (none by default).
    pub fn keep_alive(mut self, keep_alive: KeepAlive) -> Self {
        self.keep_alive = Some(keep_alive);
        self
    }

    /// Starts the stream with `retry:`, the client's reconnection time (whole ms).
    pub fn retry(mut self, reconnection_time: Duration) -> Self {
        self.retry = Some(reconnection_time);
        self
    }

    /// The body alone (for a response you build yourself; see [`set_headers`]).
    pub fn into_body(self) -> SseBody<S> {
        let prelude = self.retry.map(|retry| {
            let retry = Event::new().retry(retry).encode();
            // A retry-only event has no fields that can fail.
            retry.map(Encoded::into_bytes).unwrap_or_default()
        });
        SseBody {
            stream: self.stream,
            prelude,
            keep_alive: self.keep_alive.map(|k| Timer::new(&k)),
            error: None,
            done: false,
        }
    }

    /// A `200 OK` response with the event-stream headers ([`set_headers`]) and this body.
    pub fn into_response(self) -> Response<SseBody<S>> {
        let mut response = Response::new(self.into_body());
        set_headers(response.headers_mut());
        response
    }
}

/// The keep-alive clock of one response, started when the body is first polled (inside
/// the runtime: a `Sleep` cannot be made outside one).
#[derive(Debug)]
struct Timer {
    interval: u64,
    comment: Bytes,
    running: Option<Running>,
}

#[derive(Debug)]
struct Running {
    schedule: sse_wire::server::KeepAlive,
    start: Instant,
    sleep: Pin<Box<Sleep>>,
}

impl Timer {
    fn new(config: &KeepAlive) -> Self {
        Timer {
            interval: u64::try_from(config.interval.as_millis())
                .unwrap_or(u64::MAX)
                .max(1),
            comment: config.comment.as_bytes().clone(),
            running: None,
        }
    }

    fn running(&mut self) -> &mut Running {
        let interval = self.interval;
        self.running.get_or_insert_with(|| {
            let start = Instant::now();
            let schedule = sse_wire::server::KeepAlive::new(interval, 0);
            Running {
                sleep: Box::pin(tokio::time::sleep_until(deadline(start, &schedule))),
                schedule,
                start,
            }
        })
    }

    fn on_write(&mut self) {
        let running = self.running();
        let now = running.now();
        running.schedule.on_write(now);
    }

    /// A comment when one is due; otherwise the sleep is armed for the next deadline.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Bytes> {
        let running = self.running();
        // Twice at most: a sleep that fired for an older deadline is re-armed and polled once.
        for _ in 0..2 {
            let deadline = deadline(running.start, &running.schedule);
            if running.sleep.deadline() != deadline {
                running.sleep.as_mut().reset(deadline);
            }
            if running.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            let now = running.now();
            if running.schedule.poll(now) {
                return Poll::Ready(self.comment.clone());
            }
        }
        Poll::Pending
    }
}

impl Running {
    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

fn deadline(start: Instant, schedule: &sse_wire::server::KeepAlive) -> Instant {
    let far = Duration::from_secs(100 * 365 * 24 * 3600);
    start
        .checked_add(Duration::from_millis(schedule.deadline()).min(far))
        .unwrap_or_else(|| start + far)
}

/// The most a body gathers into one frame from events that are already waiting (a burst).
const BATCH_BYTES: usize = 64 << 10;

pin_project_lite::pin_project! {
    /// The body of an [`Sse`] response: an `http_body::Body` whose frames are the encoded
    /// events and keep-alive comments.
    ///
    /// **A burst is one frame.** Every event the stream has ready when the body is polled
    /// (up to 64 KiB) goes into one frame, in order: an event alone is its shared `Bytes`
    /// as is; several are copied into one buffer. The server then writes a burst to each
    /// subscriber with one chunk and one system call, instead of one per event.
    #[derive(Debug)]
    pub struct SseBody<S> {
        #[pin]
        stream: S,
        prelude: Option<Bytes>,
        keep_alive: Option<Timer>,
        // The error that ended the stream after a batch, for the next poll.
        error: Option<BoxError>,
        done: bool,
    }
}

/// The frame being gathered: one `Bytes` as is, or several copied together.
#[derive(Default)]
enum Batch {
    #[default]
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Batch {
    fn push(&mut self, bytes: Bytes) {
        *self = match std::mem::take(self) {
            Batch::Empty => Batch::One(bytes),
            Batch::One(first) => {
                let mut many = BytesMut::with_capacity(first.len() + bytes.len());
                many.extend_from_slice(&first);
                many.extend_from_slice(&bytes);
                Batch::Many(many)
            }
            Batch::Many(mut many) => {
                many.extend_from_slice(&bytes);
                Batch::Many(many)
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Batch::Empty => 0,
            Batch::One(bytes) => bytes.len(),
            Batch::Many(many) => many.len(),
        }
    }

    fn into_frame(self) -> Option<Frame<Bytes>> {
        match self {
            Batch::Empty => None,
            Batch::One(bytes) => Some(Frame::data(bytes)),
            Batch::Many(many) => Some(Frame::data(many.freeze())),
        }
    }
}

impl<S, T, E> http_body::Body for SseBody<S>
where
    S: Stream<Item = Result<T, E>>,
    T: IntoEncoded,
    E: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let mut this = self.project();
        if let Some(error) = this.error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        if *this.done {
            return Poll::Ready(None);
        }
        let mut batch = Batch::default();
        if let Some(prelude) = this.prelude.take() {
            batch.push(prelude);
        }
        // Everything ready, in order, until the stream waits, ends or fails, or the batch is full.
        let pending = loop {
            if batch.len() >= BATCH_BYTES {
                break false;
            }
            let failed: BoxError = match this.stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(item))) => match item.into_encoded() {
                    Ok(encoded) => {
                        batch.push(encoded.into_bytes());
                        continue;
                    }
                    Err(e) => Box::new(e),
                },
                Poll::Ready(Some(Err(e))) => e.into(),
                Poll::Ready(None) => {
                    *this.done = true;
                    break false;
                }
                Poll::Pending => break true,
            };
            *this.done = true;
            if batch.len() == 0 {
                return Poll::Ready(Some(Err(failed)));
            }
            // The events before the error go out first; the error on the next poll.
            *this.error = Some(failed);
            break false;
        };
        if let Some(frame) = batch.into_frame() {
            if let Some(timer) = this.keep_alive {
                timer.on_write();
            }
            return Poll::Ready(Some(Ok(frame)));
        }
        if !pending {
            return Poll::Ready(None);
        }
        match this.keep_alive {
            Some(timer) => timer.poll(cx).map(|comment| Some(Ok(Frame::data(comment)))),
            None => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done && self.prelude.is_none() && self.error.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[cfg(feature = "axum")]
impl<S, T, E> axum_core::response::IntoResponse for Sse<S>
where
    S: Stream<Item = Result<T, E>> + Send + 'static,
    T: IntoEncoded,
    E: Into<BoxError>,
{
    fn into_response(self) -> axum_core::response::Response {
        Sse::into_response(self).map(axum_core::body::Body::new)
    }
}
