//! Encoding `text/event-stream`: events in, bytes out, into buffers you own.
//!
//! | what | type | writes |
//! |------|------|--------|
//! | an event | [`EventRef`] | `event:`, `id:`, `retry:`, `data:` lines, a blank line |
//! | a comment, a keep-alive | [`Comment`] | `:` lines |
//! | an event whose data arrives in pieces | [`EventWriter`] | the same as [`EventRef`], piece by piece |
//!
//! Everything that encodes itself in one go implements [`Encode`], which writes it four ways:
//! [`Encode::encode_to_slice`] (no allocation; all or nothing, with the exact length needed on
//! failure), [`Encode::encoded_len`] (exact), [`Encode::encode_to_vec`] (`alloc`; one
//! `reserve`, so nothing at all is allocated into a reused buffer) and
//! `Encode::encode_to_buf` / `Encode::to_bytes` (`bytes`; a `Bytes` clones in O(1) for fan-out).
//!
//! **Always a valid stream.** Field values that could break a line ([`EventType`],
//! [`EventId`]) are checked once, when built, and rejected with a typed [`EncodeError`]. Data
//! and comments are split at every CR, LF and CRLF into several lines, so a decoder yields
//! them back with every line break as LF: that is the only change a round trip makes (plus
//! U+FFFD for invalid UTF-8, and `message` for a missing event type). Nothing here panics.
//!
//! **Portable across browsers, on request.** [`EventRef::portability`] reports what in an
//! event Chromium, Firefox or WebKit would read differently from the spec (NUL in data or
//! type, an ID on an event without data, `retry` below 500 ms or above `u32::MAX` ms), as
//! [`Finding`]s that say what each engine does.

pub(crate) mod comment;
mod event;
mod field;
pub(crate) mod frame;
mod lines;
mod portable;
pub(crate) mod sink;
mod writer;

#[cfg(test)]
mod tests;

pub use comment::Comment;
pub use event::EventRef;
pub use field::{EncodeError, EventId, EventType};
pub use frame::Encode;
pub use portable::{Finding, Findings, FIREFOX_MIN_RETRY_MS};
pub use writer::{EventWriter, WriteResult};

/// The exact number of bytes `event` encodes to.
#[deprecated(since = "0.2.0", note = "use `Encode::encoded_len`")]
pub fn encoded_len(event: &EventRef<'_>) -> usize {
    Encode::encoded_len(event)
}

/// Encodes `event` into the front of `out`; returns the bytes written.
///
/// # Errors
///
/// [`BufferTooSmall`](crate::decode::BufferTooSmall) if `out` is shorter than the encoding.
#[deprecated(since = "0.2.0", note = "use `Encode::encode_to_slice`")]
pub fn encode_to_slice(
    event: &EventRef<'_>,
    out: &mut [u8],
) -> Result<usize, crate::decode::BufferTooSmall> {
    Encode::encode_to_slice(event, out)
}

/// Appends `event`'s encoding to `out`; returns the bytes appended.
#[cfg(feature = "alloc")]
#[deprecated(since = "0.2.0", note = "use `Encode::encode_to_vec`")]
pub fn encode_to_vec(event: &EventRef<'_>, out: &mut alloc::vec::Vec<u8>) -> usize {
    Encode::encode_to_vec(event, out)
}

#[cfg(feature = "tokio-util")]
pub(crate) use frame::encode_to_bytes_mut;
