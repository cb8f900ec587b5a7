//! The owned tier: spec-dispatched events with the state the spec keeps across them.

use alloc::{string::String, vec::Vec};
use core::ops::Range;

use super::dispatch::{Interpreter, Quick, Step};
use super::event::{into_string, to_string};
use super::report::{Items, Yield};
use super::text::Utf8Prefix;
use crate::{DecodeError, Decoded, Event, Item, Limits, Status};

/// The owned tier: turns a byte stream into the events an `EventSource` fires.
///
/// Keeps what the spec keeps across events: the last event ID and the reconnection time.
/// Consumes every complete line at once, and a `data` line's bytes as they arrive (copied into
/// the event being built, once), so your buffer never needs to hold more than one partial line
/// of another kind, and a huge data line is never held twice. Allocates only the data of each
/// event, plus the type and ID when they change. Its whole state is 128 bytes.
///
/// Two ways to drive it:
/// - [`Decoder::feed`]: hand it chunks as they arrive; it keeps the partial line for you.
///   [`Decoder::feed_items`] is the same loop yielding comments and `retry` values too, as
///   [`Item`]s in stream order.
/// - [`Decoder::decode`]: the sans-IO contract over your own buffer; reports every [`Item`].
///
/// ```
/// use sse_wire::Decoder;
///
/// let mut decoder = Decoder::new();
/// let mut events = Vec::new();
/// for chunk in [&b"id: 7\nevent: tick\nda"[..], b"ta: 1\r", b"\n\r\ndata: 2\n\n"] {
///     for event in decoder.feed(chunk) {
///         events.push(event?);
///     }
/// }
/// assert_eq!(events[0].event_type(), "tick");
/// assert_eq!(events[0].data(), "1");
/// assert_eq!(events[1].event_type(), "message");
/// assert_eq!(events[1].last_event_id(), "7");
/// # Ok::<(), sse_wire::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Decoder {
    pub(super) interpreter: Interpreter,
    /// `buf[..data_len]` is the block's data so far, lines joined with LF. (At most the event
    /// limit, a `u32`.)
    pub(super) data_len: u32,
    /// `buf[data_len..]` holds input to decode as it is (not just a searched partial line: a
    /// dropped [`Feed`]'s rest, lines after an event or an error there): decoded first.
    pub(super) raw_tail: bool,
    /// Bytes of the unconsumed input already processed, when an error was returned.
    pub(super) pos: usize,
    /// The data, then the partial line [`Decoder::feed`] keeps between chunks. One buffer:
    /// `data` lines are streamed into the data as they arrive, so the partial line is never a
    /// `data` line (but for its first five bytes, `data:`, before its value starts).
    pub(super) buf: Vec<u8>,
}

impl Decoder {
    /// A decoder with the default [`Limits`].
    pub const fn new() -> Self {
        Self::with_limits(Limits::new())
    }

    /// A decoder with the given limits.
    pub const fn with_limits(limits: Limits) -> Self {
        Decoder {
            interpreter: Interpreter::new(limits),
            data_len: 0,
            raw_tail: false,
            pos: 0,
            buf: Vec::new(),
        }
    }

    /// The last event ID (`""` if none): send it as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> &str {
        self.interpreter.last_event_id()
    }

    /// Sets the last event ID, e.g. one persisted from an earlier session.
    pub fn set_last_event_id(&mut self, id: &str) {
        self.interpreter.set_last_event_id(id);
    }

    /// The reconnection time the server asked for with `retry`, in milliseconds, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.interpreter.reconnection_time()
    }

    /// Whether the input so far ends inside an event: a line not terminated yet is held (by
    /// [`Decoder::feed`] or [`Decoder::feed_items`]), or `data` or `id` fields arrived without the blank line that dispatches
    /// them. If the stream ends now, that event is lost (the spec discards it): the
    /// body was cut off mid-event, not ended between events. (An `event` field alone fires nothing;
    /// comments, `retry` and ignored fields start no event.) With [`Decoder::decode`], bytes you still hold unconsumed are a
    /// line not terminated yet too.
    ///
    /// ```
    /// use sse_wire::Decoder;
    ///
    /// let mut decoder = Decoder::new();
    /// assert_eq!(decoder.feed(b"data: done\n\n: ping\n").count(), 1);
    /// assert!(!decoder.is_mid_event()); // ended between events
    /// assert_eq!(decoder.feed(b"data: half").count(), 0);
    /// assert!(decoder.is_mid_event()); // cut off: the event would be lost
    /// ```
    pub fn is_mid_event(&self) -> bool {
        self.interpreter.in_event() || self.buf.len() > self.data_len as usize
    }

    /// The stream ended (the connection closed): the unfinished event is discarded, as the spec
    /// requires, and the decoder expects a new stream (a BOM is stripped again). The last event
    /// ID and the reconnection time are kept, as an `EventSource` keeps them across reconnects.
    pub fn finish(&mut self) {
        self.interpreter.end_stream();
        self.pos = 0;
        self.data_len = 0;
        self.raw_tail = false;
        release(&mut self.buf);
    }

    /// Decodes from `input`, the bytes not consumed yet, until something is worth reporting.
    ///
    /// ```
    /// use sse_wire::{Decoder, Item, Status};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut input: &[u8] = b": keep-alive\nretry: 5000\ndata: hi\n\n";
    /// let mut items = Vec::new();
    /// loop {
    ///     let decoded = decoder.decode(input)?;
    ///     input = &input[decoded.consumed..];
    ///     match decoded.status {
    ///         Status::Complete(Item::Comment(text)) => items.push(format!("comment {}", text.escape_ascii())),
    ///         Status::Complete(Item::Retry(ms)) => items.push(format!("retry {ms}")),
    ///         Status::Complete(Item::Event(event)) => items.push(format!("event {}", event.data())),
    ///         Status::Complete(_) => {}
    ///         Status::Partial => break,
    ///     }
    /// }
    /// assert_eq!(items, ["comment keep-alive", "retry 5000", "event hi"]);
    /// # Ok::<(), sse_wire::DecodeError>(())
    /// ```
    ///
    /// A `data` line is consumed as its bytes arrive (copied into the event being built), so
    /// your buffer only ever keeps a partial line of another kind.
    ///
    /// # Errors
    ///
    /// [`DecodeError::LineTooLong`] or [`DecodeError::EventTooLong`] once per offending event;
    /// nothing is reported consumed, and the next call (with the same input) goes on after it.
    pub fn decode<'a>(
        &mut self,
        input: &'a [u8],
    ) -> Result<Decoded<Item<Event, &'a [u8]>>, DecodeError> {
        self.decode_items::<Items>(input, None)
    }

    /// [`Decoder::decode`], reporting comments and retries only if `Y` does. `prefix`, if
    /// given, caches the UTF-8 check of `input` across calls. Only called with no partial
    /// line kept in `buf`. (Generic: the events-only loop, `feed`, is the one caller of its
    /// copy, which the compiler inlines there.)
    #[inline]
    pub(super) fn decode_items<'a, Y: Yield>(
        &mut self,
        input: &'a [u8],
        prefix: Option<&mut Utf8Prefix<'a>>,
    ) -> Result<Decoded<Item<Event, &'a [u8]>>, DecodeError> {
        if let Some(next) = self.stream_data(input) {
            if next == input.len() {
                return Ok(Decoded {
                    consumed: next,
                    status: Status::Partial,
                });
            }
            self.pos = next;
        }
        // The commonest event, whole, without a call into the per-line loop.
        if self.pos == 0 {
            match self.interpreter.single_data_event(input, true) {
                Some(Quick::Event(value, next)) => {
                    let data = Self::string(input, value, prefix);
                    return Ok(Decoded {
                        consumed: next,
                        status: Status::Complete(Item::Event(self.interpreter.dispatch(data))),
                    });
                }
                Some(Quick::Streaming(value)) => {
                    self.buf.reserve(self.interpreter.take_reserve_hint());
                    self.push_data(&input[value]);
                    return Ok(Decoded {
                        consumed: input.len(),
                        status: Status::Partial,
                    });
                }
                None => {}
            }
        }
        // `min`: a caller that breaks the contract (a shorter input) gets nonsense, not a panic.
        let mut at = self.pos.min(input.len());
        // The block's first data line while it is the only one: copied once, at dispatch,
        // straight into the event's `String` (no growth, no second copy).
        let mut first: Option<Range<usize>> = None;
        let (status, consumed) = loop {
            let step = match self.interpreter.step(input, &mut at, Y::REPORT, true) {
                Ok(step) => step,
                Err(error) => {
                    self.pos = at;
                    self.drop_data();
                    return Err(error);
                }
            };
            let (data, next) = match step {
                Step::Event { value, next } => (Self::string(input, value, prefix), next),
                Step::Dispatch { next } => {
                    let data = match first {
                        Some(first) => Self::string(input, first, prefix),
                        None => self.take_data(),
                    };
                    (data, next)
                }
                Step::Data {
                    value, first: true, ..
                } => {
                    first = Some(value);
                    continue;
                }
                Step::Data { value, .. } => {
                    self.keep_first(input, &mut first);
                    self.push_line(&input[value]);
                    continue;
                }
                Step::Piece {
                    value,
                    starts,
                    first: is_first,
                    next,
                } => {
                    if starts && !is_first {
                        self.keep_first(input, &mut first);
                        self.push_data(b"\n");
                    } else if starts && next.is_none() {
                        // An event's data streamed from its start: as big as the last huge
                        // one, likely (no memory is held for it in between).
                        self.buf.reserve(self.interpreter.take_reserve_hint());
                    }
                    self.push_data(&input[value]);
                    match next {
                        Some(_) => continue,
                        None => break (Status::Partial, input.len()),
                    }
                }
                Step::Comment { text, next } => {
                    break (Status::Complete(Item::Comment(&input[text])), next)
                }
                Step::Retry { ms, next } => break (Status::Complete(Item::Retry(ms)), next),
                Step::Partial { consumed } => break (Status::Partial, consumed),
            };
            self.pos = 0;
            return Ok(Decoded {
                consumed: next,
                status: Status::Complete(Item::Event(self.interpreter.dispatch(data))),
            });
        };
        // The input is consumed past the first data line: keep a copy.
        self.keep_first(input, &mut first);
        self.pos = 0;
        Ok(Decoded { consumed, status })
    }

    /// An `input` inside a `data` line being streamed (most small reads are) goes straight to
    /// the data, through the line's end if it holds one, with no call into the per-line loop.
    /// Returns how much was consumed, if anything (only with no partial line kept in `buf`).
    #[inline(always)]
    pub(super) fn stream_data(&mut self, input: &[u8]) -> Option<usize> {
        let len = input.len();
        if len == 0 || len > self.interpreter.data_room() || self.pos != 0 {
            return None;
        }
        let found = self.interpreter.find_end(input);
        let piece = found.unwrap_or(len);
        self.interpreter.streamed(piece);
        self.push_data(&input[..piece]);
        Some(match found {
            Some(end) => self.interpreter.end_data_line(input, end),
            None => len,
        })
    }

    /// `input[range]` as the data's `String`, invalid UTF-8 replaced.
    #[inline]
    pub(super) fn string<'a>(
        input: &'a [u8],
        range: Range<usize>,
        prefix: Option<&mut Utf8Prefix<'a>>,
    ) -> String {
        match prefix {
            Some(prefix) => prefix.string(input, range),
            None => to_string(&input[range]),
        }
    }

    /// Appends to the data (only when no partial line is kept after it).
    #[inline]
    pub(super) fn push_data(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        // At most the event limit (a `u32`): the interpreter checked the block's length.
        self.data_len = self.buf.len() as u32;
    }

    /// Appends a line after the data's last: an LF, then `value`.
    #[inline]
    pub(super) fn push_line(&mut self, value: &[u8]) {
        self.buf.reserve(1 + value.len());
        self.buf.push(b'\n');
        self.push_data(value);
    }

    /// Copies the block's first data line, still in the input, into the data.
    pub(super) fn keep_first(&mut self, input: &[u8], first: &mut Option<Range<usize>>) {
        if let Some(range) = first.take() {
            self.push_data(&input[range]);
        }
    }

    /// The data, as the dispatched event's `String`. Joined lines are copied out exactly and
    /// the buffer stays for the next event's; a huge buffer (which would be freed anyway) is
    /// handed over whole, without a copy.
    pub(super) fn take_data(&mut self) -> String {
        let data_len = core::mem::take(&mut self.data_len) as usize;
        if self.buf.len() == data_len && self.buf.capacity() > KEEP_CAPACITY {
            // Huge events come in a row: the next one's buffer is reserved at once.
            self.interpreter.set_reserve_hint(data_len);
            return into_string(core::mem::take(&mut self.buf));
        }
        self.interpreter.set_reserve_hint(0);
        let data = to_string(self.buf.get(..data_len).unwrap_or_default());
        self.buf.drain(..data_len);
        self.release_if_empty();
        data
    }

    /// The block was dropped (a limit): so is its data; a partial line kept after it stays.
    pub(super) fn drop_data(&mut self) {
        let data_len = core::mem::take(&mut self.data_len) as usize;
        self.buf.drain(..data_len.min(self.buf.len()));
        self.release_if_empty();
    }

    /// Nothing is kept: a buffer a huge line or event grew is let go.
    pub(super) fn release_if_empty(&mut self) {
        if self.buf.is_empty() {
            release(&mut self.buf);
        }
    }

    /// How many bytes the line scanner has searched, for the linear-time tests.
    #[cfg(test)]
    pub(crate) fn scanned(&self) -> usize {
        self.interpreter.scanned()
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

/// Buffers keep their allocation for the next line or event, unless a huge one grew them: a
/// connection that once saw a big event must not pin its memory forever.
const KEEP_CAPACITY: usize = 64 * 1024;

fn release(buffer: &mut Vec<u8>) {
    buffer.clear();
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = Vec::new();
    }
}
