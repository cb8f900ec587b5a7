//! The event tier: whole blank-line-terminated blocks, borrowed from the caller's buffer.

use super::raw_event::{BlockInfo, RawEvent, Span, DISCARDING, STARTED};
use super::scan::{clamp_limit, DataBlock, LineScanner, Scan};
use crate::{DecodeError, Decoded, Limits, Status};

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
/// use sse_wire::decode::EventDecoder;
/// use sse_wire::Status;
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

    /// The stream ended: the unfinished block is discarded and the next byte starts a new
    /// stream (a BOM is stripped again). Drop your buffer's unconsumed bytes too.
    pub fn finish(&mut self) {
        self.reset_stream();
    }

    /// Forgets the current stream: the next byte starts a new one.
    #[deprecated(since = "0.1.1", note = "renamed `finish`, the name every tier uses")]
    pub fn reset(&mut self) {
        self.reset_stream();
    }

    fn reset_stream(&mut self) {
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
