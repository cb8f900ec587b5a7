//! A block of the event tier: where its fields are ([`BlockInfo`], built line by line) and
//! the borrowed view of it the tier yields ([`RawEvent`]).

use core::fmt;

use super::field::{parse_retry, Line};
use super::rules::{self, BlockFields};
use super::scan::BlockLines;
use crate::BufferTooSmall;

/// A byte range relative to the start of the current block (blocks are limited to 4 GiB):
/// `start` in the low 32 bits, `end` in the high ones. One `u64`, not two `u32`s, so the
/// decoder's block state fits in fewer registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span(u64);

impl Span {
    pub(super) const NONE: Span = Span(u64::MAX);

    #[inline]
    pub(super) fn new(start: u32, end: u32) -> Span {
        Span(u64::from(start) | u64::from(end) << 32)
    }

    #[inline]
    fn get(self) -> Option<core::ops::Range<usize>> {
        (self != Span::NONE).then_some(self.0 as u32 as usize..(self.0 >> 32) as usize)
    }
}

/// The block has a non-blank line.
pub(super) const STARTED: u32 = 1;
/// The block has more than one `data` line.
const MULTI_DATA: u32 = 2;
/// The block has a comment.
const COMMENTS: u32 = 4;
/// An over-long event is being dropped, through its blank line.
pub(super) const DISCARDING: u32 = 8;

/// What the event decoder has learned about the block so far (offsets from its start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BlockInfo {
    pub(super) event_type: Span,
    pub(super) id: Span,
    /// The last valid `retry` value (parsed again when the block completes).
    pub(super) retry: Span,
    pub(super) first_data: Span,
    /// The data's length once joined (fits: at most the block's length).
    pub(super) data_len: u32,
    /// `u32`, not `u8`: no padding, which the compiler copied byte by byte with every event.
    pub(super) flags: u32,
}

impl BlockInfo {
    pub(super) const EMPTY: BlockInfo = BlockInfo {
        event_type: Span::NONE,
        id: Span::NONE,
        retry: Span::NONE,
        first_data: Span::NONE,
        data_len: 0,
        flags: 0,
    };

    pub(super) fn started(&self) -> bool {
        self.flags & STARTED != 0
    }

    pub(super) fn discarding(&self) -> bool {
        self.flags & DISCARDING != 0
    }

    /// Notes what a non-blank line at `line_start` (block-relative, within the limit, so it
    /// fits `u32`) contributes, by the spec's field rules ([`rules::apply`]).
    #[inline(always)]
    pub(super) fn record(&mut self, line: &[u8], line_start: usize) {
        self.flags |= STARTED;
        let line_end = (line_start + line.len()) as u32;
        rules::apply(
            &mut Recorder {
                block: self,
                line_end,
            },
            line,
        );
    }
}

/// The event tier's form of a block's fields: where their values are. Values are suffixes of
/// their line, so a span follows from a value's length.
struct Recorder<'a> {
    block: &'a mut BlockInfo,
    line_end: u32,
}

impl Recorder<'_> {
    #[inline(always)]
    fn span(&self, value: &[u8]) -> Span {
        Span::new(self.line_end - value.len() as u32, self.line_end)
    }
}

impl BlockFields for Recorder<'_> {
    type Out = ();

    #[inline(always)]
    fn has_data(&self) -> bool {
        self.block.first_data != Span::NONE
    }

    #[inline(always)]
    fn data(&mut self, value: &[u8], first: bool) -> Option<()> {
        if first {
            self.block.first_data = self.span(value);
            self.block.data_len = value.len() as u32;
        } else {
            self.block.flags |= MULTI_DATA;
            self.block.data_len += 1 + value.len() as u32;
        }
        None
    }

    #[inline(always)]
    fn event_type(&mut self, value: &[u8]) {
        self.block.event_type = self.span(value);
    }

    #[inline(always)]
    fn id(&mut self, value: &[u8]) {
        self.block.id = self.span(value);
    }

    #[inline(always)]
    fn retry(&mut self, _ms: u64, digits: &[u8]) -> Option<()> {
        self.block.retry = self.span(digits);
        None
    }

    #[inline(always)]
    fn comment(&mut self, _text: &[u8]) -> Option<()> {
        self.block.flags |= COMMENTS;
        None
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
    pub(super) fn new(block: &'a [u8], info: BlockInfo) -> Self {
        RawEvent { block, info }
    }

    /// Whether the block holds a comment or a valid `retry` line: lines a tier that reports
    /// them in order must walk.
    #[cfg(feature = "alloc")]
    #[inline]
    pub(super) fn has_comments_or_retry(&self) -> bool {
        self.info.flags & COMMENTS != 0 || self.info.retry != Span::NONE
    }

    /// What the decoder learned of the block, to rebuild the view later.
    #[cfg(feature = "alloc")]
    #[inline]
    pub(super) fn info(&self) -> BlockInfo {
        self.info
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

    /// The type an `EventSource` gives this block's event: the last `event` value, or
    /// `message` when there is none or it is empty (the spec's rule; one place for it).
    #[inline]
    pub fn event_type_or_message(&self) -> &'a [u8] {
        rules::type_name(self.event_type())
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

    /// Appends the data, lines joined with LF, to `out` (grown once, to fit: no buffer to size
    /// first, as [`RawEvent::copy_data_to`] needs); returns its length.
    ///
    /// ```
    /// use sse_wire::decode::EventDecoder;
    /// use sse_wire::Status;
    ///
    /// let mut decoder = EventDecoder::new();
    /// let Status::Complete(event) = decoder.decode(b"data: a\ndata: b\n\n")?.status else {
    ///     panic!("complete")
    /// };
    /// let mut data = Vec::new();
    /// assert_eq!(event.append_data_to(&mut data), 3);
    /// assert_eq!(data, b"a\nb");
    /// # Ok::<(), sse_wire::DecodeError>(())
    /// ```
    #[cfg(feature = "alloc")]
    pub fn append_data_to(&self, out: &mut alloc::vec::Vec<u8>) -> usize {
        let start = out.len();
        // Grown then written in place: a push per line (a capacity check and a copy call
        // each) cost more than the fill.
        out.resize(start + self.data_len(), 0);
        let written = out
            .get_mut(start..)
            .and_then(|free| self.copy_data_to(free).ok())
            .unwrap_or(0);
        out.truncate(start + written);
        written
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
