//! The line tier's streamed-data mode: `data` values in pieces as they arrive, so a data line
//! longer than your buffer (or than all your RAM) never has to be held anywhere.

use super::field::{data_value_at, Line};
use super::line::{LineDecoder, IN_DATA, LINES};
use super::scan::Scan;
use crate::{DecodeError, Decoded, Limits, Status};

/// What [`LineDecoder::decode_fragment`] yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fragment<'a> {
    /// A complete line other than `data`, classified ([`Line::Data`] never appears here).
    Line(Line<'a>),
    /// A piece of a `data` line's value (after `data:` and one leading space), in order: the
    /// value is its pieces concatenated. `end` marks the line's last piece; a data line that
    /// arrives whole is a single piece with `end` set. Pieces may be empty only when `end`.
    Data {
        /// The bytes of the value this piece holds.
        piece: &'a [u8],
        /// Whether the data line ended with this piece.
        end: bool,
    },
}

/// The smallest line limit [`LineDecoder::decode_fragment`] works with: a line is known to be a
/// data line (and streams) once `data:` and one more byte are in hand, which a limit of 5 lets
/// the scanner see whatever the chunking.
const MIN_LINE_LIMIT: usize = 5;

/// The streamed-data mode of the line tier.
impl LineDecoder {
    /// Decodes the next fragment from `input`, the bytes not consumed yet: like
    /// [`LineDecoder::decode`], but a `data` line is yielded in [`Fragment::Data`] pieces as
    /// its bytes arrive, each borrowed from your buffer and consumed at once. Your buffer only
    /// ever holds a partial line of another kind (or the first six bytes of a data line), so a
    /// few KiB of RAM can take events of any size.
    ///
    /// [`Limits::max_line_len`] applies to the lines you hold (comments, `event`, `id`, ...);
    /// data lines stream, whatever their length (a line limit under 5 acts as 5, so that
    /// `data:` and the byte after it are seen before any line is too long). You do the spec's
    /// interpretation (data lines joined with LF, dispatch on [`Line::Blank`]) and decide where
    /// the data goes: a parser, a hash, a file, a bounded buffer of your own. Decode a stream
    /// with this method or with [`LineDecoder::decode`], not both.
    ///
    /// ```
    /// use sse_wire::decode::{Fragment, Line, LineDecoder};
    /// use sse_wire::Status;
    ///
    /// let mut decoder = LineDecoder::new();
    /// let mut data = Vec::new();
    /// let mut events = Vec::new();
    /// // A data line split across three reads: each piece is consumed as soon as it is seen.
    /// for read in [&b"event: big\ndata: 0123"[..], b"4567", b"89\n\n"] {
    ///     let mut input = read;
    ///     loop {
    ///         let decoded = decoder.decode_fragment(input)?;
    ///         input = &input[decoded.consumed..];
    ///         match decoded.status {
    ///             Status::Complete(Fragment::Data { piece, .. }) => data.extend_from_slice(piece),
    ///             Status::Complete(Fragment::Line(Line::Blank)) => events.push(std::mem::take(&mut data)),
    ///             Status::Complete(_) => {}
    ///             Status::Partial => break,
    ///         }
    ///     }
    ///     assert!(input.is_empty(), "nothing to keep between reads here");
    /// }
    /// assert_eq!(events, [b"0123456789".to_vec()]);
    /// # Ok::<(), sse_wire::DecodeError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DecodeError::LineTooLong`] once per over-long line that is not a data line; nothing
    /// is consumed, and the next call (with the same input) skips the line.
    pub fn decode_fragment<'a>(
        &mut self,
        input: &'a [u8],
    ) -> Result<Decoded<Fragment<'a>>, DecodeError> {
        if self.mode != LINES {
            if self.mode == IN_DATA {
                return Ok(self.data_from(input, 0));
            }
            // Once per stream, not per call.
            self.scanner.raise_limit(MIN_LINE_LIMIT);
            self.mode = LINES;
        }
        // `min`: a caller that breaks the contract (a shorter input) gets nonsense, not a panic.
        let mut at = self.pos.min(input.len());
        if self.scanner.is_plain() {
            if let Some(value) = data_value_at(&input[at..]) {
                self.pos = 0;
                return Ok(self.stream_data(input, at + value));
            }
        }
        loop {
            let scan = match self.scanner.next_line(&input[at..]) {
                Ok(scan) => scan,
                Err(error) => {
                    let line = at + self.scanner.skipped_prefix();
                    if let Some(value) = input.get(line..).and_then(data_value_at) {
                        // A data line is never too long here: stream it, searching on where
                        // the scanner stopped.
                        let searched = at + self.scanner.take_over_line();
                        self.pos = 0;
                        self.mode = IN_DATA;
                        return Ok(self.data_searched(input, line + value, searched));
                    }
                    self.pos = at;
                    return Err(error);
                }
            };
            self.pos = 0;
            return Ok(match scan {
                Scan::Skipped { next } => {
                    at += next;
                    continue;
                }
                Scan::Line { start, end, next } => Decoded {
                    consumed: at + next,
                    status: Status::Complete(match Line::parse(&input[at + start..at + end]) {
                        Line::Data(piece) => Fragment::Data { piece, end: true },
                        line => Fragment::Line(line),
                    }),
                },
                Scan::Partial { consumed } => {
                    let line = at + consumed;
                    match data_value_at(&input[line..]).filter(|_| !self.scanner.awaiting_bom()) {
                        // The scanner searched the line's bytes: they are consumed now.
                        Some(value) => {
                            self.scanner.searched(0);
                            self.mode = IN_DATA;
                            self.piece(input, line + value)
                        }
                        None => Decoded {
                            consumed: line,
                            status: Status::Partial,
                        },
                    }
                }
            });
        }
    }

    /// Streams the data line whose value starts at `input[value..]`.
    fn stream_data<'a>(&mut self, input: &'a [u8], value: usize) -> Decoded<Fragment<'a>> {
        self.mode = IN_DATA;
        self.data_from(input, value)
    }

    /// The next piece of the data line in progress, searched from `input[from..]`.
    fn data_from<'a>(&mut self, input: &'a [u8], from: usize) -> Decoded<Fragment<'a>> {
        self.data_searched(input, from, from)
    }

    /// [`LineDecoder::data_from`] where `input[from..searched]` is known to hold no line
    /// end.
    fn data_searched<'a>(
        &mut self,
        input: &'a [u8],
        from: usize,
        searched: usize,
    ) -> Decoded<Fragment<'a>> {
        let search = searched.max(from);
        let Some(len) = self
            .scanner
            .find_end(input.get(search..).unwrap_or_default())
        else {
            return self.piece(input, from);
        };
        let end = search + len;
        let next = self.scanner.after_line_end(input, end);
        self.mode = LINES;
        Decoded {
            consumed: next,
            status: Status::Complete(Fragment::Data {
                piece: input.get(from..end).unwrap_or_default(),
                end: true,
            }),
        }
    }

    /// All of `input[from..]` (searched, no line end) as a piece of the data line in progress.
    fn piece<'a>(&mut self, input: &'a [u8], from: usize) -> Decoded<Fragment<'a>> {
        let piece = input.get(from..).unwrap_or_default();
        Decoded {
            consumed: input.len(),
            status: if piece.is_empty() {
                Status::Partial
            } else {
                Status::Complete(Fragment::Data { piece, end: false })
            },
        }
    }
}

/// The streaming line tier of 0.1, now [`LineDecoder::decode_fragment`].
#[deprecated(
    since = "0.2.0",
    note = "use `LineDecoder`: `decode_fragment` streams data lines as this type's `decode` did"
)]
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct FragmentDecoder(LineDecoder);

#[allow(deprecated)]
impl FragmentDecoder {
    /// A decoder with the default [`Limits`].
    pub const fn new() -> Self {
        Self::with_limits(Limits::new())
    }

    /// A decoder with the given limits.
    pub const fn with_limits(limits: Limits) -> Self {
        FragmentDecoder(LineDecoder::with_limits(limits))
    }

    /// [`LineDecoder::finish`].
    pub fn finish(&mut self) {
        self.0.finish();
    }

    /// [`LineDecoder::finish`].
    pub fn reset(&mut self) {
        self.0.finish();
    }

    /// [`LineDecoder::decode_fragment`].
    ///
    /// # Errors
    ///
    /// [`LineDecoder::decode_fragment`]'s.
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Result<Decoded<Fragment<'a>>, DecodeError> {
        self.0.decode_fragment(input)
    }
}
