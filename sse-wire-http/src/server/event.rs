//! Owned events, validated and encoded by the codec's encoder.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use sse_wire::{Comment, Encode, EncodeError, EventId, EventRef, EventType};

/// An event to send, built from owned parts; [`Event::encode`] validates it through the
/// codec's encoder ([`EventType`], [`EventId`]) and writes it once into [`Encoded`] bytes.
///
/// Every part is optional. Data may hold anything (each CR, LF or CRLF becomes its own
/// `data:` line); the event type and the ID are rejected with a typed [`EventError`] when they
/// would break the stream, instead of panicking as axum's builder does.
///
/// **An ID only on an event that carries data.** The spec lets an `id:`-only block update the
/// client's last event ID without firing an event, but browsers have not always agreed on
/// it (and no `onmessage` tells the page), so [`Event::encode`] refuses an ID without data
/// ([`EventError::IdWithoutData`]): every ID a client keeps arrived with an event it saw.
///
/// ```
/// use sse_wire_http::server::Event;
///
/// let encoded = Event::new().event("chat").id("7").data("hi\nthere").encode()?;
/// assert_eq!(encoded.as_bytes(), &b"event: chat\nid: 7\ndata: hi\ndata: there\n\n"[..]);
/// assert!(Event::new().event("a\nb").data("x").encode().is_err());
/// # Ok::<(), sse_wire_http::server::EventError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    comment: Option<String>,
    event_type: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    data: Option<String>,
}

impl Event {
    /// An event with no parts yet.
    pub fn new() -> Self {
        Event::default()
    }

    /// Sets the data (the usual case: JSON, tokens, a chat line).
    pub fn data(mut self, data: impl Into<String>) -> Self {
        self.data = Some(data.into());
        self
    }

    /// Sets the event type (a client reports `message` when it is absent; listeners for
    /// other types need `addEventListener(type)`).
    pub fn event(mut self, event_type: impl Into<String>) -> Self {
        self.event_type = Some(event_type.into());
        self
    }

    /// Sets the event ID, which the client sends back as `Last-Event-ID` when it reconnects.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the client's reconnection time (whole milliseconds are sent). A `retry`-only
    /// event (no data) is allowed: it fires nothing and only sets the time.
    pub fn retry(mut self, reconnection_time: Duration) -> Self {
        self.retry = Some(reconnection_time);
        self
    }

    /// Adds a comment, written before the event's fields; clients never surface it.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// Validates and encodes the event, in one exactly sized allocation.
    ///
    /// # Errors
    ///
    /// [`EventError::Encode`] if the event type holds a CR or LF, or the ID a CR, LF or NUL;
    /// [`EventError::IdWithoutData`] for an ID on an event without data.
    pub fn encode(&self) -> Result<Encoded, EventError> {
        if self.id.is_some() && self.data.is_none() {
            return Err(EventError::IdWithoutData);
        }
        let mut event = EventRef::new();
        if let Some(event_type) = &self.event_type {
            event = event.with_event_type(EventType::new(event_type)?);
        }
        if let Some(id) = &self.id {
            event = event.with_id(EventId::new(id)?);
        }
        if let Some(retry) = self.retry {
            event = event.with_retry(u64::try_from(retry.as_millis()).unwrap_or(u64::MAX));
        }
        if let Some(data) = &self.data {
            event = event.with_data(data);
        }
        let Some(comment) = &self.comment else {
            return Ok(Encoded(event.to_bytes()));
        };
        let comment = Comment::new(comment);
        let mut buf = Vec::with_capacity(comment.encoded_len() + event.encoded_len());
        comment.encode_to_vec(&mut buf);
        if event != EventRef::new() {
            event.encode_to_vec(&mut buf);
        }
        Ok(Encoded(Bytes::from(buf)))
    }
}

/// An encoded, valid piece of an event stream (an event, a comment, a `retry`): bytes made
/// only by this crate's encoder, so a response made of them is always a valid stream.
/// Cloning is O(1) (shared [`Bytes`]): encode once, send to every subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Encoded(pub(crate) Bytes);

impl Encoded {
    /// A comment (one `:` line per line of `text`): clients ignore it; it resets their idle
    /// timers and keeps proxies from cutting a quiet stream.
    pub fn comment(text: &str) -> Self {
        Encoded(Comment::new(text).to_bytes())
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }

    /// The encoded bytes, to write yourself.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
}

/// What an SSE response accepts as an item: an [`Event`] (validated when sent) or an
/// [`Encoded`] one. Sealed, so that a response only ever writes what the encoder made.
pub trait IntoEncoded: sealed::Sealed {
    /// Validates and encodes.
    ///
    /// # Errors
    ///
    /// As [`Event::encode`]; [`Encoded`] never fails.
    fn into_encoded(self) -> Result<Encoded, EventError>;
}

impl IntoEncoded for Event {
    fn into_encoded(self) -> Result<Encoded, EventError> {
        self.encode()
    }
}

impl IntoEncoded for Encoded {
    fn into_encoded(self) -> Result<Encoded, EventError> {
        Ok(self)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Event {}
    impl Sealed for super::Encoded {}
}

/// Why an [`Event`] cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventError {
    /// The codec's encoder refused the event type or the ID (a CR, LF or NUL in it).
    Encode(EncodeError),
    /// An ID on an event without data (see [`Event`]: IDs travel only with events).
    IdWithoutData,
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Encode(e) => write!(f, "cannot encode the event: {e}"),
            EventError::IdWithoutData => f.write_str("an event ID needs data to travel with"),
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventError::Encode(e) => Some(e),
            EventError::IdWithoutData => None,
        }
    }
}

impl From<EncodeError> for EventError {
    fn from(e: EncodeError) -> Self {
        EventError::Encode(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_part_in_the_codec_order() {
        let event = Event::new()
            .comment("note")
            .event("e")
            .id("1")
            .retry(Duration::from_millis(1500))
            .data("");
        assert_eq!(
            event.encode().unwrap().as_bytes(),
            &b": note\nevent: e\nid: 1\nretry: 1500\ndata:\n\n"[..]
        );
        assert_eq!(
            Event::new().comment("hi").encode().unwrap().as_bytes(),
            &b": hi\n"[..]
        );
        assert_eq!(
            Event::new()
                .retry(Duration::from_secs(2))
                .encode()
                .unwrap()
                .as_bytes(),
            &b"retry: 2000\n\n"[..]
        );
    }

    #[test]
    fn refuses_what_would_break_the_stream_with_typed_errors() {
        assert!(matches!(
            Event::new().id("a\0").data("x").encode(),
            Err(EventError::Encode(EncodeError::InvalidId {
                position: 1,
                byte: 0
            }))
        ));
        assert!(matches!(
            Event::new().event("a\r").data("x").encode(),
            Err(EventError::Encode(EncodeError::InvalidEventType { .. }))
        ));
        assert_eq!(
            Event::new().id("1").encode(),
            Err(EventError::IdWithoutData)
        );
    }
}
