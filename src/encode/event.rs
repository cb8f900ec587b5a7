//! The borrowed event value the encoder writes.

use super::field::{EventId, EventType};
use super::frame::{Frame, Measure};
use super::lines::{self, line_len};
use super::sink::{digits, put_field, Sink};

/// One event to encode, borrowing its fields: every part is optional.
///
/// Written as `event:`, `id:`, `retry:`, one `data:` line per line of the data, then a blank
/// line. Field values are validated when built ([`EventType`], [`EventId`]), so any
/// `EventRef` encodes to a valid stream and encoding cannot fail except for lack of room.
///
/// - **Data** may hold anything. Each CR, LF or CRLF starts a new `data:` line, so a decoder
///   yields the data with **every line break as LF** (the one normalisation the format
///   forces). A trailing line break is kept, empty data is written as one empty `data:` line
///   (so the event still fires), and a leading space survives (the encoder writes `data: `
///   and the decoder strips exactly that one space). Non-UTF-8 data is written as is; a
///   decoder replaces invalid sequences with U+FFFD.
/// - **Without data no event fires**: the block only updates the stream state (the last
///   event ID, the reconnection time). `EventRef::new().with_retry(3000)` is a standalone
///   `retry` block.
///
/// ```
/// use sse_wire::{Encode, EventId, EventRef, EventType};
///
/// const DELTA: EventType<'static> = EventType::from_static("delta");
/// let event = EventRef::new()
///     .with_event_type(DELTA)
///     .with_id(EventId::new("42")?)
///     .with_data(" two\r\nlines");
/// let mut buf = Vec::new();
/// event.encode_to_vec(&mut buf);
/// assert_eq!(buf, b"event: delta\nid: 42\ndata:  two\ndata: lines\n\n");
/// # Ok::<(), sse_wire::EncodeError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct EventRef<'a> {
    event_type: Option<EventType<'a>>,
    id: Option<EventId<'a>>,
    retry: Option<u64>,
    data: Option<&'a [u8]>,
}

impl<'a> EventRef<'a> {
    /// An event with no fields; add them with the `with_*` methods.
    pub const fn new() -> Self {
        EventRef {
            event_type: None,
            id: None,
            retry: None,
            data: None,
        }
    }

    /// Sets the data from text (the usual case: JSON, tokens).
    #[must_use]
    pub const fn with_data(self, data: &'a str) -> Self {
        self.with_data_bytes(data.as_bytes())
    }

    /// Sets the data from bytes; a decoder will read them as UTF-8 with replacement.
    #[must_use]
    pub const fn with_data_bytes(mut self, data: &'a [u8]) -> Self {
        self.data = Some(data);
        self
    }

    /// Sets the event type (`message` when absent).
    #[must_use]
    pub const fn with_event_type(mut self, event_type: EventType<'a>) -> Self {
        self.event_type = Some(event_type);
        self
    }

    /// Sets the event ID, which the client keeps as its last event ID.
    #[must_use]
    pub const fn with_id(mut self, id: EventId<'a>) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the client's reconnection time, in milliseconds.
    #[must_use]
    pub const fn with_retry(mut self, milliseconds: u64) -> Self {
        self.retry = Some(milliseconds);
        self
    }

    /// The event type, if set.
    pub const fn event_type(&self) -> Option<EventType<'a>> {
        self.event_type
    }

    /// The event ID, if set.
    pub const fn id(&self) -> Option<EventId<'a>> {
        self.id
    }

    /// The reconnection time in milliseconds, if set.
    pub const fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// The data, if set.
    pub const fn data(&self) -> Option<&'a [u8]> {
        self.data
    }
}

impl super::Encode for EventRef<'_> {}

impl Frame for EventRef<'_> {
    /// Adds up the field lines; the data is the only part that needs a scan.
    #[inline(always)]
    fn measure(&self) -> Measure {
        let mut len: usize = 1; // the blank line
        if let Some(event_type) = self.event_type {
            len = len.saturating_add(line_len(b"event: ".len(), event_type.as_str().len()));
        }
        if let Some(id) = self.id {
            len = len.saturating_add(line_len(b"id: ".len(), id.as_str().len()));
        }
        if let Some(retry) = self.retry {
            len = len.saturating_add(line_len(b"retry: ".len(), decimal_len(retry)));
        }
        let mut first_break = None;
        if let Some(data) = self.data {
            let (data_len, first) = lines::measure(b"data: ".len(), data);
            len = len.saturating_add(data_len);
            first_break = first;
        }
        Measure { len, first_break }
    }

    #[inline(always)]
    fn write<S: Sink>(&self, measure: Measure, sink: &mut S) {
        if let Some(event_type) = self.event_type {
            put_field(
                sink,
                b"event: ",
                b"event:\n",
                event_type.as_str().as_bytes(),
            );
        }
        if let Some(id) = self.id {
            put_field(sink, b"id: ", b"id:\n", id.as_str().as_bytes());
        }
        if let Some(retry) = self.retry {
            let mut buf = [0; 20];
            put_field(sink, b"retry: ", b"retry:\n", digits(retry, &mut buf));
        }
        if let Some(data) = self.data {
            lines::write(sink, b"data: ", b"data:\n", data, measure.first_break);
        }
        sink.put(b"\n");
    }
}

/// The number of decimal digits of `n` (at least one).
fn decimal_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// Re-encodes a decoded event (relaying a stream): the type unless it is `message`, the data,
/// and the last event ID as `id` (also when empty, so the receiver's last event ID matches).
///
/// Fails only for an [`Event`](crate::Event) built by hand with [`Event::new`](crate::Event::new)
/// from a type or ID a decoder could not have produced.
///
/// ```
/// use sse_wire::{Decoder, Encode, EventRef};
///
/// let mut decoder = Decoder::new();
/// let mut relayed = Vec::new();
/// for event in decoder.feed(b"id: 1\nevent: tick\ndata: a\r\ndata: b\n\n") {
///     EventRef::try_from(&event?)?.encode_to_vec(&mut relayed);
/// }
/// assert_eq!(relayed, b"event: tick\nid: 1\ndata: a\ndata: b\n\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "alloc")]
impl<'a> TryFrom<&'a crate::Event> for EventRef<'a> {
    type Error = super::EncodeError;

    fn try_from(event: &'a crate::Event) -> Result<Self, super::EncodeError> {
        from_decoded(
            event.event_type(),
            event.last_event_id(),
            event.data().as_bytes(),
        )
    }
}

/// Re-encodes an event from [`BytesDecoder`](crate::BytesDecoder), like the `String` version.
#[cfg(feature = "bytes")]
impl<'a> TryFrom<&'a crate::Event<bytes::Bytes>> for EventRef<'a> {
    type Error = super::EncodeError;

    fn try_from(event: &'a crate::Event<bytes::Bytes>) -> Result<Self, super::EncodeError> {
        from_decoded(event.event_type(), event.last_event_id(), event.data())
    }
}

#[cfg(feature = "alloc")]
fn from_decoded<'a>(
    event_type: &'a str,
    last_event_id: &'a str,
    data: &'a [u8],
) -> Result<EventRef<'a>, super::EncodeError> {
    let mut encoded = EventRef::new()
        .with_id(EventId::new(last_event_id)?)
        .with_data_bytes(data);
    if event_type != "message" {
        encoded = encoded.with_event_type(EventType::new(event_type)?);
    }
    Ok(encoded)
}
