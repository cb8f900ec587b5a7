//! [`Encode`]: the one surface of everything that encodes itself, over the sealed
//! measure-once / write-once [`Frame`].

use super::sink::{Sink, SliceSink};
use crate::BufferTooSmall;

/// A value that encodes itself to `text/event-stream` bytes: an [`EventRef`](super::EventRef),
/// a [`Comment`](super::Comment) (a keep-alive is [`Comment::keep_alive`](super::Comment::keep_alive)),
/// a `retry`-only block (`EventRef::new().with_retry(ms)`), or a reference to any of them.
///
/// Every method measures the value once (its exact length, and the scan of its text that
/// writing reuses) and then writes it in one pass, so each path costs one scan of the data.
/// Implemented by this crate's types only (the trait is sealed), so the length is always exact.
///
/// ```
/// use sse_wire::{Comment, Encode, EventRef};
///
/// /// Sends anything that encodes itself (an event, a comment) into one reused buffer.
/// fn send(frame: impl Encode, out: &mut Vec<u8>) -> usize {
///     frame.encode_to_vec(out)
/// }
///
/// let mut out = Vec::new();
/// send(EventRef::new().with_data("hi"), &mut out);
/// send(Comment::keep_alive(), &mut out);
/// assert_eq!(out, b"data: hi\n\n:\n");
///
/// let event = EventRef::new().with_data("hi");
/// let mut buf = [0u8; 64];
/// let n = event.encode_to_slice(&mut buf)?;
/// assert_eq!((&buf[..n], n), (&b"data: hi\n\n"[..], event.encoded_len()));
/// assert_eq!(event.encode_to_slice(&mut buf[..5]).unwrap_err().needed, 10);
/// # Ok::<(), sse_wire::BufferTooSmall>(())
/// ```
pub trait Encode: Frame {
    /// The exact number of bytes every `encode_*` method writes.
    #[inline]
    fn encoded_len(&self) -> usize {
        self.measure().len
    }

    /// Encodes into `out` without allocating; returns the number of bytes written.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] with the [exact length](Encode::encoded_len) if and only if `out`
    /// is shorter; `out` is then untouched, so nothing partial can be sent.
    #[inline]
    fn encode_to_slice(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let measure = self.measure();
        let Some(out) = out.get_mut(..measure.len) else {
            return Err(BufferTooSmall {
                needed: measure.len,
            });
        };
        let mut sink = SliceSink { buf: out, pos: 0 };
        self.write(measure, &mut sink);
        Ok(sink.pos)
    }

    /// Appends the encoding to `out` with one `reserve` (no allocation at all when `out` has
    /// the room, e.g. a buffer cleared and reused); returns the number of bytes appended.
    #[cfg(feature = "alloc")]
    #[inline]
    fn encode_to_vec(&self, out: &mut alloc::vec::Vec<u8>) -> usize {
        let measure = self.measure();
        out.reserve(measure.len);
        self.write(measure, out);
        measure.len
    }

    /// Appends the encoding to any [`BufMut`](bytes::BufMut); returns the number of bytes
    /// written. For a `BytesMut`, `reserve(encoded_len())` first to grow it only once.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`] if `buf.remaining_mut()` is less than the
    /// [exact length](Encode::encoded_len); then nothing is written.
    #[cfg(feature = "bytes")]
    #[inline]
    fn encode_to_buf<B: bytes::BufMut + ?Sized>(
        &self,
        buf: &mut B,
    ) -> Result<usize, BufferTooSmall> {
        let measure = self.measure();
        if buf.remaining_mut() < measure.len {
            return Err(BufferTooSmall {
                needed: measure.len,
            });
        }
        self.write(measure, &mut super::sink::BufSink(buf));
        Ok(measure.len)
    }

    /// The encoding as `Bytes`, in one exactly sized allocation. Cloning it is O(1) (a
    /// reference count; `bytes` allocates that count once, on the first clone), so encode
    /// once and hand a clone to every subscriber.
    ///
    /// ```
    /// use sse_wire::{Encode, EventRef};
    ///
    /// let encoded = EventRef::new().with_data("tick").to_bytes();
    /// let subscribers: Vec<bytes::Bytes> = (0..3).map(|_| encoded.clone()).collect();
    /// assert!(subscribers.iter().all(|b| b.as_ptr() == encoded.as_ptr())); // one copy, shared
    /// ```
    #[cfg(feature = "bytes")]
    fn to_bytes(&self) -> bytes::Bytes {
        let measure = self.measure();
        let mut out = alloc::vec::Vec::with_capacity(measure.len);
        self.write(measure, &mut out);
        bytes::Bytes::from(out)
    }
}

impl<T: Encode + ?Sized> Encode for &T {}

impl<T: Frame + ?Sized> Frame for &T {
    #[inline(always)]
    fn measure(&self) -> Measure {
        (**self).measure()
    }

    #[inline(always)]
    fn write<S: Sink>(&self, measure: Measure, sink: &mut S) {
        (**self).write(measure, sink);
    }
}

/// What [`Encode`] is built on: measured once (exact length, and the scan of its text that
/// writing reuses), then written in one pass into any destination. Public in a private
/// module, so `Encode` is sealed and its lengths can be trusted.
pub trait Frame {
    /// The exact encoded length and where the frame's text has its first line break.
    fn measure(&self) -> Measure;
    /// Writes exactly `measure.len` bytes; `measure` is what [`Frame::measure`] returned.
    fn write<S: Sink>(&self, measure: Measure, sink: &mut S);
}

/// A frame's exact length, and the first line break of its text (event data, comment) so
/// that writing text without one needs no second scan.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    pub(crate) len: usize,
    pub(crate) first_break: Option<usize>,
}

/// Appends `frame` to `dst` after one `reserve` of its exact length, measured once (the
/// codec's path; `encoded_len` then `encode_to_buf` would measure, and scan the data, twice).
#[cfg(feature = "tokio-util")]
pub(crate) fn encode_to_bytes_mut<F: Frame + ?Sized>(frame: &F, dst: &mut bytes::BytesMut) {
    let measure = frame.measure();
    dst.reserve(measure.len);
    frame.write(measure, &mut super::sink::BufSink(dst));
}
