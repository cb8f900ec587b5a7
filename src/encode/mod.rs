//! Encoding `text/event-stream`: events in, bytes out, into buffers you own.
//!
//! | what | type | writes |
//! |------|------|--------|
//! | an event | [`EventRef`] | `event:`, `id:`, `retry:`, `data:` lines, a blank line |
//! | a comment, a keep-alive | [`Comment`] | `:` lines |
//! | an event whose data arrives in pieces | [`EventWriter`] | the same as [`EventRef`], piece by piece |
//!
//! Every frame can be written four ways: [`encode_to_slice`] (no allocation; all or nothing,
//! with the exact length needed on failure), [`encoded_len`] (exact), [`encode_to_vec`]
//! (`alloc`; one `reserve`, so nothing at all is allocated into a reused buffer) and
//! `encode_to_buf` / `to_bytes` (`bytes`; a `Bytes` clones in O(1) for fan-out).
//!
//! **Always a valid stream.** Field values that could break a line ([`EventType`],
//! [`EventId`]) are checked once, when built, and rejected with a typed [`EncodeError`]. Data
//! and comments are split at every CR, LF and CRLF into several lines, so a decoder yields
//! them back with every line break as LF: that is the only change a round trip makes (plus
//! U+FFFD for invalid UTF-8, and `message` for a missing event type). Nothing here panics.

mod comment;
mod event;
mod field;
mod sink;
mod writer;

#[cfg(test)]
mod tests;

pub use comment::Comment;
pub use event::EventRef;
pub use field::{EncodeError, EventId, EventType};
pub use writer::{EventWriter, WriteResult};

use crate::BufferTooSmall;
use sink::{Counter, SliceSink};

/// Something the encoder writes; one `write` routine serves every destination.
pub(crate) trait Frame {
    fn write<S: sink::Sink>(&self, sink: &mut S);
}

fn frame_len<F: Frame + ?Sized>(frame: &F) -> usize {
    let mut counter = Counter(0);
    frame.write(&mut counter);
    counter.0
}

fn frame_to_slice<F: Frame + ?Sized>(frame: &F, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
    let needed = frame_len(frame);
    if out.len() < needed {
        return Err(BufferTooSmall { needed });
    }
    let mut sink = SliceSink { buf: out, pos: 0 };
    frame.write(&mut sink);
    Ok(sink.pos)
}

#[cfg(feature = "alloc")]
fn frame_to_vec<F: Frame + ?Sized>(frame: &F, out: &mut alloc::vec::Vec<u8>) -> usize {
    let needed = frame_len(frame);
    out.reserve(needed);
    frame.write(out);
    needed
}

#[cfg(feature = "bytes")]
fn frame_to_buf<F: Frame + ?Sized, B: bytes::BufMut + ?Sized>(
    frame: &F,
    buf: &mut B,
) -> Result<usize, BufferTooSmall> {
    let needed = frame_len(frame);
    if buf.remaining_mut() < needed {
        return Err(BufferTooSmall { needed });
    }
    frame.write(&mut sink::BufSink(buf));
    Ok(needed)
}

#[cfg(feature = "bytes")]
fn frame_to_bytes<F: Frame + ?Sized>(frame: &F) -> bytes::Bytes {
    let needed = frame_len(frame);
    let mut out = alloc::vec::Vec::with_capacity(needed);
    frame.write(&mut out);
    bytes::Bytes::from(out)
}

/// The exact number of bytes [`encode_to_slice`] writes for `event`.
pub fn encoded_len(event: &EventRef<'_>) -> usize {
    event.encoded_len()
}

/// Encodes `event` into `out` without allocating; returns the number of bytes written.
///
/// ```
/// use sse_wire::{encode_to_slice, EventRef};
///
/// let mut buf = [0u8; 64];
/// let n = encode_to_slice(&EventRef::new().with_data("hi"), &mut buf)?;
/// assert_eq!(&buf[..n], b"data: hi\n\n");
/// assert_eq!(encode_to_slice(&EventRef::new().with_data("hi"), &mut buf[..5]).unwrap_err().needed, 10);
/// # Ok::<(), sse_wire::BufferTooSmall>(())
/// ```
///
/// # Errors
///
/// [`BufferTooSmall`] with [`encoded_len`] if `out` is shorter; `out` is then untouched, so
/// nothing partial can be sent.
pub fn encode_to_slice(event: &EventRef<'_>, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
    event.encode_to_slice(out)
}

/// Appends the encoding of `event` to `out` with a single `reserve`; returns the number of
/// bytes appended. Into a reused buffer (cleared, capacity kept) this allocates nothing.
#[cfg(feature = "alloc")]
pub fn encode_to_vec(event: &EventRef<'_>, out: &mut alloc::vec::Vec<u8>) -> usize {
    event.encode_to_vec(out)
}
