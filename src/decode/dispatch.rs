//! The spec's interpretation of lines, shared by the stateful tiers: field buffers, the last
//! event ID, the reconnection time, dispatch, and the event-size limit.

use alloc::sync::Arc;
use core::ops::Range;

use super::event::{shared, Event};
use super::rules::{self, BlockFields};
use super::scan::{clamp_limit, DataBlock, LineScanner, Scan};
use crate::{DecodeError, Limits};

/// What a stateful tier must act on. Ranges are relative to the input of [`Interpreter::step`].
#[derive(Debug)]
pub(crate) enum Step {
    /// A complete `data` line; `first` if it is the block's first.
    Data {
        value: Range<usize>,
        first: bool,
        /// Only the bytes tier needs it (the owned tier consumes lines in batches).
        #[cfg_attr(not(feature = "bytes"), allow(dead_code))]
        next: usize,
    },
    /// A piece of a `data` line streamed as it arrives (only if the tier asked for streaming):
    /// append `value`, after an LF if the line `starts` and is not the block's `first`. The line
    /// ended with this piece if `next` is set (where the next line starts); else all the input
    /// was consumed.
    Piece {
        value: Range<usize>,
        starts: bool,
        first: bool,
        next: Option<usize>,
    },
    /// A comment line.
    Comment { text: Range<usize>, next: usize },
    /// A valid `retry` line, already applied.
    Retry { ms: u64, next: usize },
    /// A blank line ended a block with data: take the data and call [`Interpreter::dispatch`].
    Dispatch { next: usize },
    /// The block's only `data` line and the blank line that ends it, right after it (the shape
    /// of most streamed events): `value` is the data; call [`Interpreter::dispatch`].
    Event { value: Range<usize>, next: usize },
    /// No complete line left.
    Partial { consumed: usize },
}

/// What [`Interpreter::single_data_event`] took at a block's start.
#[derive(Debug)]
pub(crate) enum Quick {
    /// A whole one-line event: the value's range, and where the next line starts.
    Event(Range<usize>, usize),
    /// The block's first line is a `data` line the input ends inside: the value's range (to
    /// the input's end, all consumed); the line is being streamed.
    Streaming(Range<usize>),
}

/// Applies the spec to lines. The tier owns the data buffer, in whatever form it likes.
///
/// Kept small (it is most of every stateful decoder): `u32` lengths (limits above 4 GiB act as
/// 4 GiB, as in the scanner), flag bits, and the field values as the shared strings events
/// carry: an `event` or `id` that repeats costs no allocation, and a new one costs the one
/// its events need anyway.
#[derive(Debug, Clone)]
pub(crate) struct Interpreter {
    pub(super) scanner: LineScanner,
    pub(super) max_event_len: u32,
    /// Bytes of the current block so far, at most `u32::MAX` (then over any limit); 0 when no
    /// block has started.
    pub(super) block_len: u32,
    /// Bytes of the `data` line being streamed so far, its name included (when [`IN_DATA`]).
    pub(super) line_len: u32,
    /// For the tier: how big the last data it handed over whole was, so that the next huge
    /// event's buffer is reserved at once, not grown (kept here, where the state has room).
    pub(super) reserve_hint: u32,
    pub(super) flags: u8,
    /// The last custom event type: the block's type while [`TYPE_SET`], and the one reused
    /// while it repeats.
    pub(super) event_type: Option<Arc<str>>,
    /// The block's `id` value (when [`ID_SET`]; `None`: empty).
    pub(super) id: Option<Arc<str>>,
    pub(super) last_event_id: Option<Arc<str>>,
    /// Valid when [`HAS_RETRY`].
    pub(super) reconnection_time: u64,
}

/// An over-long event is being dropped, through its blank line.
pub(super) const DISCARDING: u8 = 1;
/// The block has an `id` field.
pub(super) const ID_SET: u8 = 2;
/// The block has a `data` field.
pub(super) const HAS_DATA: u8 = 4;
/// A `retry` field set the reconnection time.
pub(super) const HAS_RETRY: u8 = 8;
/// The block has an `event` field with a custom type (in `event_type`).
pub(super) const TYPE_SET: u8 = 16;
/// A `data` line is being streamed: the input continues its value.
pub(super) const IN_DATA: u8 = 32;

/// A length as the interpreter keeps it: at most `u32::MAX`.
pub(super) fn clamp(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Interpreter {
    pub(crate) const fn new(limits: Limits) -> Self {
        Interpreter {
            scanner: LineScanner::new(limits.max_line_len()),
            max_event_len: clamp_limit(limits.max_event_len()),
            block_len: 0,
            line_len: 0,
            reserve_hint: 0,
            flags: 0,
            event_type: None,
            id: None,
            last_event_id: None,
            reconnection_time: 0,
        }
    }

    #[cfg(test)]
    pub(crate) fn scanned(&self) -> usize {
        self.scanner.scanned()
    }

    pub(crate) fn last_event_id(&self) -> &str {
        self.last_event_id.as_deref().unwrap_or("")
    }

    pub(crate) fn set_last_event_id(&mut self, id: &str) {
        self.last_event_id = (!id.is_empty()).then(|| id.into());
    }

    pub(crate) fn reconnection_time(&self) -> Option<u64> {
        (self.flags & HAS_RETRY != 0).then_some(self.reconnection_time)
    }

    /// Whether the block's blank line would do something (fire its `data`, or make its `id`
    /// the last event ID) or a `data` line is being streamed: ending the stream now would
    /// discard an unfinished event. (`event` alone fires nothing; comments, `retry` and
    /// ignored fields start no event.)
    pub(crate) fn in_event(&self) -> bool {
        self.flags & (HAS_DATA | ID_SET | IN_DATA) != 0
    }

    /// The stream ended: drop the unfinished event and expect a new stream, keeping what the
    /// spec keeps across reconnections (last event ID, reconnection time).
    pub(crate) fn end_stream(&mut self) {
        self.scanner.reset();
        self.flags &= !(DISCARDING | IN_DATA);
        self.drop_block();
    }

    fn drop_block(&mut self) {
        self.block_len = 0;
        self.flags &= !(ID_SET | HAS_DATA | TYPE_SET);
        self.id = None;
    }

    /// Drops the block for a limit it broke; lines are skipped through the next blank line.
    pub(super) fn offended(&mut self, error: DecodeError) -> DecodeError {
        self.drop_block();
        self.flags |= DISCARDING;
        error
    }

    pub(super) fn event_too_long(&mut self) -> DecodeError {
        self.offended(DecodeError::EventTooLong {
            limit: self.max_event_len as usize,
        })
    }

    /// Processes lines from `input`, starting at `*at`, until one needs the tier's attention:
    /// `data` lines are reported as [`Step::Data`] (the tier joins them, copying as late as
    /// it can), or, if `stream`, a `data` line the input holds only part of as
    /// [`Step::Piece`]s (consumed as they come: the tier keeps no partial data line). Comments
    /// and retries are reported only if `report` (a retry is applied either way).
    ///
    /// On `Err` the block is dropped (the tier drops its data too) and the tier keeps its
    /// position: the next call with the same input goes on after the offending line.
    #[inline(always)]
    pub(crate) fn step(
        &mut self,
        input: &[u8],
        at: &mut usize,
        report: bool,
        stream: bool,
    ) -> Result<Step, DecodeError> {
        if self.flags & IN_DATA != 0 {
            if let Some(step) = self.piece(input, at, false)? {
                return Ok(step);
            }
        }
        loop {
            let rest = &input[*at..];
            if self.block_len == 0 {
                let line_at = *at;
                let shift = |range: Range<usize>| line_at + range.start..line_at + range.end;
                match self.single_data_event(rest, stream) {
                    Some(Quick::Event(value, next)) => {
                        *at += next;
                        return Ok(Step::Event {
                            value: shift(value),
                            next: *at,
                        });
                    }
                    Some(Quick::Streaming(value)) => {
                        *at = input.len();
                        return Ok(Step::Piece {
                            value: shift(value),
                            starts: true,
                            first: true,
                            next: None,
                        });
                    }
                    None => {}
                }
            }
            let scan = match self.scanner.next_line(rest) {
                Ok(scan) => scan,
                Err(error) => {
                    if self.flags & DISCARDING != 0 {
                        continue;
                    }
                    return Err(self.offended(error));
                }
            };
            let (start, end, consumed) = match scan {
                Scan::Line { start, end, next } => (start, end, next),
                Scan::Skipped { next } => {
                    *at += next;
                    continue;
                }
                Scan::Partial { consumed } => return self.partial(input, at, consumed, stream),
            };
            let line_at = *at;
            let next = line_at + consumed;
            *at = next;
            if self.flags & DISCARDING != 0 {
                if start == end {
                    self.flags &= !DISCARDING;
                }
                continue;
            }
            if start == end {
                self.block_len = 0;
                if self.flags & HAS_DATA != 0 {
                    return Ok(Step::Dispatch { next });
                }
                // Nothing fires, but the ID buffer still becomes the last event ID.
                self.end_block();
                continue;
            }
            let block_len = self.block_len as usize;
            // A block starts with its first line's content (after a BOM or an LF the scanner
            // skipped); later lines count from the block's start.
            let begin = if block_len == 0 { start } else { 0 };
            let (line_end, block_len) = (block_len + end - begin, block_len + consumed - begin);
            if line_end > self.max_event_len as usize {
                return Err(self.event_too_long());
            }
            self.block_len = clamp(block_len);
            let line = &rest[start..end];
            let mut fields = LineFields {
                interpreter: self,
                input,
                line_end: line_at + end,
                next,
                report,
            };
            if let Some(step) = rules::apply(&mut fields, line) {
                return Ok(step);
            }
        }
    }

    /// The tier searched `len` bytes for line ends itself (see [`LineScanner::count_search`]).
    #[inline(always)]
    pub(crate) fn count_search(&mut self, len: usize) {
        self.scanner.count_search(len);
    }

    /// The first `len` bytes of the partial line the tier keeps (and will hand back, longer)
    /// hold no line end: the scanner searches on after them.
    #[inline]
    pub(crate) fn searched(&mut self, len: usize) {
        self.scanner.searched(len);
    }

    /// The size of the tier's last huge data (see [`Interpreter::set_reserve_hint`]), once.
    #[inline]
    pub(crate) fn take_reserve_hint(&mut self) -> usize {
        core::mem::take(&mut self.reserve_hint) as usize
    }

    /// The tier handed over data of `len` bytes whole (0: it copied the data out).
    #[inline]
    pub(crate) fn set_reserve_hint(&mut self, len: usize) {
        self.reserve_hint = clamp(len);
    }

    /// The first line end in `haystack`, for a tier's fast path (counted in tests).
    #[inline(always)]
    pub(crate) fn find_end(&mut self, haystack: &[u8]) -> Option<usize> {
        self.scanner.find_end(haystack)
    }

    /// The commonest event whole, if `input` starts with it at a block's start in the plain
    /// state: one `data` line and the blank line right after it ([`Quick::Event`]: the event
    /// is the tier's to fire with [`Interpreter::dispatch`]). If `stream` and the input ends
    /// inside that line, its streaming starts ([`Quick::Streaming`]). Else `None`, having only
    /// told the scanner what it searched: [`Interpreter::step`] goes on from there, so no byte
    /// is searched twice.
    #[inline(always)]
    pub(crate) fn single_data_event(&mut self, input: &[u8], stream: bool) -> Option<Quick> {
        // (A failed attempt leaves the scanner resuming: not plain, so the next one is cheap.)
        if self.block_len != 0
            || self.flags & (DISCARDING | IN_DATA | HAS_DATA) != 0
            || !self.scanner.is_plain()
        {
            return None;
        }
        let max = self.scanner.max_line_len().min(self.max_event_len as usize);
        match self.scanner.data_block(input, max)? {
            DataBlock::Whole { value, end, after } => {
                self.flags |= HAS_DATA;
                Some(Quick::Event(value..end, after))
            }
            DataBlock::Open { value, end } if stream => {
                // All searched, all the line's: consumed, and streamed on from here.
                self.flags |= HAS_DATA | IN_DATA;
                // Within the limits, so within `u32`.
                self.line_len = end as u32;
                self.block_len = end as u32;
                Some(Quick::Streaming(value..end))
            }
            DataBlock::Open { end, .. } => {
                self.scanner.searched(end);
                None
            }
        }
    }

    /// The block's `event` value: its type if custom (shared while it repeats).
    fn set_type(&mut self, value: &[u8]) {
        let Some(value) = rules::custom_type(Some(value)) else {
            self.flags &= !TYPE_SET;
            return;
        };
        if self.event_type.as_deref().map(str::as_bytes) != Some(value) {
            self.event_type = Some(shared(value));
        }
        self.flags |= TYPE_SET;
    }

    /// The block's `id` value (shared with the last event ID while it repeats).
    fn set_id(&mut self, value: &[u8]) {
        self.id = if value.is_empty() {
            None
        } else if self.last_event_id.as_deref().map(str::as_bytes) == Some(value) {
            self.last_event_id.clone()
        } else if self.id.as_deref().map(str::as_bytes) == Some(value) {
            self.id.take()
        } else {
            Some(shared(value))
        };
        self.flags |= ID_SET;
    }

    /// The block ended (its blank line): its `id` becomes the last event ID (the spec's first
    /// dispatch step, taken even when nothing fires) and its type is forgotten.
    #[inline(always)]
    fn end_block(&mut self) {
        if self.flags & ID_SET != 0 {
            self.last_event_id = self.id.take();
        }
        self.flags &= !(ID_SET | TYPE_SET);
    }

    /// Fires the event whose data the tier took, after a [`Step::Dispatch`] or [`Step::Event`].
    #[inline(always)]
    pub(crate) fn dispatch<D>(&mut self, data: D) -> Event<D> {
        let event_type = if self.flags & TYPE_SET != 0 {
            self.event_type.clone()
        } else {
            None
        };
        self.end_block();
        self.flags &= !HAS_DATA;
        Event {
            event_type,
            data,
            last_event_id: self.last_event_id.clone(),
        }
    }
}

/// The interpreter's form of a block's fields, for the line it is at: the type and ID as shared
/// strings, the data handed to the tier line by line ([`Step::Data`]), the reconnection time
/// set at once.
struct LineFields<'a, 'i> {
    interpreter: &'a mut Interpreter,
    input: &'i [u8],
    /// Where the line's content ends in `input` (its values end there too).
    line_end: usize,
    /// Where the next line starts in `input`.
    next: usize,
    report: bool,
}

impl LineFields<'_, '_> {
    #[inline(always)]
    fn range(&self, value: &[u8]) -> Range<usize> {
        self.line_end - value.len()..self.line_end
    }
}

impl BlockFields for LineFields<'_, '_> {
    type Out = Step;

    #[inline(always)]
    fn has_data(&self) -> bool {
        self.interpreter.flags & HAS_DATA != 0
    }

    #[inline(always)]
    fn data(&mut self, value: &[u8], first: bool) -> Option<Step> {
        let (value, next) = (self.range(value), self.next);
        let interpreter = &mut *self.interpreter;
        interpreter.flags |= HAS_DATA;
        // A block's only `data` line, right before its blank line: the event, whole.
        if first && interpreter.scanner.is_plain() {
            if let Some(next) = interpreter.scanner.blank_line_at(self.input, next) {
                interpreter.block_len = 0;
                return Some(Step::Event { value, next });
            }
        }
        Some(Step::Data { value, first, next })
    }

    #[inline(always)]
    fn event_type(&mut self, value: &[u8]) {
        self.interpreter.set_type(value);
    }

    #[inline(always)]
    fn id(&mut self, value: &[u8]) {
        self.interpreter.set_id(value);
    }

    #[inline(always)]
    fn retry(&mut self, ms: u64, _digits: &[u8]) -> Option<Step> {
        self.interpreter.reconnection_time = ms;
        self.interpreter.flags |= HAS_RETRY;
        self.report.then_some(Step::Retry {
            ms,
            next: self.next,
        })
    }

    #[inline(always)]
    fn comment(&mut self, text: &[u8]) -> Option<Step> {
        self.report.then(|| Step::Comment {
            text: self.range(text),
            next: self.next,
        })
    }
}
