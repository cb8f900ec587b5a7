//! The owned tier: spec-dispatched events with the state the spec keeps across them.

use alloc::{string::String, vec::Vec};
use core::ops::Range;

use super::dispatch::{into_string, to_string, Interpreter, Step};
use super::scan::clamp_limit;
use crate::{DecodeError, Decoded, Event, Item, Limits, Status};

/// The owned tier: turns a byte stream into the events an `EventSource` fires.
///
/// Keeps what the spec keeps across events: the last event ID and the reconnection time.
/// Consumes every complete line at once (copying `data` values into the event being built),
/// so your buffer never needs to hold more than one partial line. Allocates only the data of
/// each event, plus the type and ID when they change.
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
    /// Bytes of the unconsumed input already processed, when an error was returned.
    pos: usize,
    pub(super) data: Vec<u8>,
    /// The partial line [`Decoder::feed`] keeps between chunks (from `tail_start` on).
    pub(super) tail: Vec<u8>,
    tail_start: usize,
    /// Bytes without a line end that may be appended to the tail's partial line without
    /// decoding it (see [`Interpreter::room`]); 0 when the tail must be decoded.
    tail_room: u32,
    /// `data` holds several lines (else at most the block's first, copied there when the
    /// input was consumed past it).
    joined: bool,
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
            pos: 0,
            data: Vec::new(),
            tail: Vec::new(),
            tail_start: 0,
            tail_room: 0,
            joined: false,
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

    /// The stream ended (the connection closed): the unfinished event is discarded, as the spec
    /// requires, and the decoder expects a new stream (a BOM is stripped again). The last event
    /// ID and the reconnection time are kept, as an `EventSource` keeps them across reconnects.
    pub fn finish(&mut self) {
        self.interpreter.end_stream();
        self.pos = 0;
        release(&mut self.data);
        self.joined = false;
        release(&mut self.tail);
        self.tail_start = 0;
        self.tail_room = 0;
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
    /// # Errors
    ///
    /// [`DecodeError::LineTooLong`] or [`DecodeError::EventTooLong`] once per offending event;
    /// nothing is reported consumed, and the next call (with the same input) goes on after it.
    pub fn decode<'a>(
        &mut self,
        input: &'a [u8],
    ) -> Result<Decoded<Item<Event, &'a [u8]>>, DecodeError> {
        // Only `feed` may skip decoding its tail.
        self.tail_room = 0;
        self.decode_reporting(input, true, None)
    }

    /// [`Decoder::decode`], reporting comments and retries only if `report`. `prefix`, if
    /// given, caches the UTF-8 check of `input` across calls.
    #[inline]
    fn decode_reporting<'a>(
        &mut self,
        input: &'a [u8],
        report: bool,
        prefix: Option<&mut Utf8Prefix<'a>>,
    ) -> Result<Decoded<Item<Event, &'a [u8]>>, DecodeError> {
        // `min`: a caller that breaks the contract (a shorter input) gets nonsense, not a panic.
        let mut at = self.pos.min(input.len());
        // The block's first data line while it is the only one: copied once, at dispatch,
        // straight into the event's `String` (no growth, no second copy).
        let mut first: Option<Range<usize>> = None;
        loop {
            let (status, consumed) = match self.interpreter.step(input, &mut at, report) {
                Ok(Step::Data {
                    value, first: true, ..
                }) => {
                    self.data.clear();
                    first = Some(value);
                    continue;
                }
                Ok(Step::Data { value, .. }) => {
                    if let Some(first) = first.take() {
                        self.data.extend_from_slice(&input[first]);
                    }
                    self.joined = true;
                    self.data.push(b'\n');
                    self.data.extend_from_slice(&input[value]);
                    continue;
                }
                Ok(Step::Dispatch { next }) => {
                    let data = match first {
                        Some(first) => match prefix {
                            Some(prefix) => prefix.string(input, first),
                            None => to_string(&input[first]),
                        },
                        // Joined lines are copied out exactly; the buffer stays for the next
                        // event's. One line was copied exactly already, and a huge buffer would
                        // be freed anyway: hand those over.
                        None if self.joined && self.data.capacity() <= KEEP_CAPACITY => {
                            self.joined = false;
                            let data = to_string(&self.data);
                            self.data.clear();
                            data
                        }
                        None => {
                            self.joined = false;
                            into_string(core::mem::take(&mut self.data))
                        }
                    };
                    self.pos = 0;
                    return Ok(Decoded {
                        consumed: next,
                        status: Status::Complete(Item::Event(self.interpreter.dispatch(data))),
                    });
                }
                Err(error) => {
                    self.pos = at;
                    self.joined = false;
                    release(&mut self.data);
                    return Err(error);
                }
                Ok(Step::Partial { consumed }) => (Status::Partial, consumed),
                Ok(Step::Comment { text, next }) => {
                    (Status::Complete(Item::Comment(&input[text])), next)
                }
                Ok(Step::Retry { ms, next }) => (Status::Complete(Item::Retry(ms)), next),
            };
            // The input is consumed past the first data line: keep a copy.
            if let Some(first) = first {
                self.data.extend_from_slice(&input[first]);
            }
            self.pos = 0;
            return Ok(Decoded { consumed, status });
        }
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
    fn advance(&mut self, n: usize) {
        self.text = self.text.get(n..).unwrap_or("");
    }
}

impl Iterator for Feed<'_, '_> {
    type Item = Result<Event, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let decoder = &mut *self.decoder;
        let len = self.chunk.len();
        // The chunk only continues the tail's partial line (small chunks mostly do): append it,
        // and tell the scanner it was searched.
        // (Only small chunks: a big one is searched by the scanner as it comes, once.)
        if decoder.tail_room != 0
            && len < SPLIT_CHUNK
            && len <= decoder.tail_room as usize
            && !has_line_end(self.chunk)
        {
            decoder.tail.extend_from_slice(self.chunk);
            decoder.interpreter.count_search(len);
            decoder.interpreter.searched_on(len);
            // At most `tail_room`, a `u32`.
            decoder.tail_room -= len as u32;
            self.chunk = &[];
            return None;
        }
        self.decode_next()
    }
}

impl Feed<'_, '_> {
    /// [`Feed::next`] when the chunk has lines to decode.
    #[inline(never)]
    fn decode_next(&mut self) -> Option<Result<Event, DecodeError>> {
        let decoder = &mut *self.decoder;
        // Room means the tail is a partial line the scanner searched whole (in plain state):
        // bytes searched here after it can be credited to the scanner.
        let mut searched_tail = decoder.tail_room != 0;
        decoder.tail_room = 0;
        loop {
            if decoder.tail_start == decoder.tail.len() {
                if !decoder.tail.is_empty() {
                    decoder.tail_start = 0;
                    // A huge line's buffer is kept for the chunk's partial line, if it ends in
                    // one: huge lines come in a row. It goes once a smaller line used it, or
                    // when a chunk ends with its line.
                    if decoder.tail.len() > KEEP_CAPACITY {
                        decoder.tail.clear();
                    } else {
                        release(&mut decoder.tail);
                    }
                }
                // The common case: lines straight out of the chunk, no copy.
                if self.chunk.is_empty() {
                    release(&mut decoder.tail);
                    return None;
                }
                let decoded =
                    match decoder.decode_reporting(self.chunk, false, Some(&mut self.prefix)) {
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
                        decoder.tail.extend_from_slice(self.chunk);
                        decoder.tail_room = room(&decoder.interpreter, self.chunk.len());
                        self.chunk = &[];
                        return None;
                    }
                }
            }
            if !self.chunk.is_empty() {
                // A line was left partial: the chunk continues it. A big chunk moves only
                // its part of that line to the tail (through the terminator, and the blank
                // line after it, so a one-line event dispatches straight from the tail); the
                // lines after it are decoded out of the chunk. A small chunk is appended whole
                // and decoded from the tail.
                let take = if self.chunk.len() < SPLIT_CHUNK {
                    self.chunk.len()
                } else {
                    // Only the chunk's head is searched: a line longer than that (a huge
                    // one) takes the whole chunk, which the scanner then searches once.
                    let head = &self.chunk[..SPLIT_CHUNK];
                    let found = memchr::memchr2(b'\n', b'\r', head);
                    let free = found.unwrap_or(SPLIT_CHUNK);
                    decoder.interpreter.count_search(free);
                    if searched_tail {
                        // The line-end-free bytes searched here are not searched again.
                        decoder.interpreter.searched_on(free);
                    }
                    match found {
                        Some(end) => line_end(self.chunk, end),
                        None => self.chunk.len(),
                    }
                };
                searched_tail = false;
                let take = match self.chunk.get(take) {
                    Some(b'\n' | b'\r') => line_end(self.chunk, take),
                    _ => take,
                };
                decoder.tail.extend_from_slice(&self.chunk[..take]);
                self.chunk = &self.chunk[take..];
                self.prefix.advance(take);
            }
            let tail = core::mem::take(&mut decoder.tail);
            let outcome = decoder.decode_reporting(&tail[decoder.tail_start..], false, None);
            let outcome = match outcome {
                Err(error) => Err(error),
                Ok(decoded) => Ok((
                    decoded.consumed,
                    match decoded.status {
                        Status::Complete(Item::Event(event)) => Some(event),
                        _ => None,
                    },
                )),
            };
            decoder.tail = tail;
            match outcome {
                Err(error) => return Some(Err(error)),
                Ok((consumed, event)) => {
                    decoder.tail_start += consumed;
                    if let Some(event) = event {
                        return Some(Ok(event));
                    }
                }
            }
            let partial_len = decoder.tail.len() - decoder.tail_start;
            if self.chunk.is_empty() && partial_len > 0 {
                // Still partial: nothing more until the next chunk.
                decoder.tail_room = room(&decoder.interpreter, partial_len);
                return None;
            }
        }
    }
}

impl Drop for Feed<'_, '_> {
    fn drop(&mut self) {
        // Whatever was not decoded yet waits for the next call.
        if !self.chunk.is_empty() {
            self.decoder.tail.extend_from_slice(self.chunk);
            // The tail may now hold complete lines: decode it next time.
            self.decoder.tail_room = 0;
        }
    }
}

/// [`Interpreter::room`] after a `Partial` left `partial_len` bytes, as kept.
fn room(interpreter: &Interpreter, partial_len: usize) -> u32 {
    clamp_limit(interpreter.room(partial_len))
}

/// Whether `chunk` holds a CR or LF. Eight bytes at a time for short chunks: `memchr2`'s
/// setup costs more than it saves on them.
fn has_line_end(chunk: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    /// Whether a byte of `word` is LF or CR (the classic exact zero-byte test).
    fn any_line_end(word: &[u8]) -> bool {
        let word = u64::from_ne_bytes(word.try_into().unwrap_or([0; 8]));
        let lf = word ^ (ONES * u64::from(b'\n'));
        let cr = word ^ (ONES * u64::from(b'\r'));
        ((lf.wrapping_sub(ONES) & !lf) | (cr.wrapping_sub(ONES) & !cr)) & (ONES << 7) != 0
    }
    match chunk.len() {
        0..=7 => chunk.iter().any(|&b| b == b'\n' || b == b'\r'),
        8..=31 => {
            chunk.chunks_exact(8).any(any_line_end) || any_line_end(&chunk[chunk.len() - 8..])
        }
        _ => memchr::memchr2(b'\n', b'\r', chunk).is_some(),
    }
}

/// Chunks at least this long continue a partial line by moving only its end (if it ends in
/// the chunk's first `SPLIT_CHUNK` bytes) to the tail.
const SPLIT_CHUNK: usize = 512;

/// Where the line whose terminator is at `chunk[end]` ends, its terminator included.
fn line_end(chunk: &[u8], end: usize) -> usize {
    end + 1 + usize::from(chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n'))
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

#[cfg(test)]
mod tests {
    use super::{has_line_end, Decoder, SPLIT_CHUNK};
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
    #[test]
    fn feed_in_big_chunks_equals_feed_whole() {
        let mut stream = Vec::new();
        for (i, len) in [1, 70, SPLIT_CHUNK - 8, SPLIT_CHUNK, SPLIT_CHUNK + 3, 3000]
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
        for size in [SPLIT_CHUNK - 1, SPLIT_CHUNK, 700, 1000, 4096] {
            let chunked = events(stream.chunks(size).map(<[u8]>::to_vec));
            assert!(chunked == whole, "chunks of {size}");
        }
    }

    #[test]
    fn has_line_end_finds_cr_and_lf_anywhere_and_nothing_else() {
        // Neighbours of CR and LF, and bytes whose borrow could leak into the next lane.
        let fillers = [b'a', 0x00, 0x01, 0x09, 0x0B, 0x0C, 0x0E, 0x8A, 0x8D, 0xFF];
        for len in 0..70 {
            for filler in fillers {
                let mut chunk = alloc::vec![filler; len];
                assert!(!has_line_end(&chunk), "{filler:#x} x {len}");
                for at in 0..len {
                    for end in [b'\n', b'\r'] {
                        chunk[at] = end;
                        assert!(has_line_end(&chunk), "{end} at {at} of {len}");
                        chunk[at] = filler;
                    }
                }
            }
        }
    }
}
