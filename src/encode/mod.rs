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
//!
//! **Portable across browsers, on request.** [`EventRef::portability`] reports what in an
//! event Chromium, Firefox or WebKit would read differently from the spec (NUL in data or
//! type, an ID on an event without data, `retry` below 500 ms or above `u32::MAX` ms), as
//! [`Finding`]s that say what each engine does.

mod comment;
mod event;
mod field;
mod lines;
mod portable;
mod sink;
mod writer;

#[cfg(test)]
mod tests;

pub use comment::Comment;
pub use event::EventRef;
pub use field::{EncodeError, EventId, EventType};
pub use portable::{Finding, Findings, FIREFOX_MIN_RETRY_MS};
pub use writer::{EventWriter, WriteResult};

use crate::BufferTooSmall;
use sink::SliceSink;

/// Something the encoder writes: measured once (exact length, and the scan of its text that
/// writing reuses), then written in one pass into any destination.
pub(crate) trait Frame {
    /// The exact encoded length and where the frame's text has its first line break.
    fn measure(&self) -> Measure;
    /// Writes exactly `measure.len` bytes; `measure` is what [`Frame::measure`] returned.
    fn write<S: sink::Sink>(&self, measure: Measure, sink: &mut S);
}

/// A frame's exact length, and the first line break of its text (event data, comment) so
/// that writing text without one needs no second scan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Measure {
    pub(crate) len: usize,
    pub(crate) first_break: Option<usize>,
}

fn frame_len<F: Frame + ?Sized>(frame: &F) -> usize {
    frame.measure().len
}

fn frame_to_slice<F: Frame + ?Sized>(frame: &F, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
    let measure = frame.measure();
    let Some(out) = out.get_mut(..measure.len) else {
        return Err(BufferTooSmall {
            needed: measure.len,
        });
    };
    let mut sink = SliceSink { buf: out, pos: 0 };
    frame.write(measure, &mut sink);
    Ok(sink.pos)
}

#[cfg(feature = "alloc")]
fn frame_to_vec<F: Frame + ?Sized>(frame: &F, out: &mut alloc::vec::Vec<u8>) -> usize {
    let measure = frame.measure();
    out.reserve(measure.len);
    frame.write(measure, out);
    measure.len
}

#[cfg(feature = "bytes")]
fn frame_to_buf<F: Frame + ?Sized, B: bytes::BufMut + ?Sized>(
    frame: &F,
    buf: &mut B,
) -> Result<usize, BufferTooSmall> {
    let measure = frame.measure();
    if buf.remaining_mut() < measure.len {
        return Err(BufferTooSmall {
            needed: measure.len,
        });
    }
    frame.write(measure, &mut sink::BufSink(buf));
    Ok(measure.len)
}

/// Appends `frame` to `dst` after one `reserve` of its exact length, measured once (the
/// codec's path; `encoded_len` then `encode_to_buf` would measure, and scan the data, twice).
#[cfg(feature = "tokio-util")]
pub(crate) fn frame_to_bytes_mut<F: Frame + ?Sized>(frame: &F, dst: &mut bytes::BytesMut) {
    let measure = frame.measure();
    dst.reserve(measure.len);
    frame.write(measure, &mut sink::BufSink(dst));
}

#[cfg(feature = "bytes")]
fn frame_to_bytes<F: Frame + ?Sized>(frame: &F) -> bytes::Bytes {
    let measure = frame.measure();
    let mut out = alloc::vec::Vec::with_capacity(measure.len);
    frame.write(measure, &mut out);
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
