//! The owned tier: spec-dispatched events with the state the spec keeps across them.

use alloc::{string::String, vec::Vec};
use core::ops::Range;

use super::dispatch::{into_string, to_string, Interpreter, Quick, Step};
use super::line_end::find_line_end;
use super::scan::clamp_limit;
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
/// - [`Decoder::decode`]: the sans-IO contract over your own buffer; also reports comments and
///   `retry` values as [`Item`]s.
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
    interpreter: Interpreter,
    /// `buf[..data_len]` is the block's data so far, lines joined with LF. (At most the event
    /// limit, a `u32`.)
    data_len: u32,
    /// `buf[data_len..]` holds input to decode as it is (not just a searched partial line: a
    /// dropped [`Feed`]'s rest, lines after an event or an error there): decoded first.
    raw_tail: bool,
    /// Bytes of the unconsumed input already processed, when an error was returned.
    pos: usize,
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
    /// [`Decoder::feed`]), or `data` or `id` fields arrived without the blank line that dispatches
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
        self.decode_items(input, true, None)
    }

    /// [`Decoder::decode`], reporting comments and retries only if `report`. `prefix`, if
    /// given, caches the UTF-8 check of `input` across calls. Only called with no partial
    /// line kept in `buf`.
    #[inline]
    fn decode_items<'a>(
        &mut self,
        input: &'a [u8],
        report: bool,
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
            let step = match self.interpreter.step(input, &mut at, report, true) {
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
    fn stream_data(&mut self, input: &[u8]) -> Option<usize> {
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
    fn string<'a>(
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
    fn push_data(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        // At most the event limit (a `u32`): the interpreter checked the block's length.
        self.data_len = self.buf.len() as u32;
    }

    /// Appends a line after the data's last: an LF, then `value`.
    #[inline]
    fn push_line(&mut self, value: &[u8]) {
        self.buf.reserve(1 + value.len());
        self.buf.push(b'\n');
        self.push_data(value);
    }

    /// Copies the block's first data line, still in the input, into the data.
    fn keep_first(&mut self, input: &[u8], first: &mut Option<Range<usize>>) {
        if let Some(range) = first.take() {
            self.push_data(&input[range]);
        }
    }

    /// The data, as the dispatched event's `String`. Joined lines are copied out exactly and
    /// the buffer stays for the next event's; a huge buffer (which would be freed anyway) is
    /// handed over whole, without a copy.
    fn take_data(&mut self) -> String {
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
    fn drop_data(&mut self) {
        let data_len = core::mem::take(&mut self.data_len) as usize;
        self.buf.drain(..data_len.min(self.buf.len()));
        self.release_if_empty();
    }

    /// Nothing is kept: a buffer a huge line or event grew is let go.
    fn release_if_empty(&mut self) {
        if self.buf.is_empty() {
            release(&mut self.buf);
        }
    }

    /// Whether `feed` keeps a partial line (or undecoded input) after the data.
    #[inline]
    fn has_tail(&self) -> bool {
        self.buf.len() > self.data_len as usize
    }

    /// Continues the partial line `feed` keeps with `chunk`: takes the chunk's bytes through its
    /// first line end (all of a small chunk, or of one without a line end) and decodes them.
    fn continue_tail(&mut self, chunk: &mut &[u8]) -> Result<Option<Event>, DecodeError> {
        let tail = &self.buf[self.data_len as usize..];
        let tail_len = tail.len();
        // Bytes that only lengthen a partial line within the limits (and not one that may
        // yet be a `data` line, which is streamed) need not be decoded.
        let idle = chunk.len() <= self.interpreter.room(tail_len)
            && (tail_len > 5 || !b"data:".starts_with(tail));
        let found = find_line_end(chunk);
        let clean = found.unwrap_or(chunk.len());
        // The bytes searched here are not searched again: the scanner goes on after them.
        self.interpreter.count_search(clean);
        self.interpreter.searched(tail_len + clean);
        // A small chunk goes to the tail whole: its lines are decoded there in one pass. A big
        // one gives only the line's end; its other lines are decoded where they are.
        let take = match found {
            Some(end) if chunk.len() > SMALL_CHUNK => line_end(chunk, end),
            _ => chunk.len(),
        };
        self.buf.extend_from_slice(&chunk[..take]);
        *chunk = &chunk[take..];
        if idle && found.is_none() {
            return Ok(None);
        }
        self.decode_tail()
    }

    /// Decodes the partial line kept after the data (now completed or longer), in place.
    fn decode_tail(&mut self) -> Result<Option<Event>, DecodeError> {
        loop {
            let data_len = self.data_len as usize;
            let Some(tail) = self.buf.get(data_len..).filter(|tail| !tail.is_empty()) else {
                // A huge line kept here is gone: so is its memory.
                self.release_if_empty();
                return Ok(None);
            };
            let tail_len = tail.len();
            // Past what an error left processed (a dropped `Feed` kept its input as it was).
            let mut at = core::mem::take(&mut self.pos).min(tail_len);
            let step = match self.interpreter.step(tail, &mut at, false, true) {
                Ok(step) => step,
                Err(error) => {
                    // What the interpreter consumed goes; the rest (it may hold the offending
                    // line's end now) is decoded again as it is next time.
                    self.buf.drain(data_len..data_len + at);
                    self.drop_data();
                    self.pos = 0;
                    self.raw_tail = self.has_tail();
                    return Err(error);
                }
            };
            let data = match step {
                Step::Partial { consumed } => {
                    self.buf.drain(data_len..data_len + consumed);
                    self.release_if_empty();
                    return Ok(None);
                }
                Step::Data { value, first, next } => {
                    self.data_from_tail(value, !first, next);
                    continue;
                }
                Step::Piece {
                    value,
                    starts,
                    first,
                    next,
                } => {
                    self.data_from_tail(value, starts && !first, next.unwrap_or(tail_len));
                    continue;
                }
                // Not reported (`report` is off).
                Step::Comment { next, .. } | Step::Retry { next, .. } => {
                    self.buf.drain(data_len..data_len + next);
                    continue;
                }
                Step::Event { value, next } => {
                    let data = to_string(&tail[value]);
                    self.buf.drain(data_len..data_len + next);
                    data
                }
                Step::Dispatch { next } => {
                    self.buf.drain(data_len..data_len + next);
                    self.take_data()
                }
            };
            // Lines may follow in the tail (a small chunk is taken whole): decoded as they
            // are, before more is appended.
            self.raw_tail = self.has_tail();
            return Ok(Some(self.interpreter.dispatch(data)));
        }
    }

    /// Moves a data value from the kept partial line (`value`, relative to it) to the data's
    /// end (after an LF if `lf`), dropping the line's bytes through `next`.
    fn data_from_tail(&mut self, value: Range<usize>, lf: bool, next: usize) {
        let data_len = self.data_len as usize;
        // The value follows at least `data:` in the line: moving it left by up to five bytes
        // (LF first) never overwrites what is still to be moved.
        let to = data_len + usize::from(lf);
        self.buf
            .copy_within(data_len + value.start..data_len + value.end, to);
        if lf {
            self.buf[data_len] = b'\n';
        }
        let new_len = to + value.len();
        self.buf.drain(new_len..data_len + next);
        self.data_len = clamp_limit(new_len);
    }

    /// Decodes a chunk as it arrived: iterate to get its events. The decoder keeps the partial
    /// line at the chunk's end for the next call. Comments and `retry` are applied but not
    /// yielded (use [`Decoder::decode`] to see them).
    ///
    /// Dropping the iterator early keeps the rest of the chunk for the next call: no event is
    /// lost.
    ///
    /// Time is linear in the bytes fed, at any chunking: every byte is searched for line ends
    /// once.
    pub fn feed<'d, 'c>(&'d mut self, chunk: &'c [u8]) -> Feed<'d, 'c> {
        Feed {
            decoder: self,
            chunk,
            prefix: Utf8Prefix::default(),
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

/// Iterator over the events of one chunk. See [`Decoder::feed`].
#[derive(Debug)]
pub struct Feed<'d, 'c> {
    decoder: &'d mut Decoder,
    chunk: &'c [u8],
    prefix: Utf8Prefix<'c>,
}

/// The valid UTF-8 prefix of a chunk's complete lines, checked once per chunk (when its first
/// event is dispatched): an event's data is then a cheap slice of it, not validated alone.
#[derive(Debug, Clone, Copy, Default)]
struct Utf8Prefix<'c> {
    /// A prefix of the unconsumed chunk, once `checked`.
    text: &'c str,
    checked: bool,
}

impl<'c> Utf8Prefix<'c> {
    /// `input[range]` (input: the unconsumed chunk) as a `String`, invalid UTF-8 replaced.
    fn string(&mut self, input: &'c [u8], range: Range<usize>) -> String {
        if !self.checked {
            self.checked = true;
            // Through the last line end only: a character split across chunks is no error.
            let lines = &input[..memchr::memrchr2(b'\n', b'\r', input).unwrap_or(0)];
            self.text = match core::str::from_utf8(lines) {
                Ok(text) => text,
                Err(error) => core::str::from_utf8(&lines[..error.valid_up_to()]).unwrap_or(""),
            };
        }
        match self.text.get(range.clone()) {
            Some(text) => String::from(text),
            None => to_string(&input[range]),
        }
    }

    /// Drops `n` bytes (whole lines) from the front.
    #[inline]
    fn advance(&mut self, n: usize) {
        if self.checked {
            self.text = self.text.get(n..).unwrap_or("");
        }
    }
}

impl Iterator for Feed<'_, '_> {
    type Item = Result<Event, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let decoder = &mut *self.decoder;
        if !decoder.has_tail() {
            if let Some(next) = decoder.stream_data(self.chunk) {
                self.chunk = &self.chunk[next..];
                self.prefix.advance(next);
                if self.chunk.is_empty() {
                    return None;
                }
            }
        }
        self.next_slow()
    }
}

impl Feed<'_, '_> {
    /// [`Feed::next`] past its fast path.
    fn next_slow(&mut self) -> Option<Result<Event, DecodeError>> {
        let decoder = &mut *self.decoder;
        if decoder.raw_tail {
            // Input kept as it came (a dropped `Feed`'s rest, a line an error left): decoded
            // first, in place, until only a partial line is left.
            match decoder.decode_tail() {
                Ok(Some(event)) => return Some(Ok(event)),
                Ok(None) => decoder.raw_tail = false,
                Err(error) => return Some(Err(error)),
            }
        }
        loop {
            if self.chunk.is_empty() {
                return None;
            }
            if decoder.has_tail() {
                let before = self.chunk.len();
                let outcome = decoder.continue_tail(&mut self.chunk);
                self.prefix.advance(before - self.chunk.len());
                match outcome {
                    Ok(Some(event)) => return Some(Ok(event)),
                    Ok(None) => continue,
                    Err(error) => return Some(Err(error)),
                }
            }
            let decoded = match decoder.decode_items(self.chunk, false, Some(&mut self.prefix)) {
                Ok(decoded) => decoded,
                Err(error) => return Some(Err(error)),
            };
            self.chunk = &self.chunk[decoded.consumed..];
            self.prefix.advance(decoded.consumed);
            match decoded.status {
                Status::Complete(Item::Event(event)) => return Some(Ok(event)),
                Status::Complete(_) => continue,
                Status::Partial => {
                    // Keep the partial line; the scanner resumes where it stopped.
                    decoder.buf.extend_from_slice(self.chunk);
                    self.chunk = &[];
                    return None;
                }
            }
        }
    }
}

impl Drop for Feed<'_, '_> {
    #[inline]
    fn drop(&mut self) {
        // Whatever was not decoded yet waits for the next call.
        if !self.chunk.is_empty() {
            self.keep_rest();
        }
    }
}

impl Feed<'_, '_> {
    #[cold]
    fn keep_rest(&mut self) {
        self.decoder.buf.extend_from_slice(self.chunk);
        self.decoder.raw_tail = true;
    }
}

/// Where the line whose terminator is at `chunk[end]` ends, its terminator included.
fn line_end(chunk: &[u8], end: usize) -> usize {
    end + 1 + usize::from(chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n'))
}

/// Chunks up to this long that continue a partial line are appended to it whole.
const SMALL_CHUNK: usize = 64;

/// Buffers keep their allocation for the next line or event, unless a huge one grew them: a
/// connection that once saw a big event must not pin its memory forever.
const KEEP_CAPACITY: usize = 64 * 1024;

fn release(buffer: &mut Vec<u8>) {
    buffer.clear();
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::Decoder;
    use alloc::{string::String, vec::Vec};

    fn events(chunks: impl Iterator<Item = Vec<u8>>) -> Vec<(String, String, String)> {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        for chunk in chunks {
            for event in decoder.feed(&chunk) {
                let event = event.unwrap();
                let (kind, id) = (event.event_type().into(), event.last_event_id().into());
                events.push((kind, event.into_data(), id));
            }
        }
        events
    }

    /// Partial lines that end before, at and after the part of a big chunk searched for their
    /// end, followed by more lines in the same chunk; UTF-8 split across chunks.
    /// Small chunks are taken into the kept partial line whole, several lines at a time, with
    /// events among them: every chunk size through twice the small-chunk bound.
    #[test]
    fn feed_in_small_chunks_equals_feed_whole() {
        let mut stream = Vec::new();
        for i in 0..60 {
            let lines = alloc::format!(
                ": c{i}\r\nid: {i}\nevent: e{}\rdata: {}\ndata\r\n\ndata: {i}\n\n",
                i % 4,
                "x".repeat(i % 9)
            );
            stream.extend_from_slice(lines.as_bytes());
        }
        let whole = events(core::iter::once(stream.clone()));
        assert_eq!(whole.len(), 120);
        for size in 1..=2 * super::SMALL_CHUNK + 2 {
            let chunked = events(stream.chunks(size).map(<[u8]>::to_vec));
            assert!(chunked == whole, "chunks of {size}");
        }
    }

    #[test]
    fn feed_in_big_chunks_equals_feed_whole() {
        let mut stream = Vec::new();
        for (i, len) in [1, 70, 504, 512, 515, 3000]
            .into_iter()
            .cycle()
            .take(40)
            .enumerate()
        {
            stream.extend_from_slice(alloc::format!("id: {i}\r\nevent: e{}\r\n", i % 3).as_bytes());
            for line in 0..i % 3 + 1 {
                stream.extend_from_slice(b"data: ");
                // Valid two-byte characters (split by some chunkings), ASCII, invalid bytes.
                let unit: &[u8] = [&b"\xC3\xA9"[..], b"x", b"\xFF"][(i + line) % 3];
                for _ in 0..len {
                    stream.extend_from_slice(unit);
                }
                stream.extend_from_slice(if i % 2 == 0 { b"\n" } else { b"\r" });
            }
            stream.extend_from_slice(b"\r\n");
        }
        let whole = events(core::iter::once(stream.clone()));
        assert_eq!(whole.len(), 40);
        for size in [1, 7, 511, 512, 700, 1000, 4096] {
            let chunked = events(stream.chunks(size).map(<[u8]>::to_vec));
            assert!(chunked == whole, "chunks of {size}");
        }
    }
}
