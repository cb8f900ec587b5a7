//! The spec's interpretation of lines, shared by the stateful tiers: field buffers, the last
//! event ID, the reconnection time, dispatch, and the event-size limit.

use alloc::{string::String, sync::Arc, vec::Vec};
use core::ops::Range;

use super::scan::{clamp_limit, LineScanner, Scan};
use crate::{DecodeError, Limits, Line};

/// A dispatched event, as an `EventSource` would fire it.
///
/// `D` is the data's type: [`String`] from [`Decoder`](crate::Decoder), `bytes::Bytes` from
/// [`BytesDecoder`](crate::BytesDecoder). Data is UTF-8 in both: invalid sequences were
/// replaced with U+FFFD, as the spec requires. Every line break in the data is an LF.
///
/// The type and the last event ID are shared (`Arc<str>`) with the decoder: an event whose
/// type or ID did not change from the previous event costs no allocation for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event<D = String> {
    event_type: Option<Arc<str>>,
    data: D,
    last_event_id: Option<Arc<str>>,
}

impl<D> Event<D> {
    /// An event as a decoder would produce it (useful in tests): an empty `event_type` means
    /// `message`, an empty `last_event_id` means none.
    pub fn new(event_type: &str, data: D, last_event_id: &str) -> Self {
        Event {
            event_type: (!event_type.is_empty() && event_type != "message")
                .then(|| event_type.into()),
            data,
            last_event_id: (!last_event_id.is_empty()).then(|| last_event_id.into()),
        }
    }

    /// The event type: the last `event` field's value, or `message`.
    pub fn event_type(&self) -> &str {
        self.event_type.as_deref().unwrap_or("message")
    }

    /// The stream's last event ID when this event fired (`""` if none was ever set). As in
    /// `MessageEvent.lastEventId`, it persists across events that carry no `id`.
    pub fn last_event_id(&self) -> &str {
        self.last_event_id.as_deref().unwrap_or("")
    }

    /// The data, by value.
    pub fn into_data(self) -> D {
        self.data
    }
}

impl Event<String> {
    /// The data: `data` lines joined with LF.
    pub fn data(&self) -> &str {
        &self.data
    }
}

#[cfg(feature = "bytes")]
impl Event<bytes::Bytes> {
    /// The data: `data` lines joined with LF, always valid UTF-8.
    pub fn data(&self) -> &bytes::Bytes {
        &self.data
    }
}

/// What a stateful tier must act on. Ranges are relative to the input of [`Interpreter::step`].
#[derive(Debug)]
pub(crate) enum Step {
    /// A `data` line; `first` if it is the event's first.
    Data {
        value: Range<usize>,
        first: bool,
        /// Only the bytes tier needs it (the owned tier consumes lines in batches).
        #[cfg_attr(not(feature = "bytes"), allow(dead_code))]
        next: usize,
    },
    /// A comment line.
    Comment { text: Range<usize>, next: usize },
    /// A valid `retry` line, already applied.
    Retry { ms: u64, next: usize },
    /// A blank line ended a block with data: take the data and call [`Interpreter::dispatch`].
    Dispatch { next: usize },
    /// No complete line left.
    Partial { consumed: usize },
}

/// Applies the spec to lines. The tier owns the data buffer, in whatever form it likes.
///
/// Kept small (it is most of every stateful decoder): `u32` lengths (limits above 4 GiB act as
/// 4 GiB, as in the scanner), flag bits, one buffer for the block's `id` and `event` values.
#[derive(Debug, Clone)]
pub(crate) struct Interpreter {
    scanner: LineScanner,
    max_event_len: u32,
    /// Bytes of the current block so far, at most `u32::MAX` (then over any limit); 0 when no
    /// block has started.
    block_len: u32,
    /// `fields[..id_len]` is the block's `id` value (when [`ID_SET`]).
    id_len: u32,
    flags: u8,
    /// The block's `id` value, then its `event` value: kept across blocks, so an `id` and an
    /// `event` per event do not allocate.
    fields: Vec<u8>,
    last_event_id: Option<Arc<str>>,
    /// The last custom event type, reused while it repeats.
    last_type: Option<Arc<str>>,
    /// Valid when [`HAS_RETRY`].
    reconnection_time: u64,
}

/// An over-long event is being dropped, through its blank line.
const DISCARDING: u8 = 1;
/// The block has an `id` field.
const ID_SET: u8 = 2;
/// The block has a `data` field.
const HAS_DATA: u8 = 4;
/// A `retry` field set the reconnection time.
const HAS_RETRY: u8 = 8;

/// A length as the interpreter keeps it: at most `u32::MAX`.
fn clamp(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl Interpreter {
    pub(crate) const fn new(limits: Limits) -> Self {
        Interpreter {
            scanner: LineScanner::new(limits.max_line_len()),
            max_event_len: clamp_limit(limits.max_event_len()),
            block_len: 0,
            id_len: 0,
            flags: 0,
            fields: Vec::new(),
            last_event_id: None,
            last_type: None,
            reconnection_time: 0,
        }
    }

    #[cfg(test)]
    pub(crate) fn scanned(&self) -> usize {
        self.scanner.scanned
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

    /// The stream ended: drop the unfinished event and expect a new stream, keeping what the
    /// spec keeps across reconnections (last event ID, reconnection time).
    pub(crate) fn end_stream(&mut self) {
        self.scanner.reset();
        self.flags &= !DISCARDING;
        self.drop_block();
    }

    fn drop_block(&mut self) {
        self.block_len = 0;
        self.flags &= !(ID_SET | HAS_DATA);
        self.clear_fields();
    }

    fn clear_fields(&mut self) {
        self.id_len = 0;
        self.fields.clear();
    }

    fn event_too_long(&mut self) -> DecodeError {
        self.drop_block();
        self.flags |= DISCARDING;
        DecodeError::EventTooLong {
            limit: self.max_event_len as usize,
        }
    }

    /// Processes lines from `input`, starting at `*at`, until one needs the tier's attention:
    /// `data` lines are reported as [`Step::Data`] (the tier joins them, copying as late as
    /// it can). Comments and retries are reported only if `report` (a retry is applied either
    /// way).
    ///
    /// On `Err` the block is dropped (the tier drops its data too) and the tier keeps its
    /// position: the next call with the same input goes on after the offending line.
    #[inline]
    pub(crate) fn step(
        &mut self,
        input: &[u8],
        at: &mut usize,
        report: bool,
    ) -> Result<Step, DecodeError> {
        loop {
            let rest = &input[*at..];
            let scan = match self.scanner.next_line(rest) {
                Ok(scan) => scan,
                Err(error) => {
                    self.drop_block();
                    if self.flags & DISCARDING != 0 {
                        continue;
                    }
                    self.flags |= DISCARDING;
                    return Err(error);
                }
            };
            let (start, end, consumed) = match scan {
                Scan::Line { start, end, next } => (start, end, next),
                Scan::Skipped { next } => {
                    *at += next;
                    continue;
                }
                Scan::Partial { consumed } => return self.partial(input, at, consumed),
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
                self.take_id();
                self.clear_fields();
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
            // Values are suffixes of their line: their range follows from their length.
            let value_range = |value: &[u8]| line_at + end - value.len()..line_at + end;
            match Line::parse(line) {
                Line::Data(value) => {
                    let first = self.flags & HAS_DATA == 0;
                    self.flags |= HAS_DATA;
                    return Ok(Step::Data {
                        value: value_range(value),
                        first,
                        next,
                    });
                }
                Line::Comment(text) => {
                    if report {
                        return Ok(Step::Comment {
                            text: value_range(text),
                            next,
                        });
                    }
                }
                Line::Retry(ms) => {
                    self.reconnection_time = ms;
                    self.flags |= HAS_RETRY;
                    if report {
                        return Ok(Step::Retry { ms, next });
                    }
                }
                Line::Event(value) => {
                    self.fields.truncate(self.id_len as usize);
                    self.fields.extend_from_slice(value);
                }
                Line::Id(value) => self.set_id(value),
                Line::Blank | Line::Ignored { .. } => {}
            }
        }
    }

    /// The block's `id` value becomes `value`, before the `event` value if there is one.
    #[inline]
    fn set_id(&mut self, value: &[u8]) {
        if self.fields.len() == self.id_len as usize {
            self.fields.clear();
            self.fields.extend_from_slice(value);
        } else {
            self.replace_id(value);
        }
        // A line's length, at most the scanner's `u32` limit.
        self.id_len = clamp(value.len());
        self.flags |= ID_SET;
    }

    /// An `id` after an `event` in one block (servers send `id` first).
    #[cold]
    fn replace_id(&mut self, value: &[u8]) {
        self.fields
            .splice(..self.id_len as usize, value.iter().copied());
    }

    /// No complete line in `input[at..]`: check the event limit against the partial line.
    fn partial(
        &mut self,
        input: &[u8],
        at: &mut usize,
        consumed: usize,
    ) -> Result<Step, DecodeError> {
        let next = *at + consumed;
        // Bytes that may still be a BOM are no partial line.
        let partial_len = if self.scanner.awaiting_bom() {
            0
        } else {
            input.len() - next
        };
        let discarding = self.flags & DISCARDING != 0;
        // What the scanner consumed without completing a line (the LF of a CRLF split across
        // chunks) belongs to the block, as it does when the line completes.
        if consumed != 0 && self.block_len != 0 && !discarding {
            self.block_len = clamp(self.block_len as usize + consumed);
        }
        if partial_len > 0 && discarding {
            self.scanner.discard_line();
            return Ok(Step::Partial {
                consumed: input.len(),
            });
        }
        if partial_len > 0 {
            let block_len = if self.block_len == 0 {
                partial_len
            } else {
                self.block_len as usize + partial_len
            };
            if block_len > self.max_event_len as usize {
                self.scanner.discard_line();
                *at = input.len();
                return Err(self.event_too_long());
            }
        }
        Ok(Step::Partial { consumed: next })
    }

    /// The tier appended `len` bytes without a line end (it searched them) to the partial
    /// line left by a [`Step::Partial`]: the scanner will not search them again.
    #[inline]
    pub(crate) fn searched_on(&mut self, len: usize) {
        self.scanner.also_searched(len);
    }

    /// The tier searched `len` bytes for line ends itself (see [`LineScanner::count_search`]).
    #[inline(always)]
    pub(crate) fn count_search(&mut self, len: usize) {
        self.scanner.count_search(len);
    }

    /// After a [`Step::Partial`] that left `partial_len > 0` bytes unconsumed (a partial line):
    /// how many bytes without a line end may be appended to it before a call could do more
    /// than return `Partial` again (hit a limit). Such bytes need not be decoded as they
    /// come: the scanner searches them once the line ends.
    pub(crate) fn room(&self, partial_len: usize) -> usize {
        if self.scanner.awaiting_bom() || self.flags & DISCARDING != 0 {
            return 0;
        }
        let line = self.scanner.max_line_len().saturating_sub(partial_len);
        let event = (self.max_event_len as usize)
            .saturating_sub((self.block_len as usize).saturating_add(partial_len));
        line.min(event)
    }

    /// The block's `id` value becomes the last event ID (the spec's first dispatch step).
    /// Inlined: most blocks have no `id`, and then this is one test.
    #[inline]
    fn take_id(&mut self) {
        if self.flags & ID_SET != 0 {
            self.take_id_set();
        }
    }

    fn take_id_set(&mut self) {
        self.flags &= !ID_SET;
        let id = &self.fields[..self.id_len as usize];
        if id != self.last_event_id().as_bytes() {
            self.last_event_id = (!id.is_empty()).then(|| shared(id));
        }
    }

    /// Fires the event whose data the tier took, after a [`Step::Dispatch`].
    #[inline]
    pub(crate) fn dispatch<D>(&mut self, data: D) -> Event<D> {
        self.take_id();
        self.flags &= !HAS_DATA;
        let event_type = if self.fields.is_empty() {
            None
        } else {
            self.take_type()
        };
        Event {
            event_type,
            data,
            last_event_id: self.last_event_id.clone(),
        }
    }

    /// The block's `event` value (if not empty) as the event's type, shared while it repeats;
    /// clears the block's fields.
    fn take_type(&mut self) -> Option<Arc<str>> {
        let value = &self.fields[self.id_len as usize..];
        let event_type = if value.is_empty() || value == b"message" {
            None
        } else {
            match &self.last_type {
                Some(cached) if cached.as_bytes() == value => Some(cached.clone()),
                _ => {
                    let fresh = shared(value);
                    self.last_type = Some(fresh.clone());
                    Some(fresh)
                }
            }
        };
        self.clear_fields();
        event_type
    }
}

/// Decodes UTF-8, replacing invalid sequences with U+FFFD.
fn lossy(bytes: &[u8]) -> alloc::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// A field value as a shared string, invalid UTF-8 replaced with U+FFFD. `from_utf8` first:
/// on short valid values it is much cheaper than the lossy decoder.
fn shared(bytes: &[u8]) -> Arc<str> {
    match core::str::from_utf8(bytes) {
        Ok(text) => Arc::from(text),
        Err(_) => Arc::from(lossy(bytes)),
    }
}

/// Turns joined data bytes into a `String`, copying only if they are not valid UTF-8.
pub(crate) fn into_string(data: Vec<u8>) -> String {
    String::from_utf8(data).unwrap_or_else(|error| lossy(error.as_bytes()).into_owned())
}

/// Copies data bytes into an exactly sized `String` (one allocation, no growth), replacing
/// invalid UTF-8 with U+FFFD.
pub(crate) fn to_string(data: &[u8]) -> String {
    // Validated after the copy: the fresh allocation is word-aligned, which std's validator
    // runs fastest on.
    into_string(data.to_vec())
}
