//! The event tier: whole blank-line-terminated blocks, borrowed from the caller's buffer.

use core::fmt;

use super::scan::{BlockLines, LineScanner};
use crate::{DecodeError, Decoded, Limits, Line, Status};

/// A byte range relative to the start of the current block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

/// What the event decoder has learned about the block so far (offsets from its start).
#[derive(Debug, Clone, Copy, Default)]
struct BlockInfo {
    /// Non-blank lines seen; 0 means no block has started.
    lines: usize,
    event_type: Option<Span>,
    id: Option<Span>,
    retry: Option<u64>,
    /// Where the first data line starts, and its value.
    data_line_start: usize,
    first_data: Span,
    data_lines: usize,
    data_len: usize,
    comments: usize,
}

/// The event tier: yields one block (the lines up to a blank line) at a time, borrowed from
/// your buffer. Never allocates.
///
/// A block must fit in your buffer: on [`Status::Partial`] the decoder reports nothing of the
/// block consumed, so keep the bytes and append. Blocks that only hold comments, `id` or
/// `retry` are yielded too: they change stream state. Runs of blank lines yield nothing.
///
/// This tier keeps no state across events: the spec's "last event ID" is yours to keep (the
/// owned [`Decoder`](crate::Decoder) keeps it for you).
///
/// ```
/// use sse_wire::{EventDecoder, Status};
///
/// let mut decoder = EventDecoder::new();
/// let input = b"event: add\ndata: 1\ndata: 2\n\n";
/// let decoded = decoder.decode(input)?;
/// assert_eq!(decoded.consumed, input.len());
/// let Status::Complete(event) = decoded.status else { panic!("complete") };
/// assert_eq!(event.event_type(), Some(&b"add"[..]));
/// assert_eq!(event.data_lines().collect::<Vec<_>>(), [b"1", b"2"]);
/// let mut joined = [0u8; 8];
/// let n = event.copy_data_to(&mut joined).unwrap();
/// assert_eq!(&joined[..n], b"1\n2");
/// # Ok::<(), sse_wire::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct EventDecoder {
    pub(super) scanner: LineScanner,
    max_event_len: usize,
    /// Where the current block starts, in the unconsumed input.
    start: usize,
    /// Where the next line starts, in the unconsumed input.
    pos: usize,
    /// An over-long event is being dropped, through its blank line.
    discarding: bool,
    block: BlockInfo,
}

impl EventDecoder {
    /// A decoder with the default [`Limits`].
    pub const fn new() -> Self {
        Self::with_limits(Limits::new())
    }

    /// A decoder with the given limits.
    pub const fn with_limits(limits: Limits) -> Self {
        EventDecoder {
            scanner: LineScanner::new(limits.max_line_len()),
            max_event_len: limits.max_event_len(),
            start: 0,
            pos: 0,
            discarding: false,
            block: BlockInfo {
                lines: 0,
                event_type: None,
                id: None,
                retry: None,
                data_line_start: 0,
                first_data: Span { start: 0, end: 0 },
                data_lines: 0,
                data_len: 0,
                comments: 0,
            },
        }
    }

    /// Forgets the current stream: the next byte starts a new one.
    pub fn reset(&mut self) {
        self.scanner.reset();
        self.start = 0;
        self.pos = 0;
        self.discarding = false;
        self.block = BlockInfo::default();
    }

    /// Decodes the next block from `input`, the bytes not consumed yet.
    ///
    /// # Errors
    ///
    /// [`DecodeError::LineTooLong`] or [`DecodeError::EventTooLong`] once per offending event;
    /// nothing is consumed, and the next call (with the same input) skips the whole event.
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<Decoded<RawEvent<'a>>, DecodeError> {
        loop {
            let at = self.pos;
            let decoded = match self.scanner.next_line(&input[at..]) {
                Ok(decoded) => decoded,
                Err(error) => {
                    // The scanner skips the line on the next call; drop the rest of the event.
                    self.start = at;
                    self.block = BlockInfo::default();
                    if self.discarding {
                        continue;
                    }
                    self.discarding = true;
                    return Err(error);
                }
            };
            let next = at + decoded.consumed;
            let Status::Complete(range) = decoded.status else {
                return self.partial(input, next);
            };
            let line = &input[at + range.start..at + range.end];
            if line.is_empty() {
                if self.discarding || self.block.lines == 0 {
                    self.discarding = false;
                    self.start = next;
                    self.pos = next;
                    continue;
                }
                let event = RawEvent::new(&input[self.start..next], &self.block);
                self.start = 0;
                self.pos = 0;
                self.block = BlockInfo::default();
                return Ok(Decoded {
                    consumed: next,
                    status: Status::Complete(event),
                });
            }
            if self.discarding {
                self.start = next;
                self.pos = next;
                continue;
            }
            if self.block.lines == 0 {
                self.start = at + range.start;
            }
            let line_start = at + range.start - self.start;
            let line_end = at + range.end - self.start;
            if line_end > self.max_event_len {
                self.start = next;
                self.pos = next;
                return Err(self.event_too_long());
            }
            self.pos = next;
            self.record(line, line_start);
        }
    }

    /// No complete block: release what precedes it, check the limit.
    fn partial<'a>(
        &mut self,
        input: &'a [u8],
        line_start: usize,
    ) -> Result<Decoded<RawEvent<'a>>, DecodeError> {
        self.pos = line_start;
        // Bytes that may still be a BOM are no partial line.
        let partial_line = line_start < input.len() && !self.scanner.awaiting_bom();
        if self.discarding {
            if partial_line {
                self.scanner.discard_line();
                self.pos = input.len();
            }
            self.start = self.pos;
        } else if self.block.lines == 0 {
            self.start = line_start;
        }
        if !self.discarding && partial_line && input.len() - self.start > self.max_event_len {
            if partial_line {
                self.scanner.discard_line();
            }
            self.start = input.len();
            self.pos = input.len();
            return Err(self.event_too_long());
        }
        let consumed = self.start;
        self.pos -= consumed;
        self.start = 0;
        Ok(Decoded {
            consumed,
            status: Status::Partial,
        })
    }

    fn event_too_long(&mut self) -> DecodeError {
        self.discarding = true;
        self.block = BlockInfo::default();
        DecodeError::EventTooLong {
            limit: self.max_event_len,
        }
    }

    /// Notes what a non-blank line at `line_start` (block-relative) contributes.
    fn record(&mut self, line: &[u8], line_start: usize) {
        let block = &mut self.block;
        block.lines += 1;
        // Field values are suffixes of their line: their span follows from their length.
        let span = |value: &[u8]| Span {
            start: line_start + line.len() - value.len(),
            end: line_start + line.len(),
        };
        match Line::parse(line) {
            Line::Data(value) => {
                if block.data_lines == 0 {
                    block.data_line_start = line_start;
                    block.first_data = span(value);
                    block.data_len = value.len();
                } else {
                    block.data_len += 1 + value.len();
                }
                block.data_lines += 1;
            }
            Line::Event(value) => block.event_type = Some(span(value)),
            Line::Id(value) => block.id = Some(span(value)),
            Line::Retry(ms) => block.retry = Some(ms),
            Line::Comment(_) => block.comments += 1,
            Line::Blank | Line::Ignored { .. } => {}
        }
    }
}

impl Default for EventDecoder {
    fn default() -> Self {
        Self::new()
    }
}

/// One block of an event stream (its lines through the blank line that ends it), borrowed.
///
/// The accessors apply the spec's field rules: the last `event`, `id` and valid `retry` win;
/// `data` lines are joined with LF. Whether an event fires is [`RawEvent::fires`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RawEvent<'a> {
    block: &'a [u8],
    event_type: Option<&'a [u8]>,
    id: Option<&'a [u8]>,
    retry: Option<u64>,
    data_line_start: usize,
    first_data: &'a [u8],
    data_lines: usize,
    data_len: usize,
    comments: usize,
}

impl<'a> RawEvent<'a> {
    fn new(block: &'a [u8], info: &BlockInfo) -> Self {
        let slice = |span: Span| &block[span.start..span.end];
        RawEvent {
            block,
            event_type: info.event_type.map(slice),
            id: info.id.map(slice),
            retry: info.retry,
            data_line_start: info.data_line_start,
            first_data: slice(info.first_data),
            data_lines: info.data_lines,
            data_len: info.data_len,
            comments: info.comments,
        }
    }

    /// The block's raw bytes, from its first line through its blank line.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.block
    }

    /// Whether the spec dispatches an event for this block: it had at least one `data` line.
    pub fn fires(&self) -> bool {
        self.data_lines > 0
    }

    /// The value of the last `event` field, if any. An event that fires with no type, or an
    /// empty one, has the type `message`.
    pub fn event_type(&self) -> Option<&'a [u8]> {
        self.event_type
    }

    /// The value of the last `id` field without NUL, if any: the stream's new last event ID
    /// (even if the block does not fire). `Some(b"")` resets it.
    pub fn id(&self) -> Option<&'a [u8]> {
        self.id
    }

    /// The value of the last valid `retry` field, if any: the new reconnection time in ms.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// How many comment lines the block held.
    pub fn comment_count(&self) -> usize {
        self.comments
    }

    /// The comments' texts (without the colon and one leading space), in order.
    pub fn comments(&self) -> Comments<'a> {
        Comments {
            lines: BlockLines::new(if self.comments == 0 { &[] } else { self.block }),
        }
    }

    /// How many `data` lines the block held.
    pub fn data_line_count(&self) -> usize {
        self.data_lines
    }

    /// The length of the data once its lines are joined with LF.
    pub fn data_len(&self) -> usize {
        self.data_len
    }

    /// The data, without copying, when it is a single line (the common case).
    pub fn data_single(&self) -> Option<&'a [u8]> {
        (self.data_lines == 1).then_some(self.first_data)
    }

    /// The values of the `data` lines, in order.
    pub fn data_lines(&self) -> DataLines<'a> {
        DataLines {
            lines: BlockLines::new(&self.block[self.data_line_start..]),
            remaining: self.data_lines,
        }
    }

    /// Writes the data, lines joined with LF, to the front of `out`; returns its length.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `out` is shorter than [`RawEvent::data_len`]; nothing is written.
    pub fn copy_data_to(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        if out.len() < self.data_len {
            return Err(BufferTooSmall {
                needed: self.data_len,
            });
        }
        let mut at = 0;
        for (i, line) in self.data_lines().enumerate() {
            if i > 0 {
                out[at] = b'\n';
                at += 1;
            }
            out[at..at + line.len()].copy_from_slice(line);
            at += line.len();
        }
        Ok(at)
    }
}

impl fmt::Debug for RawEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEvent")
            .field("event_type", &self.event_type.map(ByteStr))
            .field("id", &self.id.map(ByteStr))
            .field("retry", &self.retry)
            .field("data_lines", &self.data_lines)
            .field("data_len", &self.data_len)
            .field("comments", &self.comments)
            .finish()
    }
}

struct ByteStr<'a>(&'a [u8]);

impl fmt::Debug for ByteStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

/// The caller's buffer is shorter than the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BufferTooSmall {
    /// How many bytes are needed.
    pub needed: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "buffer too small: {} bytes needed", self.needed)
    }
}

impl core::error::Error for BufferTooSmall {}

/// Iterator over a [`RawEvent`]'s `data` line values. See [`RawEvent::data_lines`].
#[derive(Debug, Clone)]
pub struct DataLines<'a> {
    lines: BlockLines<'a>,
    remaining: usize,
}

impl<'a> Iterator for DataLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        while self.remaining > 0 {
            if let Line::Data(value) = Line::parse(self.lines.next()?) {
                self.remaining -= 1;
                return Some(value);
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

/// Iterator over a [`RawEvent`]'s comments. See [`RawEvent::comments`].
#[derive(Debug, Clone)]
pub struct Comments<'a> {
    lines: BlockLines<'a>,
}

impl<'a> Iterator for Comments<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        self.lines
            .by_ref()
            .find_map(|line| match Line::parse(line) {
                Line::Comment(text) => Some(text),
                _ => None,
            })
    }
}
