//! The stream state the spec keeps across blocks (the last event ID, the reconnection time),
//! applied to the event tier's blocks, for the tiers built on it: [`BlockDecoder`] (its ID
//! in a fixed inline buffer) and the lending decoder (its ID in a reused `String`).
//!
//! The rules, once: a block's `id` (already without NUL, [`Line::parse`](crate::Line::parse))
//! becomes the last event ID whether or not the block fires; its last valid `retry` becomes
//! the reconnection time; an event fires when the block had data, typed
//! [`RawEvent::event_type_or_message`].

use core::fmt;

use super::block::EventDecoder;
use super::raw_event::{Comments, DataLines, RawEvent};
use crate::{BufferTooSmall, DecodeError, Decoded, Limits, Status};

/// Where a tier keeps the last event ID.
pub(crate) trait IdStore {
    /// Replaces the ID with `id`, which the caller checked is within the limit.
    fn set(&mut self, id: &[u8]);
}

/// The stream state of one connection's blocks: the last event ID (in `I`) and the
/// reconnection time.
#[derive(Debug, Clone)]
pub(crate) struct StreamState<I> {
    pub(crate) id: I,
    pub(crate) max_id_len: usize,
    pub(crate) reconnection_time: Option<u64>,
}

impl<I: IdStore> StreamState<I> {
    /// Applies what `block` says to the state that persists across blocks.
    ///
    /// # Errors
    ///
    /// [`DecodeError::IdTooLong`] if its `id` is over the limit; the state is unchanged.
    #[inline(always)]
    pub(crate) fn apply(&mut self, block: &RawEvent<'_>) -> Result<(), DecodeError> {
        self.apply_with(block, I::set)
    }
}

impl<I> StreamState<I> {
    /// [`StreamState::apply`], storing the ID with `set` (a tier that knows more about the
    /// bytes than [`IdStore::set`] does: the lending decoder's are UTF-8 already).
    #[inline(always)]
    pub(crate) fn apply_with(
        &mut self,
        block: &RawEvent<'_>,
        set: impl FnOnce(&mut I, &[u8]),
    ) -> Result<(), DecodeError> {
        if let Some(id) = block.id() {
            if id.len() > self.max_id_len {
                return Err(DecodeError::IdTooLong {
                    limit: self.max_id_len,
                });
            }
            set(&mut self.id, id);
        }
        if let Some(ms) = block.retry() {
            self.reconnection_time = Some(ms);
        }
        Ok(())
    }
}

/// The last event ID in a fixed inline buffer (no allocator).
#[derive(Clone)]
pub(crate) struct InlineId {
    len: u16,
    bytes: [u8; BlockDecoder::ID_CAPACITY],
}

impl InlineId {
    const EMPTY: InlineId = InlineId {
        len: 0,
        bytes: [0; BlockDecoder::ID_CAPACITY],
    };

    #[inline]
    fn get(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl IdStore for InlineId {
    #[inline(always)]
    fn set(&mut self, id: &[u8]) {
        // Within the limit, which is at most the capacity.
        if let Some(to) = self.bytes.get_mut(..id.len()) {
            copy_short(to, id);
            self.len = id.len() as u16;
        }
    }
}

/// `to.copy_from_slice(from)` (same lengths) without a call for up to 16 bytes, the IDs most
/// streams carry (a sequence number, a timestamp): two overlapping word copies, or three
/// byte copies. A call into `memcpy` cost more than the rest of the ID's handling.
#[inline(always)]
fn copy_short(to: &mut [u8], from: &[u8]) {
    fn words<const N: usize>(to: &mut [u8], from: &[u8]) {
        if let (Some(head), Some(src)) = (to.first_chunk_mut::<N>(), from.first_chunk::<N>()) {
            *head = *src;
        }
        if let (Some(tail), Some(src)) = (to.last_chunk_mut::<N>(), from.last_chunk::<N>()) {
            *tail = *src;
        }
    }
    let len = from.len();
    if len != to.len() {
        return;
    }
    match len {
        0 => {}
        1..=3 => {
            for i in [0, len / 2, len - 1] {
                if let (Some(to), Some(&from)) = (to.get_mut(i), from.get(i)) {
                    *to = from;
                }
            }
        }
        4..=7 => words::<4>(to, from),
        8..=16 => words::<8>(to, from),
        _ => to.copy_from_slice(from),
    }
}

impl fmt::Debug for InlineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.get().escape_ascii())
    }
}

/// The block tier: the event tier's blocks with the stream state an `EventSource` keeps, so
/// you read each block as the browser would report it: the event's type (`message` for a
/// missing or empty `event`), its data, and the last event ID, which persists across blocks
/// (also those that fire nothing) and is the one to send as `Last-Event-ID` on reconnecting.
///
/// Never allocates; `no_std`. The last event ID lives in an inline buffer of
/// [`BlockDecoder::ID_CAPACITY`] bytes, bounded by [`Limits::max_id_len`]. **An `id` that does
/// not fit** is a limit violation like an over-long line: one [`DecodeError::IdTooLong`], the
/// block holding it is dropped whole (it fires nothing, changes neither the last event ID nor
/// the reconnection time), and decoding goes on after it. (Truncating the ID would make the
/// server resume from the wrong event; keeping the old one silently would hide it.)
///
/// Same contract as every tier: a block must fit in your buffer, and nothing of it is
/// consumed until it is complete.
///
/// ```
/// use sse_wire::decode::BlockDecoder;
/// use sse_wire::Status;
///
/// let mut decoder = BlockDecoder::new();
/// let mut input: &[u8] = b"id: 7\nevent:\ndata: a\n\nid: 8\n\ndata: b\n\n";
/// let mut seen = Vec::new();
/// loop {
///     let decoded = decoder.decode(input)?;
///     input = &input[decoded.consumed..];
///     let Status::Complete(block) = decoded.status else { break };
///     if let Some(data) = block.data_single() {
///         // The block borrows the decoder (the ID): copy what you keep.
///         let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
///         seen.push((text(block.event_type()), text(data), text(block.last_event_id())));
///     }
/// }
/// // The empty `event` types `message`; the ID persists through the block that fired nothing.
/// let seen: Vec<(&str, &str, &str)> =
///     seen.iter().map(|(t, d, id)| (t.as_str(), d.as_str(), id.as_str())).collect();
/// assert_eq!(seen, [("message", "a", "7"), ("message", "b", "8")]);
/// # Ok::<(), sse_wire::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BlockDecoder {
    events: EventDecoder,
    state: StreamState<InlineId>,
    /// Bytes of the unconsumed input that belong to a block dropped for its ID: skipped first.
    skip: usize,
}

impl BlockDecoder {
    /// The most bytes of last event ID the inline buffer holds.
    pub const ID_CAPACITY: usize = 256;

    /// A decoder with the default [`Limits`].
    pub const fn new() -> Self {
        Self::with_limits(Limits::new())
    }

    /// A decoder with the given limits ([`Limits::max_id_len`] at most
    /// [`BlockDecoder::ID_CAPACITY`]).
    pub const fn with_limits(limits: Limits) -> Self {
        let max_id_len = if limits.max_id_len() < Self::ID_CAPACITY {
            limits.max_id_len()
        } else {
            Self::ID_CAPACITY
        };
        BlockDecoder {
            events: EventDecoder::with_limits(limits),
            state: StreamState {
                id: InlineId::EMPTY,
                max_id_len,
                reconnection_time: None,
            },
            skip: 0,
        }
    }

    /// The last event ID (empty if none): send it as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> &[u8] {
        self.state.id.get()
    }

    /// Sets the last event ID, e.g. one persisted from an earlier session.
    ///
    /// # Errors
    ///
    /// [`DecodeError::IdTooLong`] if `id` is over the ID limit; the ID is unchanged.
    pub fn set_last_event_id(&mut self, id: &[u8]) -> Result<(), DecodeError> {
        if id.len() > self.state.max_id_len {
            return Err(DecodeError::IdTooLong {
                limit: self.state.max_id_len,
            });
        }
        self.state.id.set(id);
        Ok(())
    }

    /// The reconnection time the server asked for with `retry`, in milliseconds, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.state.reconnection_time
    }

    /// The stream ended: the unfinished block is discarded, as the spec requires, and the
    /// decoder expects a new stream (a BOM is stripped again). The last event ID and the
    /// reconnection time are kept, as an `EventSource` keeps them across reconnects. Drop your
    /// buffer's unconsumed bytes too.
    pub fn finish(&mut self) {
        self.events.finish();
        self.skip = 0;
    }

    /// Decodes the next block from `input`, the bytes not consumed yet.
    ///
    /// # Errors
    ///
    /// [`DecodeError::LineTooLong`], [`DecodeError::EventTooLong`] or
    /// [`DecodeError::IdTooLong`] once per offending block; nothing is consumed, and the next
    /// call (with the same input) goes on after it.
    #[inline(always)]
    pub fn decode<'a>(&'a mut self, input: &'a [u8]) -> Result<Decoded<Block<'a>>, DecodeError> {
        let skip = core::mem::take(&mut self.skip).min(input.len());
        let decoded = self.events.decode(&input[skip..])?;
        let consumed = skip + decoded.consumed;
        let raw = match decoded.status {
            Status::Complete(raw) => raw,
            Status::Partial => {
                return Ok(Decoded {
                    consumed,
                    status: Status::Partial,
                })
            }
        };
        if let Err(error) = self.state.apply(&raw) {
            // Reported with nothing consumed; the next call skips the block.
            self.skip = consumed;
            return Err(error);
        }
        Ok(Decoded {
            consumed,
            status: Status::Complete(Block {
                raw,
                last_event_id: self.state.id.get(),
            }),
        })
    }
}

impl Default for BlockDecoder {
    fn default() -> Self {
        Self::new()
    }
}

/// One block as an `EventSource` would report it: see [`BlockDecoder`]. Borrows your buffer
/// (the block) and the decoder (the last event ID).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Block<'a> {
    raw: RawEvent<'a>,
    last_event_id: &'a [u8],
}

impl<'a> Block<'a> {
    /// Whether an event fires for this block (it had at least one `data` line).
    #[inline]
    pub fn fires(&self) -> bool {
        self.raw.fires()
    }

    /// The event's type: the last `event` value, or `message` if there was none or it was
    /// empty.
    #[inline]
    pub fn event_type(&self) -> &'a [u8] {
        self.raw.event_type_or_message()
    }

    /// The stream's last event ID after this block (empty if none): this block's `id` if it
    /// had one, else the one before, as `MessageEvent.lastEventId` reports it.
    #[inline]
    pub fn last_event_id(&self) -> &'a [u8] {
        self.last_event_id
    }

    /// The block's last valid `retry` value, if any (already applied: see
    /// [`BlockDecoder::reconnection_time`]).
    #[inline]
    pub fn retry(&self) -> Option<u64> {
        self.raw.retry()
    }

    /// The data, without copying, when it is a single line (the common case).
    #[inline]
    pub fn data_single(&self) -> Option<&'a [u8]> {
        self.raw.data_single()
    }

    /// The values of the `data` lines, in order.
    pub fn data_lines(&self) -> DataLines<'a> {
        self.raw.data_lines()
    }

    /// The length of the data once its lines are joined with LF.
    #[inline]
    pub fn data_len(&self) -> usize {
        self.raw.data_len()
    }

    /// Writes the data, lines joined with LF, to the front of `out`; returns its length.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `out` is shorter than [`Block::data_len`]; nothing is written.
    pub fn copy_data_to(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        self.raw.copy_data_to(out)
    }

    /// Appends the data, lines joined with LF, to `out`; returns its length (see
    /// [`RawEvent::append_data_to`]).
    #[cfg(feature = "alloc")]
    pub fn append_data_to(&self, out: &mut alloc::vec::Vec<u8>) -> usize {
        self.raw.append_data_to(out)
    }

    /// The comments' texts (without the colon and one leading space), in order.
    pub fn comments(&self) -> Comments<'a> {
        self.raw.comments()
    }

    /// The block as the event tier sees it (no stream state).
    #[inline]
    pub fn raw(&self) -> RawEvent<'a> {
        self.raw
    }
}

impl fmt::Debug for Block<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Block")
            .field("fires", &self.fires())
            .field(
                "event_type",
                &format_args!("\"{}\"", self.event_type().escape_ascii()),
            )
            .field(
                "last_event_id",
                &format_args!("\"{}\"", self.last_event_id.escape_ascii()),
            )
            .field("raw", &self.raw)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::copy_short;

    /// Every length around the word sizes: the same bytes as `copy_from_slice`, nothing
    /// written past the length.
    #[test]
    fn copy_short_copies_every_length() {
        let from: [u8; 40] = core::array::from_fn(|i| i as u8 + 1);
        for len in 0..=40 {
            let mut to = [0u8; 40];
            copy_short(&mut to[..len], &from[..len]);
            assert_eq!(to[..len], from[..len], "len {len}");
            assert!(to[len..].iter().all(|&b| b == 0), "len {len}");
        }
    }
}
