//! Arbitrary events and valid event streams for fuzzing (feature `arbitrary`).
//!
//! Implements [`arbitrary::Arbitrary`] for the encoder's values, so a
//! fuzz target can take them as input directly, and generates whole **valid**
//! `text/event-stream` byte streams together with the events an `EventSource` must fire for
//! them, so a downstream harness can drive its own SSE code (a proxy, a client, a parser)
//! with realistic input and check it against a known answer.
//!
//! | type | borrows the fuzz input | what it holds |
//! |------|------------------------|---------------|
//! | [`EventType`], [`EventId`] | yes | a string cut at its first CR or LF (and, for an ID, NUL): valid by construction |
//! | [`EventRef`], [`Comment`] | yes | any combination of fields; data and comments hold any bytes |
//! | [`OwnedEvent`] | no | an event owning its fields, biased towards what is hard for a codec |
//! | [`Frame`] | no | an [`OwnedEvent`] or a comment |
//! | [`Stream`] | no | frames, their encoding, and what a decoder yields for it |
//!
//! The generated values are biased towards what breaks codecs: CR, LF and CRLF anywhere in
//! data and comments (also at the start and end, and several in a row), empty data, NUL, a
//! leading space, `data: ` inside data, a U+FEFF, non-ASCII text, invalid UTF-8 in data and
//! comments, `retry` at the extremes of `u64`, and empty or unicode types and IDs. Every value
//! encodes to a valid stream: type and ID are cleaned of the bytes that would break a line
//! (they are removed, not rejected, so no input is wasted).
//!
//! ```
//! use arbitrary::Unstructured;
//! use sse_wire::Decoder;
//!
//! # fn main() -> arbitrary::Result<()> {
//! // In a fuzz target these bytes come from the fuzzer.
//! let fuzz_input = b"\x03\x01the quick\r\nbrown\x00fox \xff jumps over\rthe lazy dog\x07\x09";
//! let mut u = Unstructured::new(fuzz_input);
//! let stream = sse_wire::arbitrary::stream(&mut u)?;
//!
//! // Feed `stream.bytes()` to the code under test, cut however you like, and compare what it
//! // reports with `stream.events()`. Here the code under test is our own decoder:
//! let mut decoder = Decoder::new();
//! let fired: Vec<_> = decoder.feed(stream.bytes()).collect::<Result<_, _>>().unwrap();
//! assert_eq!(fired.len(), stream.events().len());
//! for (got, want) in fired.iter().zip(stream.events()) {
//!     assert_eq!(got.event_type(), want.event_type());
//!     assert_eq!(got.data(), want.data());
//!     assert_eq!(got.last_event_id(), want.last_event_id());
//! }
//! assert_eq!(decoder.last_event_id(), stream.last_event_id());
//! assert_eq!(decoder.reconnection_time(), stream.reconnection_time());
//! # Ok(())
//! # }
//! ```
//!
//! With `libfuzzer-sys`, take the values as the target's input:
//!
//! ```no_run
//! # macro_rules! fuzz_target { (|$s:ident: $t:ty| $b:block) => { fn _f($s: $t) $b } }
//! // #![no_main] use libfuzzer_sys::fuzz_target;
//! fuzz_target!(|stream: sse_wire::arbitrary::Stream| {
//!     // my_client.feed(stream.bytes()); assert_eq!(my_client.events(), stream.events());
//! });
//! ```

use ::arbitrary::{Arbitrary, Result, Unstructured};
use alloc::string::String;
use alloc::vec::Vec;

use crate::encode::frame::{Frame as Measured, Measure};
use crate::encode::sink::Sink;
use crate::{Comment, Encode, Event, EventId, EventRef, EventType};

/// Cuts `value` at its first byte that `forbidden` rejects (a borrowed value cannot have bytes
/// removed from its middle).
fn cut_at(value: &str, forbidden: impl Fn(char) -> bool) -> &str {
    value.find(forbidden).map_or(value, |end| &value[..end])
}

fn is_line_break(c: char) -> bool {
    c == '\r' || c == '\n'
}

fn breaks_id(c: char) -> bool {
    c == '\r' || c == '\n' || c == '\0'
}

/// The input's next string, up to its first CR or LF.
impl<'a> Arbitrary<'a> for EventType<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let value = cut_at(<&'a str>::arbitrary(u)?, is_line_break);
        EventType::new(value).map_err(|_| ::arbitrary::Error::IncorrectFormat)
    }

    fn size_hint(depth: usize) -> (usize, Option<usize>) {
        <&'a str>::size_hint(depth)
    }
}

/// The input's next string, up to its first CR, LF or NUL.
impl<'a> Arbitrary<'a> for EventId<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let value = cut_at(<&'a str>::arbitrary(u)?, breaks_id);
        EventId::new(value).map_err(|_| ::arbitrary::Error::IncorrectFormat)
    }

    fn size_hint(depth: usize) -> (usize, Option<usize>) {
        <&'a str>::size_hint(depth)
    }
}

/// Each field present or not; the data is any bytes of the input.
impl<'a> Arbitrary<'a> for EventRef<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut event = EventRef::new();
        if let Some(event_type) = Option::<EventType<'a>>::arbitrary(u)? {
            event = event.with_event_type(event_type);
        }
        if let Some(id) = Option::<EventId<'a>>::arbitrary(u)? {
            event = event.with_id(id);
        }
        if let Some(retry) = Option::<u64>::arbitrary(u)? {
            event = event.with_retry(retry);
        }
        if let Some(data) = Option::<&'a [u8]>::arbitrary(u)? {
            event = event.with_data_bytes(data);
        }
        Ok(event)
    }
}

/// Any bytes of the input.
impl<'a> Arbitrary<'a> for Comment<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Comment::from_bytes(<&'a [u8]>::arbitrary(u)?))
    }

    fn size_hint(depth: usize) -> (usize, Option<usize>) {
        <&'a [u8]>::size_hint(depth)
    }
}

/// Pieces of text that are hard for an encoder or a decoder.
const PIECES: &[&str] = &[
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    "\r\r\n",
    "\0",
    " ",
    ":",
    "data: ",
    "event: x",
    "id",
    "\u{FEFF}",
    "é",
    "😀",
    "ünï €",
    "{\"token\":\"hi\"}",
    "hello",
    "x",
];

/// Byte sequences that are not UTF-8: a lone continuation byte, truncated sequences, an
/// encoded surrogate, an overlong encoding, bytes UTF-8 never uses.
const INVALID_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xC3",
    b"\xE2\x82",
    b"\xF0\x9F\x98",
    b"\xED\xA0\x80",
    b"\xC0\xAF",
    b"\xFF",
    b"\xFE",
];

/// Event types worth hitting often: the default, the `EventSource` built-ins, the empty one.
const TYPES: &[&str] = &["message", "", "update", "error", "open", " lead", "a:b"];

/// Text built from [`PIECES`], the input's own strings and characters, and (if `invalid`)
/// invalid UTF-8.
fn tricky_bytes(u: &mut Unstructured<'_>, invalid: bool) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let pieces = u.int_in_range(0..=12u8)?;
    for _ in 0..pieces {
        match u.int_in_range(0..=9u8)? {
            0..=4 => out.extend_from_slice(u.choose(PIECES)?.as_bytes()),
            5 | 6 => {
                let c = char::arbitrary(u)?;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            7 => {
                let text = <&str>::arbitrary(u)?;
                let mut end = text.len().min(32);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                out.extend_from_slice(&text.as_bytes()[..end]);
            }
            _ if invalid => out.extend_from_slice(u.choose(INVALID_UTF8)?),
            _ => out.extend_from_slice(b"abc"),
        }
    }
    Ok(out)
}

/// Text (valid UTF-8) without the characters `forbidden` rejects, which are removed.
fn clean_text(u: &mut Unstructured<'_>, forbidden: impl Fn(char) -> bool) -> Result<String> {
    if u.ratio(1u8, 3)? {
        return Ok(String::from(*u.choose(TYPES)?));
    }
    let bytes = tricky_bytes(u, false)?;
    let text = String::from_utf8(bytes).map_err(|_| ::arbitrary::Error::IncorrectFormat)?;
    let mut text: String = text.chars().filter(|&c| !forbidden(c)).collect();
    if text.len() > 64 {
        let mut end = 64;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    Ok(text)
}

/// An event owning its fields, so it can be generated freely and kept (a borrowed
/// [`EventRef`] is one [`as_event_ref`](Self::as_event_ref) away).
///
/// Built from an [`EventRef`] (`OwnedEvent::from(event_ref)`), or generated: its
/// [`Arbitrary`] implementation is biased towards what is hard for a
/// codec (see the [module docs](self)). The type and ID are valid by construction.
///
/// ```
/// use sse_wire::{arbitrary::OwnedEvent, Encode, EventId, EventRef};
///
/// let owned = OwnedEvent::from(EventRef::new().with_id(EventId::new("7")?).with_data("a\r\nb"));
/// let mut buf = Vec::new();
/// owned.as_event_ref().encode_to_vec(&mut buf);
/// assert_eq!(buf, b"id: 7\ndata: a\ndata: b\n\n");
/// assert_eq!(owned.expected_data().as_deref(), Some("a\nb"));
/// # Ok::<(), sse_wire::EncodeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OwnedEvent {
    event_type: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    data: Option<Vec<u8>>,
}

impl OwnedEvent {
    /// The event, borrowed, for encoding.
    pub fn as_event_ref(&self) -> EventRef<'_> {
        let mut event = EventRef::new();
        if let Some(event_type) = self.event_type.as_deref() {
            // Validated when built.
            if let Ok(event_type) = EventType::new(event_type) {
                event = event.with_event_type(event_type);
            }
        }
        if let Some(id) = self.id.as_deref() {
            if let Ok(id) = EventId::new(id) {
                event = event.with_id(id);
            }
        }
        if let Some(retry) = self.retry {
            event = event.with_retry(retry);
        }
        if let Some(data) = self.data.as_deref() {
            event = event.with_data_bytes(data);
        }
        event
    }

    /// The event type, if set.
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }

    /// The event ID, if set.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The reconnection time in milliseconds, if set.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// The data, if set (bytes: it may hold invalid UTF-8).
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    /// Whether a decoder fires an event for it (it has data).
    pub fn fires(&self) -> bool {
        self.data.is_some()
    }

    /// The type a decoder reports: the event type, or `message` when it is missing or empty.
    pub fn expected_event_type(&self) -> &str {
        match self.event_type.as_deref() {
            None | Some("") => "message",
            Some(event_type) => event_type,
        }
    }

    /// The data a decoder reports, if it fires: every CR, LF and CRLF as LF, then invalid
    /// UTF-8 replaced with U+FFFD.
    pub fn expected_data(&self) -> Option<String> {
        self.data
            .as_deref()
            .map(|data| String::from_utf8_lossy(&normalise_line_breaks(data)).into_owned())
    }
}

impl From<EventRef<'_>> for OwnedEvent {
    fn from(event: EventRef<'_>) -> Self {
        OwnedEvent {
            event_type: event.event_type().map(|t| t.as_str().into()),
            id: event.id().map(|id| id.as_str().into()),
            retry: event.retry(),
            data: event.data().map(<[u8]>::to_vec),
        }
    }
}

/// Every CR, LF and CRLF in `bytes` as one LF: what a decoder makes of line breaks in data.
fn normalise_line_breaks(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' {
            out.push(b'\n');
            if bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
        } else {
            out.push(bytes[i]);
        }
        i += 1;
    }
    out
}

impl<'a> Arbitrary<'a> for OwnedEvent {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let event_type = if u.ratio(1u8, 2)? {
            Some(clean_text(u, is_line_break)?)
        } else {
            None
        };
        let id = if u.ratio(1u8, 2)? {
            Some(clean_text(u, breaks_id)?)
        } else {
            None
        };
        let retry = match u.int_in_range(0..=5u8)? {
            0 => Some(u64::arbitrary(u)?),
            1 => Some(*u.choose(&[0, 1, 1000, 3000, u64::MAX])?),
            _ => None,
        };
        let data = match u.int_in_range(0..=9u8)? {
            0 => None,
            1 => Some(Vec::new()),
            2 | 3 => Some(tricky_bytes(u, true)?),
            _ => Some(tricky_bytes(u, false)?),
        };
        Ok(OwnedEvent {
            event_type,
            id,
            retry,
            data,
        })
    }
}

/// One frame of a [`Stream`]: an event or a comment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Frame {
    /// An event (which fires only if it has data).
    Event(OwnedEvent),
    /// A comment's text (any bytes; every line break in it starts another comment line).
    Comment(Vec<u8>),
}

/// Encodes as the event or the comment it holds.
impl Encode for Frame {}

impl Measured for Frame {
    fn measure(&self) -> Measure {
        match self {
            Frame::Event(event) => event.as_event_ref().measure(),
            Frame::Comment(text) => Comment::from_bytes(text).measure(),
        }
    }

    fn write<S: Sink>(&self, measure: Measure, sink: &mut S) {
        match self {
            Frame::Event(event) => event.as_event_ref().write(measure, sink),
            Frame::Comment(text) => Comment::from_bytes(text).write(measure, sink),
        }
    }
}

impl<'a> Arbitrary<'a> for Frame {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(if u.ratio(1u8, 5)? {
            Frame::Comment(tricky_bytes(u, true)?)
        } else {
            Frame::Event(OwnedEvent::arbitrary(u)?)
        })
    }
}

/// A valid event stream: its frames, their encoding, and what a conforming decoder yields.
///
/// Generate one with [`stream`] (or as an `Arbitrary` value). [`bytes`](Self::bytes) is what
/// our encoder writes for [`frames`](Self::frames); [`events`](Self::events),
/// [`last_event_id`](Self::last_event_id) and [`reconnection_time`](Self::reconnection_time)
/// are what an `EventSource` (or [`Decoder`](crate::Decoder)) reports once the stream ended,
/// computed from the frames, not by decoding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stream {
    frames: Vec<Frame>,
    bytes: Vec<u8>,
}

impl Stream {
    /// The stream of `frames`, encoded.
    pub fn new(frames: Vec<Frame>) -> Self {
        let mut bytes = Vec::new();
        for frame in &frames {
            frame.encode_to_vec(&mut bytes);
        }
        Stream { frames, bytes }
    }

    /// The frames, in order.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// The encoded stream.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The events a decoder fires, in order (type, data after normalisation, last event ID).
    pub fn events(&self) -> Vec<Event> {
        let mut last_event_id: &str = "";
        let mut events = Vec::new();
        for frame in &self.frames {
            let Frame::Event(event) = frame else { continue };
            if let Some(id) = event.id() {
                last_event_id = id;
            }
            if let Some(data) = event.expected_data() {
                events.push(Event::new(event.expected_event_type(), data, last_event_id));
            }
        }
        events
    }

    /// The last event ID when the stream ends (`""` if none was set, or the last set was empty).
    pub fn last_event_id(&self) -> &str {
        self.frames
            .iter()
            .rev()
            .find_map(|frame| match frame {
                Frame::Event(event) => event.id(),
                Frame::Comment(_) => None,
            })
            .unwrap_or("")
    }

    /// The reconnection time the last `retry` set, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.frames.iter().rev().find_map(|frame| match frame {
            Frame::Event(event) => event.retry(),
            Frame::Comment(_) => None,
        })
    }
}

impl<'a> Arbitrary<'a> for Stream {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let count = u.int_in_range(0..=16u8)?;
        let mut frames = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            frames.push(Frame::arbitrary(u)?);
        }
        Ok(Stream::new(frames))
    }
}

/// An arbitrary valid event stream (up to 16 frames) from the fuzzer's bytes: see [`Stream`]
/// and the [module docs](self).
///
/// # Errors
///
/// Only what [`Unstructured`] reports; running out of input is not an error (the stream just
/// ends, possibly empty).
pub fn stream(u: &mut Unstructured<'_>) -> Result<Stream> {
    Stream::arbitrary(u)
}
