//! Decoding `text/event-stream`: tiers over one line scanner.
//!
//! | tier | type | allocates | yields |
//! |------|------|-----------|--------|
//! | line | [`LineDecoder`] | never | classified [`Line`]s borrowed from your buffer |
//! | streaming line | [`FragmentDecoder`] | never | lines, with `data` values in pieces as they arrive: no line needs to fit your buffer |
//! | event | [`EventDecoder`] | never | whole blocks as [`RawEvent`]s borrowed from your buffer |
//! | block | [`BlockDecoder`] | never | the same as [`Block`]s with the stream state an `EventSource` keeps: type (`message` default), last event ID (inline, bounded), reconnection time |
//! | lending (`alloc`) | [`LendingDecoder`] | nothing per event once warm | every item (events as [`EventView`]s of `&str`, comments, retries) lent from its own buffers through one `next_item` loop; [`EventReader`] (`std`) over any `std::io::Read` |
//! | owned (`alloc`) | [`Decoder`] | the data only | spec-dispatched [`Event`]s, keeping stream state; with comments and retries through [`Decoder::feed_items`] or [`Decoder::decode`] |
//! | bytes (`bytes`) | [`BytesDecoder`] | multi-line data only | [`Event<Bytes>`](Event), single-line data never copied |
//!
//! Every tier follows one contract (httparse's, csv-core's): `decode` looks at the bytes you
//! have not yet consumed and returns how many of them it [`consumed`](Decoded::consumed) and a
//! [`Status`]. Drop that many bytes from the front of your buffer; you may then append more
//! bytes after the rest and call again. A decoder never looks at a byte twice, so feeding a
//! long line one byte at a time costs linear time.
//!
//! On an error (a [`Limits`] violation) nothing is reported consumed: call again with the same
//! input (plus anything you appended) and decoding resumes after the offending line or event.
//! Every tier ends a stream with `finish`.
//!
//! ## Where the spec's rules live
//!
//! Line ends, the BOM and the line limit: `scan.rs`, the one scanner. Field classification
//! (name/value split, `id` without NUL, `retry` digits): `field.rs`, [`Line::parse`]. The
//! stream state over whole blocks (last event ID set by every block, `message` default, the
//! reconnection time): `stream_state.rs` ([`BlockDecoder`], [`LendingDecoder`]). One
//! duplication remains: what a field line does to the event being built (`data` appends,
//! `event` sets the type, `id` sets the ID buffer, blank line dispatches) is written twice,
//! in `BlockInfo::record` (`raw_event.rs`: spans into a borrowed block, for the event and
//! block tiers and the lending decoder) and in `Interpreter::step` (`dispatch.rs`: lines
//! consumed one by one, data streamed, for [`Decoder`] and [`BytesDecoder`]). Both dispatch
//! on [`Line::parse`]; the matrix tests check both against the reference decoder at every
//! chunking.

mod block;
mod field;
mod fragment;
mod limits;
mod line;
mod line_end;
mod raw_event;
mod scan;
mod stream_state;

#[cfg(test)]
mod linear_tests;

#[cfg(feature = "alloc")]
mod dispatch;
#[cfg(feature = "alloc")]
mod event;
#[cfg(feature = "alloc")]
mod feed;
#[cfg(feature = "alloc")]
mod lending;
#[cfg(feature = "alloc")]
mod owned;
#[cfg(feature = "std")]
mod read;
#[cfg(feature = "alloc")]
mod streamed;
#[cfg(feature = "alloc")]
mod text;

#[cfg(feature = "bytes")]
mod bytes;

pub use crate::error::BufferTooSmall;
pub use block::EventDecoder;
pub use field::Line;
pub use fragment::{Fragment, FragmentDecoder};
pub use limits::Limits;
pub use line::LineDecoder;
pub use raw_event::{Comments, DataLines, RawEvent};
pub use stream_state::{Block, BlockDecoder};

#[cfg(feature = "alloc")]
pub use event::Event;
#[cfg(feature = "alloc")]
pub use feed::{Feed, FeedItems};
#[cfg(feature = "alloc")]
pub use lending::{EventView, LendingDecoder};
#[cfg(feature = "alloc")]
pub use owned::Decoder;
#[cfg(feature = "std")]
pub use read::{EventReader, ReadError};

#[cfg(feature = "bytes")]
pub use self::bytes::BytesDecoder;

/// Whether a `decode` call produced an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status<T> {
    /// One item was decoded.
    Complete(T),
    /// The input holds no complete item yet: append more bytes and call again.
    Partial,
}

impl<T> Status<T> {
    /// The item, if one was decoded.
    pub fn complete(self) -> Option<T> {
        match self {
            Status::Complete(item) => Some(item),
            Status::Partial => None,
        }
    }

    /// Whether more input is needed.
    pub fn is_partial(&self) -> bool {
        matches!(self, Status::Partial)
    }
}

/// The outcome of one successful `decode` call.
#[must_use = "the caller must drop `consumed` bytes before calling again"]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decoded<T> {
    /// How many bytes from the front of the input were used up. Drop them before the next call.
    pub consumed: usize,
    /// The decoded item, or [`Status::Partial`].
    pub status: Status<T>,
}

/// Something a stateful decoder ([`Decoder`], [`BytesDecoder`]) reports, in stream order.
///
/// `E` is the event type and `C` the comment type of the tier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Item<E, C> {
    /// A dispatched event (a blank line ended a block that had at least one `data` line).
    Event(E),
    /// A comment line (`:` first), without the colon and without one leading space.
    /// Servers send these as keep-alives.
    Comment(C),
    /// A valid `retry` field: the new reconnection time in milliseconds. The spec applies it
    /// at once, not when the event is dispatched.
    Retry(u64),
}
