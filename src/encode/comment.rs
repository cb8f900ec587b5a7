//! Comments: keep-alives and notes that no `EventSource` ever surfaces.

use super::frame::{Frame, Measure};
use super::lines;
use super::sink::Sink;

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
/// use sse_wire::{Comment, Encode};
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
}

impl super::Encode for Comment<'_> {}

/// An empty comment line, the encoding of [`Comment::keep_alive`]: the one definition of the
/// keep-alive bytes ([`KeepAlive::COMMENT`](crate::server::KeepAlive::COMMENT) is this).
pub(crate) const KEEP_ALIVE_LINE: &[u8] = b":\n";

impl Frame for Comment<'_> {
    fn measure(&self) -> Measure {
        let (len, first_break) = lines::measure(b": ".len(), self.0);
        Measure { len, first_break }
    }

    fn write<S: Sink>(&self, measure: Measure, sink: &mut S) {
        lines::write(sink, b": ", KEEP_ALIVE_LINE, self.0, measure.first_break);
    }
}
