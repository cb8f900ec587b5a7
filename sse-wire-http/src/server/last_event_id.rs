//! `Last-Event-ID`, read from a reconnecting client's request.

use http::HeaderMap;

/// The header's name, as the spec writes it (HTTP header names are case-insensitive).
pub use sse_wire::client::LAST_EVENT_ID as HEADER_NAME;

/// The `Last-Event-ID` a client sent, if any: the ID of the last event it saw, which a
/// browser's `EventSource` sends on every reconnect (HTML §9.2.4).
///
/// `None` when the header is absent, empty (a client without a last event ID may send it
/// empty) or not visible ASCII/UTF-8 text (an ID this crate's encoder never writes).
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// assert_eq!(sse_wire_http::server::last_event_id(&headers), None);
/// headers.insert("last-event-id", "17".parse().unwrap());
/// assert_eq!(sse_wire_http::server::last_event_id(&headers), Some("17"));
/// ```
pub fn last_event_id(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(HEADER_NAME)?;
    let id = std::str::from_utf8(value.as_bytes()).ok()?;
    (!id.is_empty()).then_some(id)
}

/// The `Last-Event-ID` of a request, owned: an axum extractor (feature `axum`) that never
/// rejects, and a value you can build from any `http::Request`.
///
/// ```
/// use sse_wire_http::server::LastEventId;
///
/// let request = http::Request::builder().header("Last-Event-ID", "a-3").body(()).unwrap();
/// assert_eq!(LastEventId::from_request(&request).as_deref(), Some("a-3"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LastEventId(pub Option<String>);

impl LastEventId {
    /// Reads the header of `request`.
    pub fn from_request<B>(request: &http::Request<B>) -> Self {
        LastEventId::from_headers(request.headers())
    }

    /// Reads the header from `headers`.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        LastEventId(last_event_id(headers).map(str::to_owned))
    }

    /// The ID, if the client sent one.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

#[cfg(feature = "axum")]
impl<S: Sync> axum_core::extract::FromRequestParts<S> for LastEventId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(LastEventId::from_headers(&parts.headers))
    }
}
