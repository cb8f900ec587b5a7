//! The one thing the driver asks of an HTTP stack: send the request again, give back the
//! status, the `Content-Type` and a stream of body chunks. Each backend implements it once.

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures_core::Stream;
use http::header::{HeaderMap, HeaderValue, ACCEPT, CACHE_CONTROL};

/// Any error an HTTP stack reports, as the driver carries it.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of an opened response, chunk by chunk.
pub(crate) type Body = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A request on its way: resolves when the response headers arrived.
pub(crate) type Pending = Pin<Box<dyn Future<Output = Result<Head, BoxError>> + Send>>;

/// What the reconnection rules look at in a response, and its body.
pub(crate) struct Head {
    pub(crate) status: u16,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) body: Body,
}

/// An HTTP stack that can send the event source's request again and again.
pub(crate) trait Transport: Send {
    /// Sends the request with the headers an `EventSource` adds (see [`add_headers`]).
    fn send(&mut self, last_event_id: Option<&str>) -> Pending;
}

/// The headers the spec's fetch adds: `Accept: text/event-stream` and `Cache-Control:
/// no-cache` unless the caller set their own, and `Last-Event-ID` when the last event ID is
/// not empty (an ID that is no valid header value, e.g. one with control characters, is not
/// sent: the server then starts afresh rather than the request failing forever).
pub(crate) fn add_headers(headers: &mut HeaderMap, last_event_id: Option<&str>) {
    headers
        .entry(ACCEPT)
        .or_insert(HeaderValue::from_static(sse_wire::client::ACCEPT));
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    let id = last_event_id.and_then(|id| HeaderValue::from_bytes(id.as_bytes()).ok());
    match id {
        Some(id) => headers.insert(sse_wire::client::LAST_EVENT_ID, id),
        None => headers.remove(sse_wire::client::LAST_EVENT_ID),
    };
}

/// Takes a `Last-Event-ID` the caller put in the request itself out of its headers: it is
/// the initial last event ID, and later attempts send the stream's own.
pub(crate) fn take_last_event_id(headers: &mut HeaderMap) -> Option<String> {
    let value = headers.remove(sse_wire::client::LAST_EVENT_ID)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}
