//! The event tier: whole blank-line-terminated blocks, borrowed from the caller's buffer.

use core::fmt;

use super::line::parse_retry;
use super::scan::{clamp_limit, BlockLines, DataBlock, LineScanner, Scan};
use crate::{DecodeError, Decoded, Limits, Line, Status};

/// A byte range relative to the start of the current block (blocks are limited to 4 GiB):
/// `start` in the low 32 bits, `end` in the high ones. One `u64`, not two `u32`s, so the
/// decoder's block state fits in fewer registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span(u64);

impl Span {
    const NONE: Span = Span(u64::MAX);

    #[inline]
    fn new(start: u32, end: u32) -> Span {
        Span(u64::from(start) | u64::from(end) << 32)
    }

    #[inline]
    fn get(self) -> Option<core::ops::Range<usize>> {
        (self != Span::NONE).then_some(self.0 as u32 as usize..(self.0 >> 32) as usize)
    }
}

/// The block has a non-blank line.
const STARTED: u32 = 1;
/// The block has more than one `data` line.
const MULTI_DATA: u32 = 2;
/// The block has a comment.
const COMMENTS: u32 = 4;
/// An over-long event is being dropped, through its blank line.
const DISCARDING: u32 = 8;

/// What the event decoder has learned about the block so far (offsets from its start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BlockInfo {
    event_type: Span,
    id: Span,
    /// The last valid `retry` value (parsed again when the block completes).
    retry: Span,
    first_data: Span,
    /// The data's length once joined (fits: at most the block's length).
    data_len: u32,
    /// `u32`, not `u8`: no padding, which the compiler copied byte by byte with every event.
    flags: u32,
}

impl BlockInfo {
    const EMPTY: BlockInfo = BlockInfo {
        event_type: Span::NONE,
        id: Span::NONE,
        retry: Span::NONE,
        first_data: Span::NONE,
        data_len: 0,
        flags: 0,
    };

    fn started(&self) -> bool {
        self.flags & STARTED != 0
    }

    fn discarding(&self) -> bool {
        self.flags & DISCARDING != 0
    }

    /// Notes what a non-blank line at `line_start` (block-relative, within the limit, so it
    /// fits `u32`) contributes.
    #[inline(always)]
    fn record(&mut self, line: &[u8], line_start: usize) {
        let block = self;
        block.flags |= STARTED;
        // Field values are suffixes of their line: their span follows from their length.
        let line_end = (line_start + line.len()) as u32;
        let span = |len: usize| Span::new(line_end - len as u32, line_end);
        match Line::parse(line) {
            Line::Data(value) => {
                if block.first_data == Span::NONE {
                    block.first_data = span(value.len());
                    block.data_len = value.len() as u32;
                } else {
                    block.flags |= MULTI_DATA;
                    block.data_len += 1 + value.len() as u32;
                }
            }
            Line::Event(value) => block.event_type = span(value.len()),
            Line::Id(value) => block.id = span(value.len()),
            Line::Retry(_) => {
                // The value is all digits, preceded by `:` or a space.
                let digits = line.iter().rev().take_while(|b| b.is_ascii_digit()).count();
                block.retry = span(digits);
            }
            Line::Comment(_) => block.flags |= COMMENTS,
            Line::Blank | Line::Ignored { .. } => {}
        }
    }
}

/// The event tier: yields one block (the lines up to a blank line) at a time, borrowed from
/// your buffer. Never allocates; its whole state is 64 bytes.
///
/// A block must fit in your buffer: on [`Status::Partial`] the decoder reports nothing of the
/// block consumed, so keep the bytes and append. Blocks that only hold comments, `id` or
/// `retry` are yielded too: they change stream state. Runs of blank lines yield nothing.
/// Blocks are limited to 4 GiB whatever the [`Limits`].
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
    max_event_len: u32,
    /// Where the next line starts, in the unconsumed input. The current block starts at 0 if
    /// it has begun (its bytes are kept), else at `pos`.
    pos: usize,
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
            max_event_len: clamp_limit(limits.max_event_len()),
            pos: 0,
            block: BlockInfo::EMPTY,
        }
    }

    /// Forgets the current stream: the next byte starts a new one.
    pub fn reset(&mut self) {
        self.scanner.reset();
        self.pos = 0;
        self.block = BlockInfo::EMPTY;
    }

    /// Decodes the next block from `input`, the bytes not consumed yet.
    ///
    /// # Errors
    ///
    /// [`DecodeError::LineTooLong`] or [`DecodeError::EventTooLong`] once per offending event;
    /// nothing is consumed, and the next call (with the same input) skips the whole event.
    // Always inlined: the quick block's result is built in the caller's frame, not copied
    // out of a call (LLM tokens: 4 % fewer instructions; the line loop stays a call).
    #[inline(always)]
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<Decoded<RawEvent<'a>>, DecodeError> {
        if self.pos == 0 && self.block.flags == 0 && self.scanner.is_plain() {
            if let Some(done) = self.quick_event(input) {
                return Ok(done);
            }
        }
        self.decode_lines(input)
    }

    /// The commonest block at the start of `input` ([`LineScanner::data_block`]): one `data`
    /// line and a blank line right after it, or [`Status::Partial`] if the input ends inside
    /// that line. Else `None`: the line loop goes on from what was searched.
    #[inline(always)]
    fn quick_event<'a>(&mut self, input: &'a [u8]) -> Option<Decoded<RawEvent<'a>>> {
        let max = self.scanner.max_line_len().min(self.max_event_len as usize);
        match self.scanner.data_block(input, max)? {
            DataBlock::Whole { value, end, after } => {
                // Within the limits, so within `u32`.
                let info = BlockInfo {
                    first_data: Span::new(value as u32, end as u32),
                    data_len: (end - value) as u32,
                    flags: STARTED,
                    ..BlockInfo::EMPTY
                };
                Some(Decoded {
                    consumed: after,
                    status: Status::Complete(RawEvent::new(input.get(..after)?, info)),
                })
            }
            DataBlock::Open { end, .. } => {
                // Nothing to consume yet; the line loop resumes after `end`.
                self.scanner.searched(end);
                Some(Decoded {
                    consumed: 0,
                    status: Status::Partial,
                })
            }
        }
    }

    /// [`EventDecoder::decode`] line by line.
    fn decode_lines<'a>(&mut self, input: &'a [u8]) -> Result<Decoded<RawEvent<'a>>, DecodeError> {
        // `min`: a caller that breaks the contract (a shorter input) gets nonsense, not a panic.
        let mut pos = self.pos.min(input.len());
        let mut start = if self.block.started() { 0 } else { pos };
        if self.scanner.is_plain() && !self.block.discarding() {
            if let Some(done) = self.decode_plain(input, &mut pos, &mut start) {
                return done;
            }
        }
        loop {
            let scan = match self.scanner.next_line(&input[pos..]) {
                Ok(scan) => scan,
                Err(error) => {
                    // The scanner skips the line on the next call; drop the rest of the event.
                    let discarding = self.block.discarding();
                    self.discard(pos);
                    if discarding {
                        continue;
                    }
                    return Err(error);
                }
            };
            let (line_start, line_end, next) = match scan {
                Scan::Line { start, end, next } => (pos + start, pos + end, pos + next),
                Scan::Skipped { next } => {
                    pos += next;
                    start = pos;
                    continue;
                }
                Scan::Partial { consumed } => return self.partial(input, start, pos + consumed),
            };
            pos = next;
            if line_start == line_end {
                if self.block.discarding() || !self.block.started() {
                    self.block.flags &= !DISCARDING;
                    start = pos;
                    continue;
                }
                let event = RawEvent::new(&input[start..pos], self.block);
                self.pos = 0;
                self.block = BlockInfo::EMPTY;
                return Ok(Decoded {
                    consumed: pos,
                    status: Status::Complete(event),
                });
            }
            if self.block.discarding() {
                start = pos;
                continue;
            }
            if !self.block.started() {
                start = line_start;
            }
            if line_end - start > self.max_event_len as usize {
                self.discard(pos);
                return Err(self.event_too_long());
            }
            self.block
                .record(&input[line_start..line_end], line_start - start);
        }
    }

    /// The common case, with the state in registers: lines in plain state, within the limits.
    /// Returns `None` (with `pos`, `start` and the block saved) where the general loop must go
    /// on: a line over a limit. Every byte is searched once, as in the general loop.
    ///
    /// The block is a local, written back only on the way out: kept in `self`, its fields were
    /// stored one by one and then loaded as a whole into the event, a wide load over narrow
    /// stores that the CPU cannot forward (a stall per event).
    #[inline(always)]
    fn decode_plain<'a>(
        &mut self,
        input: &'a [u8],
        pos: &mut usize,
        start: &mut usize,
    ) -> Option<Result<Decoded<RawEvent<'a>>, DecodeError>> {
        let max_line = self.scanner.max_line_len();
        let max_event = self.max_event_len as usize;
        let (mut at, mut first) = (*pos, *start);
        // A block not started is empty: constants, not loads.
        let mut block = if self.block.started() {
            self.block
        } else {
            BlockInfo::EMPTY
        };
        loop {
            let rest = input.get(at..).unwrap_or_default();
            let (end, next) = match rest.first() {
                Some(b'\n') => {
                    self.scanner.saw_terminator();
                    (at, at + 1)
                }
                Some(b'\r') => {
                    self.scanner.saw_terminator();
                    (at, self.scanner.after_line_end(input, at))
                }
                _ => match self.scanner.find_end(rest) {
                    Some(len) if len <= max_line => {
                        (at + len, self.scanner.after_line_end(input, at + len))
                    }
                    None if rest.len() <= max_line => {
                        self.scanner.searched(rest.len());
                        self.block = block;
                        return Some(self.partial(input, first, at));
                    }
                    // Over the line limit: the general loop reports it.
                    _ => break,
                },
            };
            if end == at {
                if block.started() {
                    self.block = BlockInfo::EMPTY;
                    self.pos = 0;
                    return Some(Ok(Decoded {
                        consumed: next,
                        status: Status::Complete(RawEvent::new(
                            input.get(first..next).unwrap_or_default(),
                            block,
                        )),
                    }));
                }
                at = next;
                first = next;
                continue;
            }
            if !block.started() {
                first = at;
            }
            if end - first > max_event {
                // Over the event limit: the general loop reports it.
                break;
            }
            block.record(input.get(at..end).unwrap_or_default(), at - first);
            at = next;
        }
        self.block = block;
        *pos = at;
        *start = first;
        None
    }

    /// Drops the current block; decoding goes on at `pos`, skipping lines until a blank one.
    fn discard(&mut self, pos: usize) {
        self.pos = pos;
        self.block = BlockInfo::EMPTY;
        self.block.flags = DISCARDING;
    }

    /// No complete block: release what precedes it, check the limit.
    fn partial<'a>(
        &mut self,
        input: &'a [u8],
        start: usize,
        line_start: usize,
    ) -> Result<Decoded<RawEvent<'a>>, DecodeError> {
        let mut pos = line_start;
        // Bytes that may still be a BOM are no partial line.
        let partial_line = line_start < input.len() && !self.scanner.awaiting_bom();
        if self.block.discarding() {
            if partial_line {
                self.scanner.discard_line();
                pos = input.len();
            }
        } else if partial_line {
            let block_start = if self.block.started() {
                start
            } else {
                line_start
            };
            if input.len() - block_start > self.max_event_len as usize {
                self.scanner.discard_line();
                self.discard(input.len());
                return Err(self.event_too_long());
            }
        }
        let start = if self.block.started() { start } else { pos };
        self.pos = pos - start;
        Ok(Decoded {
            consumed: start,
            status: Status::Partial,
        })
    }

    fn event_too_long(&self) -> DecodeError {
        DecodeError::EventTooLong {
            limit: self.max_event_len as usize,
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
    /// Where the fields are in `block`: the accessors slice on demand, so handing a block out
    /// costs a few stores.
    info: BlockInfo,
}

impl<'a> RawEvent<'a> {
    fn new(block: &'a [u8], info: BlockInfo) -> Self {
        RawEvent { block, info }
    }

    /// The bytes a span covers (`None` for an unset span; never panics).
    #[inline]
    fn slice(&self, span: Span) -> Option<&'a [u8]> {
        span.get().and_then(|range| self.block.get(range))
    }

    /// The block's raw bytes, from its first line through its blank line.
    #[inline]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.block
    }

    /// Whether the spec dispatches an event for this block: it had at least one `data` line.
    #[inline]
    pub fn fires(&self) -> bool {
        self.info.first_data != Span::NONE
    }

    /// The value of the last `event` field, if any. An event that fires with no type, or an
    /// empty one, has the type `message`.
    #[inline]
    pub fn event_type(&self) -> Option<&'a [u8]> {
        self.slice(self.info.event_type)
    }

    /// The value of the last `id` field without NUL, if any: the stream's new last event ID
    /// (even if the block does not fire). `Some(b"")` resets it.
    #[inline]
    pub fn id(&self) -> Option<&'a [u8]> {
        self.slice(self.info.id)
    }

    /// The value of the last valid `retry` field, if any: the new reconnection time in ms.
    #[inline]
    pub fn retry(&self) -> Option<u64> {
        self.slice(self.info.retry).and_then(parse_retry)
    }

    /// How many comment lines the block held (counted on demand).
    pub fn comment_count(&self) -> usize {
        self.comments().count()
    }

    /// The comments' texts (without the colon and one leading space), in order.
    pub fn comments(&self) -> Comments<'a> {
        Comments {
            lines: BlockLines::new(if self.info.flags & COMMENTS != 0 {
                self.block
            } else {
                &[]
            }),
        }
    }

    /// How many `data` lines the block held (counted on demand when more than one).
    pub fn data_line_count(&self) -> usize {
        if !self.fires() {
            0
        } else if self.multi_data() {
            self.data_lines().count()
        } else {
            1
        }
    }

    /// The length of the data once its lines are joined with LF.
    #[inline]
    pub fn data_len(&self) -> usize {
        self.info.data_len as usize
    }

    #[inline]
    fn multi_data(&self) -> bool {
        self.info.flags & MULTI_DATA != 0
    }

    /// The data, without copying, when it is a single line (the common case).
    #[inline]
    pub fn data_single(&self) -> Option<&'a [u8]> {
        if self.multi_data() {
            return None;
        }
        self.slice(self.info.first_data)
    }

    /// The values of the `data` lines, in order.
    pub fn data_lines(&self) -> DataLines<'a> {
        DataLines {
            first: self.slice(self.info.first_data),
            rest: self.after_first_data(),
        }
    }

    /// The lines after the first data line's terminator, if there are more data lines.
    #[inline]
    fn after_first_data(&self) -> &'a [u8] {
        match self.info.first_data.get() {
            Some(first) if self.multi_data() => self.block.get(first.end + 1..).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Writes the data, lines joined with LF, to the front of `out`; returns its length.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `out` is shorter than [`RawEvent::data_len`]; nothing is written.
    pub fn copy_data_to(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let needed = self.data_len();
        let Some(mut free) = out.get_mut(..needed) else {
            return Err(BufferTooSmall { needed });
        };
        let Some(first) = self.slice(self.info.first_data) else {
            return Ok(0);
        };
        put(&mut free, first);
        // Not `data_lines`: its `next`, called per line, is not inlined here (slower).
        let mut rest = self.after_first_data();
        while let Some(value) = next_data_value(&mut rest) {
            put(&mut free, b"\n");
            put(&mut free, value);
        }
        Ok(needed - free.len())
    }
}

/// The value of the next data line in `lines` (complete lines), which it then starts after.
/// Each line ends at the next CR or LF: the LF of a CRLF, and the blank line that ends a
/// block, read as empty lines, which are skipped like every line that is not data.
#[inline(always)]
fn next_data_value<'a>(lines: &mut &'a [u8]) -> Option<&'a [u8]> {
    while let Some(end) = memchr::memchr2(b'\n', b'\r', lines) {
        let (line, rest) = lines.split_at(end);
        *lines = rest.get(1..).unwrap_or_default();
        if let Line::Data(value) = Line::parse(line) {
            return Some(value);
        }
    }
    None
}

/// Writes `bytes` to the front of `free` and drops them from it (`free` is sized to fit).
#[inline(always)]
fn put(free: &mut &mut [u8], bytes: &[u8]) {
    if let Some((dst, rest)) = core::mem::take(free).split_at_mut_checked(bytes.len()) {
        dst.copy_from_slice(bytes);
        *free = rest;
    }
}

impl fmt::Debug for RawEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawEvent")
            .field("event_type", &self.event_type().map(ByteStr))
            .field("id", &self.id().map(ByteStr))
            .field("retry", &self.retry())
            .field("data_lines", &self.data_line_count())
            .field("data_len", &self.data_len())
            .field("comments", &self.comment_count())
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
    first: Option<&'a [u8]>,
    /// The lines after the first data line.
    rest: &'a [u8],
}

impl<'a> Iterator for DataLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        self.first
            .take()
            .or_else(|| next_data_value(&mut self.rest))
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
