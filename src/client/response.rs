//! The response checks of the `EventSource` constructor: which HTTP responses open a stream.

use core::fmt;

/// The `Accept` header value an `EventSource` sends with every request.
pub const ACCEPT: &str = "text/event-stream";

/// The name of the header that carries the last event ID on a reconnection.
pub const LAST_EVENT_ID: &str = "Last-Event-ID";

/// Why a response made the client *fail the connection*: it closes for good, no reconnect.
///
/// HTML standard §9.2.2 (the `EventSource` constructor's response handling): a response whose
/// status is not 200, or whose `Content-Type` is not `text/event-stream`, fails the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailReason {
    /// `204 No Content`: the server's way to tell a client to stop reconnecting.
    NoContent,
    /// Any status other than 200 and 204 (follow redirects before you report the response).
    Status(u16),
    /// A 200 response without a `Content-Type` header.
    MissingContentType,
    /// A 200 response whose MIME type essence is not `text/event-stream`.
    WrongContentType,
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailReason::NoContent => f.write_str("the server answered 204 No Content"),
            FailReason::Status(status) => write!(f, "unexpected HTTP status {status}"),
            FailReason::MissingContentType => f.write_str("the response has no Content-Type"),
            FailReason::WrongContentType => {
                f.write_str("the response's Content-Type is not text/event-stream")
            }
        }
    }
}

impl core::error::Error for FailReason {}

/// Checks a response as the `EventSource` constructor does: only a `200` whose `Content-Type`
/// is `text/event-stream` opens the stream.
///
/// `content_type` is the raw `Content-Type` header value, if the response had one.
///
/// ```
/// use sse_wire::client::{check_response, FailReason};
///
/// assert_eq!(check_response(200, Some(b"text/event-stream; charset=utf-8")), Ok(()));
/// assert_eq!(check_response(204, None), Err(FailReason::NoContent));
/// assert_eq!(check_response(503, Some(b"text/event-stream")), Err(FailReason::Status(503)));
/// assert_eq!(check_response(200, Some(b"text/plain")), Err(FailReason::WrongContentType));
/// ```
///
/// # Errors
///
/// The [`FailReason`] of any other response.
pub fn check_response(status: u16, content_type: Option<&[u8]>) -> Result<(), FailReason> {
    match status {
        200 => {}
        204 => return Err(FailReason::NoContent),
        other => return Err(FailReason::Status(other)),
    }
    match content_type {
        None => Err(FailReason::MissingContentType),
        Some(value) if is_event_stream(value) => Ok(()),
        Some(_) => Err(FailReason::WrongContentType),
    }
}

/// Whether a `Content-Type` value's MIME type essence is `text/event-stream`.
///
/// As browsers parse MIME types: HTTP whitespace around the value is ignored, type and subtype
/// compare ASCII case-insensitively, and parameters (`; charset=utf-8`) are allowed.
///
/// ```
/// use sse_wire::client::is_event_stream;
///
/// assert!(is_event_stream(b"Text/Event-Stream ;charset=UTF-8"));
/// assert!(!is_event_stream(b"text/event-streams"));
/// assert!(!is_event_stream(b"text / event-stream"));
/// ```
pub fn is_event_stream(content_type: &[u8]) -> bool {
    let essence = match content_type.iter().position(|&b| b == b';') {
        Some(semicolon) => &content_type[..semicolon],
        None => content_type,
    };
    trim_http_whitespace(essence).eq_ignore_ascii_case(ACCEPT.as_bytes())
}

/// Strips HTTP whitespace (space, tab, CR, LF) from both ends.
fn trim_http_whitespace(mut value: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    while let Some((first, rest)) = value.split_first() {
        if !is_ws(first) {
            break;
        }
        value = rest;
    }
    while let Some((last, rest)) = value.split_last() {
        if !is_ws(last) {
            break;
        }
        value = rest;
    }
    value
}
