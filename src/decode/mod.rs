//! Decoding `text/event-stream`: tiers over one line scanner.
//!
//! | tier | type | allocates | yields |
//! |------|------|-----------|--------|
//! | line | [`LineDecoder`] | never | classified [`Line`]s borrowed from your buffer; or, through [`LineDecoder::decode_fragment`], lines with `data` values in [`Fragment`]s as they arrive: no line needs to fit your buffer |
//! | event | [`EventDecoder`] | never | whole blocks as [`RawEvent`]s borrowed from your buffer |
//! | block | [`BlockDecoder`] | never | the same as [`Block`]s with the stream state an `EventSource` keeps: type (`message` default), last event ID (inline, bounded), reconnection time; [`BlockBuffer`] holds its own fixed buffer |
//! | lending (`alloc`) | [`LendingDecoder`] | nothing per event once warm | every item (events as [`EventView`]s of `&str`, comments, retries) lent from its own buffers through one `next_item` loop (events alone: `next_event`, comments never lent); [`EventReader`] (`std`) over any `std::io::Read` |
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
//! Each once, every tier built on them:
//! - line ends, the BOM and the line limit: `scan.rs`, the one scanner;
//! - what a line is (name/value split, `id` without NUL, `retry` digits): `field.rs`,
//!   [`Line::parse`];
//! - what a line does to the block being built (`data` appends after an LF, `event` sets the
//!   type, `id` the ID buffer, `retry` the reconnection time at once) and the `message`
//!   default: `rules.rs`. Each tier keeps the block in its own form — spans into a borrowed
//!   block (event and block tiers, [`LendingDecoder`]) or strings and a data buffer built line
//!   by line (`dispatch.rs`, for [`Decoder`] and [`BytesDecoder`]) — behind one trait the
//!   rules drive;
//! - what a block's end does to the stream (its ID becomes the last event ID even when nothing
//!   fires): `stream_state.rs` for blocks taken whole, `dispatch.rs` for lines taken one by one.
//!
//! The matrix tests check every tier against the reference decoder at every chunking.

mod block;
mod block_buffer;
mod field;
mod fragment;
mod limits;
mod line;
mod line_end;
mod raw_event;
mod rules;
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
mod lent;
#[cfg(feature = "alloc")]
mod owned;
#[cfg(feature = "std")]
mod read;
#[cfg(feature = "alloc")]
mod report;
#[cfg(feature = "alloc")]
mod streamed;
#[cfg(feature = "alloc")]
mod text;
#[cfg(feature = "alloc")]
mod utf8;

#[cfg(feature = "bytes")]
mod bytes;

pub use crate::error::BufferTooSmall;
pub use block::EventDecoder;
pub use block_buffer::BlockBuffer;
pub use field::Line;
pub use fragment::Fragment;
#[allow(deprecated)]
pub use fragment::FragmentDecoder;
pub use limits::Limits;
pub use line::LineDecoder;
pub use raw_event::{Comments, DataLines, RawEvent};
pub use stream_state::{Block, BlockDecoder};

#[cfg(feature = "alloc")]
pub use event::Event;
#[cfg(feature = "alloc")]
pub use feed::{Feed, FeedItems};
#[cfg(feature = "alloc")]
pub use lending::LendingDecoder;
#[cfg(feature = "alloc")]
pub use lent::EventView;
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
