//! The line tier: classified lines, borrowed from the caller's buffer.

use super::field::Line;
use super::scan::{LineScanner, Scan};
use crate::{DecodeError, Decoded, Limits, Status};

/// [`LineDecoder::decode_fragment`] was not called since the stream started.
pub(super) const FRESH: u8 = 0;
/// [`LineDecoder::decode_fragment`] is between lines or in one held whole.
pub(super) const LINES: u8 = 1;
/// [`LineDecoder::decode_fragment`] is streaming a data line's value: the input continues it.
pub(super) const IN_DATA: u8 = 2;

/// The line tier: yields each line of the stream, classified, borrowed from your buffer
/// ([`LineDecoder::decode`]), or streams `data` lines in pieces as they arrive, so that no
/// line has to fit your buffer ([`LineDecoder::decode_fragment`]).
///
/// Never allocates; `no_std`. Handles CR, LF and CRLF (also split across calls), strips a
/// leading BOM and enforces [`Limits::max_line_len`].
///
/// ```
/// use sse_wire::decode::{Line, LineDecoder};
/// use sse_wire::Status;
///
/// let mut decoder = LineDecoder::new();
/// let mut input: &[u8] = b"event: greet\r\ndata: hi\r\n\r\n";
/// let mut lines = Vec::new();
/// loop {
///     let decoded = decoder.decode(input)?;
///     input = &input[decoded.consumed..];
///     match decoded.status {
///         Status::Complete(line) => lines.push(line),
///         Status::Partial => break,
///     }
/// }
/// assert_eq!(lines, [Line::Event(b"greet"), Line::Data(b"hi"), Line::Blank]);
/// # Ok::<(), sse_wire::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LineDecoder {
    pub(super) scanner: LineScanner,
    /// Bytes of the unconsumed input already skipped (an over-long line) when an error was
    /// returned.
    pub(super) pos: usize,
    /// Where [`LineDecoder::decode_fragment`] is: [`FRESH`], [`LINES`] or [`IN_DATA`].
    pub(super) mode: u8,
}

impl LineDecoder {
    /// A decoder with the default [`Limits`].
    pub const fn new() -> Self {
        Self::with_limits(Limits::new())
    }

    /// A decoder with the given limits (only [`Limits::max_line_len`] applies at this tier).
    pub const fn with_limits(limits: Limits) -> Self {
        LineDecoder {
            scanner: LineScanner::new(limits.max_line_len()),
            pos: 0,
            mode: FRESH,
        }
    }

    /// Decodes the next line from `input`, the bytes not consumed yet.
    ///
    /// # Errors
    ///
    /// [`DecodeError::LineTooLong`] once per over-long line; nothing is consumed, and the next
    /// call (with the same input) skips the line.
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<Decoded<Line<'a>>, DecodeError> {
        // `min`: a caller that breaks the contract (a shorter input) gets nonsense, not a panic.
        let mut at = self.pos.min(input.len());
        loop {
            let scan = match self.scanner.next_line(&input[at..]) {
                Ok(scan) => scan,
                Err(error) => {
                    self.pos = at;
                    return Err(error);
                }
            };
            let (consumed, status) = match scan {
                Scan::Skipped { next } => {
                    at += next;
                    continue;
                }
                Scan::Partial { consumed } => (at + consumed, Status::Partial),
                Scan::Line { start, end, next } => (
                    at + next,
                    Status::Complete(Line::parse(&input[at + start..at + end])),
                ),
            };
            self.pos = 0;
            return Ok(Decoded { consumed, status });
        }
    }

    /// The stream ended: a partial line is discarded and the next byte starts a new stream
    /// (a BOM is stripped again). Drop your buffer's unconsumed bytes too.
    pub fn finish(&mut self) {
        self.scanner.reset();
        self.pos = 0;
        self.mode = FRESH;
    }

    /// Forgets the current stream: the next byte starts a new one (a BOM is stripped again).
    #[deprecated(since = "0.1.1", note = "renamed `finish`, the name every tier uses")]
    pub fn reset(&mut self) {
        self.finish();
    }
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::new()
    }
}
