//! Comments: keep-alives and notes that no `EventSource` ever surfaces.

use super::sink::Sink;
use super::{lines, Frame, Measure};

/// A comment: one `:` line per line of its text. Clients ignore comments; servers send them
/// as keep-alives so proxies do not cut an idle stream.
///
/// Text with line breaks is split into several comment lines (it could otherwise end the
/// comment and inject fields). A comment needs no blank line after it, so it may go between
/// events at any time. A decoder that reports comments (such as
/// [`Decoder::decode`](crate::Decoder::decode)) yields one comment per line, without the
/// colon and the one space the encoder writes after it.
///
/// ```
/// use sse_wire::Comment;
///
/// let mut buf = Vec::new();
/// Comment::keep_alive().encode_to_vec(&mut buf);
/// Comment::new("two\nlines").encode_to_vec(&mut buf);
/// assert_eq!(buf, b":\n: two\n: lines\n");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Comment<'a>(&'a [u8]);

impl<'a> Comment<'a> {
    /// A comment with the given text.
    pub const fn new(text: &'a str) -> Self {
        Comment(text.as_bytes())
    }

    /// A comment with the given bytes (a decoder reads them as UTF-8 with replacement).
    pub const fn from_bytes(text: &'a [u8]) -> Self {
        Comment(text)
    }

    /// The shortest keep-alive: an empty comment, `:` and a line feed (2 bytes).
    pub const fn keep_alive() -> Comment<'static> {
        Comment(b"")
    }

    /// The text.
    pub const fn text(&self) -> &'a [u8] {
        self.0
    }

    /// The exact number of bytes the encoding takes.
    pub fn encoded_len(&self) -> usize {
        super::frame_len(self)
    }

    /// Encodes into `out`; returns the number of bytes written.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`](crate::BufferTooSmall) if `out` is shorter than
    /// [`Comment::encoded_len`]; then `out` is left untouched.
    pub fn encode_to_slice(&self, out: &mut [u8]) -> Result<usize, crate::BufferTooSmall> {
        super::frame_to_slice(self, out)
    }

    /// Appends the encoding to `out` with one `reserve`; returns the number of bytes appended.
    #[cfg(feature = "alloc")]
    pub fn encode_to_vec(&self, out: &mut alloc::vec::Vec<u8>) -> usize {
        super::frame_to_vec(self, out)
    }

    /// Appends the encoding to any [`BufMut`](bytes::BufMut); returns the number of bytes
    /// written.
    ///
    /// # Errors
    ///
    /// [`BufferTooSmall`](crate::BufferTooSmall) if `buf.remaining_mut()` is less than
    /// [`Comment::encoded_len`]; then nothing is written.
    #[cfg(feature = "bytes")]
    pub fn encode_to_buf<B: bytes::BufMut + ?Sized>(
        &self,
        buf: &mut B,
    ) -> Result<usize, crate::BufferTooSmall> {
        super::frame_to_buf(self, buf)
    }

    /// The encoding as `Bytes` (one exact allocation; clones are O(1)).
    #[cfg(feature = "bytes")]
    pub fn to_bytes(&self) -> bytes::Bytes {
        super::frame_to_bytes(self)
    }
}

impl Frame for Comment<'_> {
    fn measure(&self) -> Measure {
        let (len, first_break) = lines::measure(b": ".len(), self.0);
        Measure { len, first_break }
    }

    fn write<S: Sink>(&self, measure: Measure, sink: &mut S) {
        lines::write(sink, b": ", b":\n", self.0, measure.first_break);
    }
}
