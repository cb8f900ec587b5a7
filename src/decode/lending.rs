//! The lending owned path: the decoder owns the input buffer and lends each item (events,
//! comments, retries) as `&str`s into its own buffers, reused from item to item, so decoding
//! allocates nothing per event once warm.

use alloc::{string::String, vec::Vec};

use super::block::EventDecoder;
use super::lent::{next_pending, Current, EventView, Pending, TextId};
use super::raw_event::RawEvent;
use super::rules;
use super::stream_state::{IdStore, StreamState};
use super::text::{push_utf8, str_at, sub_range};
use crate::{DecodeError, Decoded, Item, Limits, Status};

/// The owned tier, lending: push bytes in (or let it [read](LendingDecoder::read_from) them),
/// then take every item the stream says (events, comments, `retry` values) through one loop.
/// Each item borrows the decoder until the next call: nothing is allocated per event once the
/// buffers have grown to the stream's block size.
///
/// As the spec orders it, the bytes are decoded as UTF-8 first (invalid sequences replaced
/// with U+FFFD, a character split across pushes completed by the next one), into the
/// decoder's text buffer, once; the event tier then finds whole blocks in that text (so a
/// block must fit [`Limits::max_event_len`]; the limits count that text, which is what the
/// decoder holds: an invalid sequence of 1 to 3 bytes counts as U+FFFD's 3), read with the
/// stream state of
/// [`BlockDecoder`](super::BlockDecoder) (the last event ID, bounded by
/// [`Limits::max_id_len`], is lent from where it lies in the text, and copied into a reused
/// `String` only when the text drops those bytes). Every `&str` lent is a slice of the text
/// (joined multi-line data: of a reused `String`), never validated again.
///
/// ```
/// use sse_wire::decode::LendingDecoder;
/// use sse_wire::Item;
///
/// let mut decoder = LendingDecoder::new();
/// let mut seen = Vec::new();
/// for chunk in [&b": hi\nid: 1\nda"[..], b"ta: a\n\nretry: 9\ndata: b\n\n"] {
///     decoder.push(chunk);
///     while let Some(item) = decoder.next_item() {
///         match item? {
///             Item::Event(event) => seen.push(format!("{} {}", event.data(), event.last_event_id())),
///             Item::Comment(text) => seen.push(format!("comment {text}")),
///             Item::Retry(ms) => seen.push(format!("retry {ms}")),
///             _ => {}
///         }
///     }
/// }
/// assert_eq!(seen, ["comment hi", "a 1", "retry 9", "b 1"]);
/// # Ok::<(), sse_wire::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LendingDecoder {
    events: EventDecoder,
    state: StreamState<TextId>,
    /// The input decoded as UTF-8; `text[start..]` is not consumed yet.
    text: String,
    /// The first bytes of a character the last push ended inside.
    carry: [u8; 4],
    carry_len: u8,
    /// Reused: a push that completes a carried character.
    scratch: Vec<u8>,
    /// Reused: what [`LendingDecoder::read_from`] reads into (empty until it is called).
    #[cfg(feature = "std")]
    read_buf: Vec<u8>,
    start: usize,
    /// Bytes of this stream were consumed: its start (and BOM) is behind.
    started: bool,
    current: Option<Current>,
    pending: Pending,
    /// Reused for joined data.
    data: String,
}

impl LendingDecoder {
    /// A decoder with the default [`Limits`].
    pub const fn new() -> Self {
        Self::with_limits(Limits::new())
    }

    /// A decoder with the given limits.
    pub const fn with_limits(limits: Limits) -> Self {
        LendingDecoder {
            events: EventDecoder::with_limits(limits),
            state: StreamState {
                id: TextId::new(),
                max_id_len: limits.max_id_len(),
                reconnection_time: None,
            },
            text: String::new(),
            carry: [0; 4],
            carry_len: 0,
            scratch: Vec::new(),
            #[cfg(feature = "std")]
            read_buf: Vec::new(),
            start: 0,
            started: false,
            current: None,
            pending: Pending::Nothing,
            data: String::new(),
        }
    }

    /// The last event ID (`""` if none): send it as `Last-Event-ID` when reconnecting.
    #[inline]
    pub fn last_event_id(&self) -> &str {
        self.state.id.get(&self.text)
    }

    /// Bytes the scanner searched (the linearity tests count them).
    #[cfg(test)]
    pub(crate) fn scanned(&self) -> usize {
        self.events.scanner.scanned()
    }

    /// The capacity the text buffer holds on to.
    #[cfg(test)]
    pub(crate) fn text_capacity(&self) -> usize {
        self.text.capacity()
    }

    /// Sets the last event ID, e.g. one persisted from an earlier session.
    pub fn set_last_event_id(&mut self, id: &str) {
        self.state.id.set(id.as_bytes());
    }

    /// The reconnection time the server asked for with `retry`, in milliseconds, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.state.reconnection_time
    }

    /// Appends input. Bytes already consumed are dropped first when that costs no more than
    /// they did to decode (so the buffer's moves stay linear in the input).
    pub fn push(&mut self, bytes: &[u8]) {
        self.compact();
        if self.carry_len == 0 {
            self.carry_len = push_utf8(&mut self.text, bytes, &mut self.carry);
            return;
        }
        let mut joined = core::mem::take(&mut self.scratch);
        joined.clear();
        joined.extend_from_slice(&self.carry[..usize::from(self.carry_len)]);
        joined.extend_from_slice(bytes);
        self.carry_len = push_utf8(&mut self.text, &joined, &mut self.carry);
        self.scratch = joined;
    }

    /// Reads once from `reader` into the buffer (up to 8 KiB, or what the reader gives);
    /// returns how many bytes were read (0: the end of the input).
    ///
    /// # Errors
    ///
    /// Whatever `reader.read` returns.
    #[cfg(feature = "std")]
    pub fn read_from<R: std::io::Read + ?Sized>(
        &mut self,
        reader: &mut R,
    ) -> std::io::Result<usize> {
        const READ: usize = 8 * 1024;
        // Zeroed once, then kept at its length: a read must not pay for zeroing it again.
        let mut read_buf = core::mem::take(&mut self.read_buf);
        if read_buf.len() != READ {
            read_buf.resize(READ, 0);
        }
        let read = reader.read(&mut read_buf);
        let n = (*read.as_ref().unwrap_or(&0)).min(READ);
        self.push(read_buf.get(..n).unwrap_or_default());
        self.read_buf = read_buf;
        read
    }

    /// The stream ended (the connection closed): the unfinished event is discarded, as the
    /// spec requires, and the decoder expects a new stream. The last event ID and the
    /// reconnection time are kept. The comments and `retry` values of the unfinished block's
    /// complete lines still count (the spec processes each line as it ends): take them with
    /// [`LendingDecoder::next_item`] after this call. Call `next_item` until `None` first:
    /// items not yet taken are dropped.
    pub fn finish(&mut self) {
        self.state.id.copy_out(&self.text);
        self.current = None;
        self.pending = Pending::Nothing;
        let rest = self.text.as_bytes().get(self.start..).unwrap_or_default();
        let complete = memchr::memrchr2(b'\n', b'\r', rest).map_or(0, |last| last + 1);
        let mut tail = Vec::new();
        if complete > 0 {
            // A fresh decoder reads the complete lines as a block of their own: after a blank
            // line unless the stream's first byte is among them (its BOM is stripped then),
            // and ended with one (after a CR: a CRLF, then the blank line).
            if self.started {
                tail.push(b'\n');
            }
            tail.extend_from_slice(&rest[..complete]);
            tail.extend_from_slice(b"\n\n");
        }
        self.events.finish();
        self.started = false;
        self.start = 0;
        self.carry_len = 0;
        self.text.clear();
        if self.text.capacity() > KEEP_CAPACITY {
            self.text = String::new();
        }
        if tail.is_empty() {
            return;
        }
        let mut lines = EventDecoder::with_limits(Limits::unlimited());
        if let Ok(Decoded {
            status: Status::Complete(block),
            ..
        }) = lines.decode(&tail)
        {
            if let Some(ms) = block.retry() {
                self.state.reconnection_time = Some(ms);
            }
            if block.has_comments_or_retry() {
                let range = sub_range(&tail, block.as_bytes());
                self.current = Some(Current {
                    start: range.start,
                    end: range.end,
                    info: block.info(),
                    walk: Some(0),
                    fires: false,
                });
                self.start = tail.len();
                // Text, and a blank line: valid UTF-8.
                self.text = String::from_utf8(tail).unwrap_or_default();
            }
        }
    }

    /// The next item of the stream, lent until the next call; `None`: push more input.
    ///
    /// # Errors
    ///
    /// A [`DecodeError`] once per offending block (a limit); the next call goes on after it.
    #[inline]
    pub fn next_item(&mut self) -> Option<Result<Item<EventView<'_>, &str>, DecodeError>> {
        match self.advance() {
            Ok(true) => Some(Ok(self.take())),
            Ok(false) => None,
            Err(error) => Some(Err(error)),
        }
    }

    /// The next event, lent until the next call; `None`: push more input. Comments are
    /// skipped without being lent and `retry` values applied (see
    /// [`LendingDecoder::reconnection_time`]), so a caller that only wants events pays nothing
    /// for the keep-alives. Items [`LendingDecoder::next_item`] had still to lend are dropped.
    ///
    /// ```
    /// use sse_wire::decode::LendingDecoder;
    ///
    /// let mut decoder = LendingDecoder::new();
    /// decoder.push(b": ping\n\nretry: 9\nid: 1\ndata: a\n\n");
    /// let event = decoder.next_event().unwrap()?;
    /// assert_eq!((event.data(), event.last_event_id()), ("a", "1"));
    /// assert!(decoder.next_event().is_none());
    /// assert_eq!(decoder.reconnection_time(), Some(9));
    /// # Ok::<(), sse_wire::DecodeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`LendingDecoder::next_item`].
    #[inline]
    pub fn next_event(&mut self) -> Option<Result<EventView<'_>, DecodeError>> {
        match self.advance_to_event() {
            Ok(true) => Some(Ok(self.take_event())),
            Ok(false) => None,
            Err(error) => Some(Err(error)),
        }
    }

    /// Finds the next event to lend (without lending it), dropping the comments and retries
    /// before it: `false` if more input is needed.
    #[inline]
    pub(crate) fn advance_to_event(&mut self) -> Result<bool, DecodeError> {
        self.advance_with(false)
    }

    /// Finds the next item to lend (without lending it): `false` if more input is needed.
    #[inline]
    pub(crate) fn advance(&mut self) -> Result<bool, DecodeError> {
        self.advance_with(true)
    }

    /// [`LendingDecoder::advance`]; with `items` off, a block's comments and retries are not
    /// looked for (its retry is applied with the block).
    #[inline(always)]
    fn advance_with(&mut self, items: bool) -> Result<bool, DecodeError> {
        loop {
            match self.pending {
                Pending::Nothing => {}
                // What `next_item` had still to lend, dropped for `next_event`.
                Pending::Comment { .. } | Pending::Retry(_) if !items => {
                    self.pending = Pending::Nothing;
                }
                _ => return Ok(true),
            }
            if let Some(current) = &mut self.current {
                if !items {
                    current.walk = None;
                }
                self.pending = next_pending(self.text.as_bytes(), current);
                if matches!(self.pending, Pending::Nothing) {
                    self.current = None;
                    continue;
                }
                return Ok(true);
            }
            let input = self.text.as_bytes().get(self.start..).unwrap_or_default();
            let decoded = self.events.decode(input)?;
            self.start += decoded.consumed;
            self.started |= decoded.consumed != 0;
            let Status::Complete(block) = decoded.status else {
                return Ok(false);
            };
            // The ID is a slice of the text: where it is, not a copy.
            let text = &self.text;
            self.state.apply_with(&block, |id, bytes| {
                id.point_at(sub_range(text.as_bytes(), bytes))
            })?;
            let walk = (items && block.has_comments_or_retry()).then_some(0);
            let fires = block.fires();
            if walk.is_none() && !fires {
                continue;
            }
            let range = sub_range(self.text.as_bytes(), block.as_bytes());
            // The commonest block, an event with no comment or retry to lend first: lent
            // now, without a walk of its lines.
            let fires_at_once = walk.is_none();
            self.current = Some(Current {
                start: range.start,
                end: range.end,
                info: block.info(),
                walk,
                fires: fires && !fires_at_once,
            });
            if fires_at_once {
                self.pending = Pending::Event;
                return Ok(true);
            }
        }
    }

    /// Lends what [`LendingDecoder::advance`] found.
    #[inline]
    pub(crate) fn take(&mut self) -> Item<EventView<'_>, &str> {
        match core::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Retry(ms) => Item::Retry(ms),
            Pending::Comment { start, end } => {
                Item::Comment(self.text.get(start..end).unwrap_or_default())
            }
            Pending::Event | Pending::Nothing => Item::Event(self.lend_event()),
        }
    }

    /// Lends the event [`LendingDecoder::advance_to_event`] found.
    #[inline]
    pub(crate) fn take_event(&mut self) -> EventView<'_> {
        self.pending = Pending::Nothing;
        self.lend_event()
    }

    /// The current block's event, as an `EventSource` reports it.
    // Always inlined: it is lent from `take` and `take_event`, and a call costs the
    // event's `&str`s a trip through memory.
    #[inline(always)]
    fn lend_event(&mut self) -> EventView<'_> {
        let Some(current) = self.current.take() else {
            // `advance` found nothing: an empty event rather than a panic.
            return EventView {
                event_type: "message",
                data: "",
                last_event_id: self.last_event_id(),
            };
        };
        let text = &self.text;
        let bytes = text.as_bytes();
        let block = RawEvent::new(
            bytes.get(current.start..current.end).unwrap_or_default(),
            current.info,
        );
        let data = match block.data_single() {
            Some(single) => str_at(text, single),
            None => {
                self.data.clear();
                for (i, line) in block.data_lines().enumerate() {
                    if i > 0 {
                        self.data.push('\n');
                    }
                    self.data.push_str(str_at(text, line));
                }
                &self.data
            }
        };
        // The spec's type rule, once (`rules`): a custom type is a slice of the text.
        let event_type =
            rules::custom_type(block.event_type()).map_or("message", |name| str_at(text, name));
        EventView {
            event_type,
            data,
            last_event_id: self.last_event_id(),
        }
    }

    /// Drops consumed bytes from the front of the buffer when they are at least as many as
    /// the bytes kept (the block still being lent, the partial one), and lets a buffer a
    /// huge block grew go once it is empty.
    fn compact(&mut self) {
        let keep = self.current.map_or(self.start, |current| current.start);
        if keep == 0 || keep < self.text.len() - keep {
            return;
        }
        self.state.id.text_drops(&self.text, keep);
        // At a line's start: a character boundary.
        self.text.drain(..keep.min(self.text.len()));
        self.start -= keep;
        if let Some(current) = &mut self.current {
            current.start -= keep;
            current.end -= keep;
        }
        if let Pending::Comment { start, end } = &mut self.pending {
            *start -= keep;
            *end -= keep;
        }
        if self.text.is_empty() && self.text.capacity() > KEEP_CAPACITY {
            self.text = String::new();
        }
    }
}

impl Default for LendingDecoder {
    fn default() -> Self {
        Self::new()
    }
}

/// A buffer a huge block grew is let go once empty: a connection that once saw a big event
/// must not pin its memory forever.
const KEEP_CAPACITY: usize = 64 * 1024;
