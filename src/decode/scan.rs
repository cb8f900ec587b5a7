//! The one line scanner every tier shares: finds line terminators (CR, LF, CRLF) with
//! `memchr2`, strips the leading BOM, joins a CR and LF split across chunks, resumes where the
//! last call stopped, and enforces the line-length limit.

use core::ops::Range;

use crate::{DecodeError, Decoded, Status};

/// The UTF-8 byte order mark, stripped once at stream start.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// The stream's first bytes were examined for a BOM.
const BOM_DONE: u8 = 1;
/// The last line ended with a CR at the end of the input: an LF starting the next input
/// belongs to that line end.
const SKIP_LF: u8 = 2;
/// A line went over the limit: drop bytes through the next terminator.
const DISCARDING: u8 = 4;

/// Splits input into lines, incrementally. See [`LineScanner::next_line`].
#[derive(Debug, Clone)]
pub(crate) struct LineScanner {
    max_line_len: usize,
    /// How many bytes at the front of the unconsumed input are known to hold no terminator.
    scan_from: usize,
    /// How many bytes at the front of the unconsumed input were processed but not yet reported
    /// consumed (because an error was returned instead).
    pending: usize,
    flags: u8,
    /// Bytes handed to `memchr2`, so tests can prove the scanner never rescans.
    #[cfg(test)]
    pub(crate) scanned: usize,
}

impl LineScanner {
    pub(crate) const fn new(max_line_len: usize) -> Self {
        LineScanner {
            max_line_len,
            scan_from: 0,
            pending: 0,
            flags: 0,
            #[cfg(test)]
            scanned: 0,
        }
    }

    /// Forgets everything about the current stream; the next byte is a stream start again.
    pub(crate) fn reset(&mut self) {
        self.scan_from = 0;
        self.pending = 0;
        self.flags = 0;
    }

    /// Whether the input so far is a proper prefix of the BOM, not yet known to be content:
    /// such bytes are not part of any line, so no limit applies to them.
    pub(crate) fn awaiting_bom(&self) -> bool {
        self.flags & BOM_DONE == 0
    }

    /// Drops the partial line at the front of the unconsumed input, through its terminator.
    /// Used when the caller discards a whole event and need not keep the line's bytes.
    pub(crate) fn discard_line(&mut self) {
        self.flags |= DISCARDING;
        self.scan_from = 0;
    }

    /// Finds the next complete line in `input` (the bytes not consumed yet).
    ///
    /// `Complete(range)` is the line's content in `input`, without its terminator; `consumed`
    /// covers the content, its terminator and anything skipped before it (BOM, the LF of a
    /// split CRLF, a discarded over-long line). On `Err` nothing is reported consumed: the
    /// scanner remembers how far it got, and the caller calls again with the same input.
    pub(crate) fn next_line(&mut self, input: &[u8]) -> Result<Decoded<Range<usize>>, DecodeError> {
        let mut start = self.pending;
        if self.flags & BOM_DONE == 0 {
            let n = input.len().min(BOM.len());
            if input[..n] == BOM[..n] {
                if n < BOM.len() {
                    // Maybe a BOM, maybe not: wait for its third byte.
                    return Ok(Decoded {
                        consumed: 0,
                        status: Status::Partial,
                    });
                }
                start = BOM.len();
            }
            self.flags |= BOM_DONE;
        }
        loop {
            if self.flags & SKIP_LF != 0 {
                let Some(&first) = input.get(start) else {
                    return Ok(self.partial(start, 0));
                };
                if first == b'\n' {
                    start += 1;
                }
                self.flags &= !SKIP_LF;
            }
            let from = start.max(self.scan_from);
            let found = memchr::memchr2(b'\n', b'\r', &input[from..]);
            #[cfg(test)]
            {
                self.scanned += found.map_or(input.len() - from, |i| i + 1);
            }
            let Some(offset) = found else {
                if self.flags & DISCARDING != 0 {
                    // Drop the rest of the over-long line as it arrives.
                    return Ok(self.partial(input.len(), 0));
                }
                if input.len() - start > self.max_line_len {
                    return Err(self.too_long(start, input.len()));
                }
                return Ok(self.partial(start, input.len() - start));
            };
            let end = from + offset;
            if self.flags & DISCARDING == 0 && end - start > self.max_line_len {
                return Err(self.too_long(start, end));
            }
            let next = if input[end] == b'\n' {
                end + 1
            } else if end + 1 == input.len() {
                self.flags |= SKIP_LF;
                end + 1
            } else if input[end + 1] == b'\n' {
                end + 2
            } else {
                end + 1
            };
            self.scan_from = 0;
            if self.flags & DISCARDING != 0 {
                // The over-long line ends here; go on with the next one.
                self.flags &= !DISCARDING;
                start = next;
                continue;
            }
            self.pending = 0;
            return Ok(Decoded {
                consumed: next,
                status: Status::Complete(start..end),
            });
        }
    }

    /// No complete line: report `consumed`, and remember that `scanned` bytes after it hold no
    /// terminator.
    fn partial(&mut self, consumed: usize, scanned: usize) -> Decoded<Range<usize>> {
        self.pending = 0;
        self.scan_from = scanned;
        Decoded {
            consumed,
            status: Status::Partial,
        }
    }

    /// The line starting at `start` is too long; `scanned` is how far it was searched.
    fn too_long(&mut self, start: usize, scanned: usize) -> DecodeError {
        self.flags |= DISCARDING;
        self.pending = start;
        self.scan_from = scanned;
        DecodeError::LineTooLong {
            limit: self.max_line_len,
        }
    }
}

/// Splits a complete block (whose every line is terminated) into line contents.
/// Used to walk a [`RawEvent`](crate::RawEvent)'s lines again on demand.
#[derive(Debug, Clone)]
pub(crate) struct BlockLines<'a> {
    rest: &'a [u8],
}

impl<'a> BlockLines<'a> {
    pub(crate) fn new(block: &'a [u8]) -> Self {
        BlockLines { rest: block }
    }
}

impl<'a> Iterator for BlockLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let end = memchr::memchr2(b'\n', b'\r', self.rest).unwrap_or(self.rest.len());
        let line = &self.rest[..end];
        let next = match self.rest.get(end..end + 2) {
            Some(b"\r\n") => end + 2,
            _ => (end + 1).min(self.rest.len()),
        };
        self.rest = &self.rest[next..];
        Some(line)
    }
}
