//! The one line scanner every tier shares: finds line terminators (CR, LF, CRLF) with
//! `memchr2`, strips the leading BOM, joins a CR and LF split across chunks, resumes where the
//! last call stopped, and enforces the line-length limit.

use super::field::data_value_at;
use super::line_end::find_line_end;
use crate::DecodeError;

/// The UTF-8 byte order mark, stripped once at stream start.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// The stream's first bytes were examined for a BOM.
const BOM_DONE: u8 = 1;
/// The last line ended with a CR at the end of the input: an LF starting the next input
/// belongs to that line end.
const SKIP_LF: u8 = 2;
/// A line went over the limit: drop bytes through the next terminator.
const DISCARDING: u8 = 4;

/// What [`LineScanner::next_line`] found. Offsets are into the input it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A complete line: its content is `start..end`; the next line starts at `next`.
    Line {
        start: usize,
        end: usize,
        next: usize,
    },
    /// No complete line: the first `consumed` bytes (a BOM, the LF of a split CRLF, a
    /// discarded line's bytes) can be dropped; the rest is the start of a line.
    Partial { consumed: usize },
    /// An over-long line being discarded ended: drop everything before `next`.
    Skipped { next: usize },
}

/// Splits input into lines, incrementally. See [`LineScanner::next_line`].
///
/// Offsets kept across calls are `u32`: lines are limited to 4 GiB (see [`Limits`]), and the
/// scanner is part of every decoder's state, which we keep small.
///
/// [`Limits`]: crate::Limits
#[derive(Debug, Clone)]
pub(crate) struct LineScanner {
    max_line_len: u32,
    /// How many bytes at the front of the unconsumed input are known to hold no terminator.
    scan_from: u32,
    flags: u8,
    /// Bytes at the front of the unconsumed input (a BOM, an LF) that were skipped before an
    /// error was returned, so they were not reported consumed.
    pending: u8,
    /// Bytes searched for line ends (tests only: zero-sized otherwise).
    search_count: SearchCount,
}

/// How many bytes the line-end searches looked at, so the linear-time tests can prove no byte
/// is searched twice. Counted only when testing: otherwise zero-sized, its `add` a no-op, so
/// the hot path carries nothing of it.
#[derive(Debug, Clone, Copy, Default)]
struct SearchCount {
    #[cfg(test)]
    bytes: usize,
}

impl SearchCount {
    #[inline(always)]
    fn add(&mut self, len: usize) {
        #[cfg(test)]
        {
            self.bytes += len;
        }
        let _ = len;
    }
}

/// A limit as the scanner keeps it: at most `u32::MAX`.
pub(crate) const fn clamp_limit(limit: usize) -> u32 {
    if limit > u32::MAX as usize {
        u32::MAX
    } else {
        limit as u32
    }
}

impl LineScanner {
    pub(crate) const fn new(max_line_len: usize) -> Self {
        LineScanner {
            max_line_len: clamp_limit(max_line_len),
            scan_from: 0,
            flags: 0,
            pending: 0,
            search_count: SearchCount {
                #[cfg(test)]
                bytes: 0,
            },
        }
    }

    /// Raises the line limit to at least `min`.
    #[inline]
    pub(crate) fn raise_limit(&mut self, min: usize) {
        self.max_line_len = self.max_line_len.max(clamp_limit(min));
    }

    /// How many bytes the line-end searches looked at (see [`SearchCount`]).
    #[cfg(test)]
    pub(crate) fn scanned(&self) -> usize {
        self.search_count.bytes
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

    /// Whether nothing is pending: past the BOM, no CR waiting for its LF, nothing being
    /// discarded or resumed. A tier may then find lines itself with [`LineScanner::find_end`]
    /// (its fast path), as long as it keeps the scanner informed.
    #[inline]
    pub(crate) fn is_plain(&self) -> bool {
        self.flags == BOM_DONE && self.pending == 0 && self.scan_from == 0
    }

    /// The line-length limit.
    #[inline]
    pub(crate) fn max_line_len(&self) -> usize {
        self.max_line_len as usize
    }

    /// The first line terminator in `haystack`, for a tier's fast path (counted in tests).
    #[inline(always)]
    pub(crate) fn find_end(&mut self, haystack: &[u8]) -> Option<usize> {
        let found = find_line_end(haystack);
        self.search_count
            .add(found.map_or(haystack.len(), |i| i + 1));
        found
    }

    /// A tier's fast path saw a blank line (its terminator at the front of the input).
    #[inline(always)]
    pub(crate) fn saw_terminator(&mut self) {
        self.search_count.add(1);
    }

    /// A tier's fast path searched the `len` bytes of a partial line (at most the line
    /// limit): the next search resumes after them.
    #[inline]
    pub(crate) fn searched(&mut self, len: usize) {
        self.scan_from = clamp_limit(len);
    }

    /// A tier searched `len` bytes for line ends itself (counted with the scanner's own
    /// searches in tests, so the linear-time tests see every search).
    #[inline(always)]
    pub(crate) fn count_search(&mut self, len: usize) {
        self.search_count.add(len);
    }

    /// Where the next line starts after the line end at `input[end]` (a CR or LF): past a
    /// CRLF, or past the CR or LF alone. A CR that is the input's last byte may still get its
    /// LF: the scanner skips an LF starting the next input. Every tier ends lines here.
    #[inline(always)]
    pub(crate) fn after_line_end(&mut self, input: &[u8], end: usize) -> usize {
        let next = end + 1;
        if input.get(end) != Some(&b'\r') {
            return next;
        }
        match input.get(next) {
            Some(b'\n') => next + 1,
            Some(_) => next,
            None => {
                self.flags |= SKIP_LF;
                next
            }
        }
    }

    /// Where the blank line at `input[at..]` ends, if one starts there (taken: its terminator
    /// is noted as if it had been searched).
    #[inline(always)]
    pub(crate) fn blank_line_at(&mut self, input: &[u8], at: usize) -> Option<usize> {
        match input.get(at) {
            Some(b'\n') => {
                self.saw_terminator();
                Some(at + 1)
            }
            Some(b'\r') => {
                self.saw_terminator();
                Some(self.after_line_end(input, at))
            }
            _ => None,
        }
    }

    /// The tiers' quick path for the commonest block, at a block's start in the plain state:
    /// whether `input` starts with a `data` line of at most `max` bytes, then a blank line
    /// ([`DataBlock::Whole`]; both taken), or ends inside such a line ([`DataBlock::Open`];
    /// searched to the end, which the caller streams or marks [`LineScanner::searched`]).
    /// Else `None`, having noted what it searched, so the general path resumes after it and
    /// no byte is searched twice.
    #[inline(always)]
    pub(crate) fn data_block(&mut self, input: &[u8], max: usize) -> Option<DataBlock> {
        let value = data_value_at(input)?;
        let found = find_line_end(input.get(value..)?);
        // `data:` holds no line end: the line is searched from its start.
        let end = value + found.unwrap_or(input.len() - value);
        if end <= max {
            match found {
                // A byte follows the terminator: ending the line leaves nothing pending.
                Some(_) if end + 1 < input.len() => {
                    let next = self.after_line_end(input, end);
                    if let Some(after) = self.blank_line_at(input, next) {
                        // The line's bytes and terminator (the blank line's was counted).
                        self.count_search(end + 1);
                        return Some(DataBlock::Whole { value, end, after });
                    }
                }
                None => {
                    self.count_search(end);
                    return Some(DataBlock::Open { value, end });
                }
                Some(_) => {}
            }
        }
        self.count_search(end);
        self.searched(end);
        None
    }

    /// After a [`DecodeError::LineTooLong`]: how many bytes (a BOM, an LF) precede the line.
    pub(crate) fn skipped_prefix(&self) -> usize {
        usize::from(self.pending)
    }

    /// The line just reported too long is taken over by the tier, which streams it instead:
    /// the error is forgotten. Returns how far into the input the scanner searched without
    /// finding a line end: the tier searches on from there.
    pub(crate) fn take_over_line(&mut self) -> usize {
        self.flags &= !DISCARDING;
        self.pending = 0;
        core::mem::take(&mut self.scan_from) as usize
    }

    /// Finds the next complete line in `input` (the bytes not consumed yet).
    ///
    /// On `Err` (a line over the limit) nothing is consumed: the caller calls again with the
    /// same input, and the scanner skips the line ([`Scan::Skipped`] once it ends).
    #[inline(always)]
    pub(crate) fn next_line(&mut self, input: &[u8]) -> Result<Scan, DecodeError> {
        let max = self.max_line_len as usize;
        // The common case, small enough to inline into every tier's loop: past the BOM, no CR
        // waiting for its LF, nothing being discarded or resumed after an error.
        if self.flags == BOM_DONE && self.pending == 0 && self.scan_from as usize <= input.len() {
            let from = self.scan_from as usize;
            // A blank line (one per event) needs no search.
            let found = match input.get(from) {
                Some(b'\n' | b'\r') => Some(0),
                _ => find_line_end(&input[from..]),
            };
            self.search_count
                .add(found.map_or(input.len() - from, |i| i + 1));
            match found {
                Some(offset) if from + offset <= max => {
                    let end = from + offset;
                    let next = self.after_line_end(input, end);
                    self.scan_from = 0;
                    return Ok(Scan::Line {
                        start: 0,
                        end,
                        next,
                    });
                }
                None if input.len() <= max => {
                    // Fits `u32`: at most `max`.
                    self.scan_from = input.len() as u32;
                    return Ok(Scan::Partial { consumed: 0 });
                }
                // Over the limit: the general path reports it.
                _ => {}
            }
        }
        self.next_line_general(input)
    }

    /// [`LineScanner::next_line`] in every state.
    #[cold]
    fn next_line_general(&mut self, input: &[u8]) -> Result<Scan, DecodeError> {
        let max = self.max_line_len as usize;
        // `min`: a caller that breaks the contract (a shorter input) gets nonsense, not a panic.
        let mut start = usize::from(self.pending).min(input.len());
        if self.flags & BOM_DONE == 0 {
            let n = input.len().min(BOM.len());
            if input[..n] == BOM[..n] {
                if n < BOM.len() {
                    // Maybe a BOM, maybe not: wait for its third byte.
                    return Ok(Scan::Partial { consumed: 0 });
                }
                start = BOM.len();
            }
            self.flags |= BOM_DONE;
        }
        if self.flags & SKIP_LF != 0 {
            let Some(&first) = input.get(start) else {
                self.pending = 0;
                return Ok(Scan::Partial { consumed: start });
            };
            if first == b'\n' {
                start += 1;
            }
            self.flags &= !SKIP_LF;
        }
        let from = start.max(self.scan_from as usize).min(input.len());
        let found = memchr::memchr2(b'\n', b'\r', &input[from..]);
        self.search_count
            .add(found.map_or(input.len() - from, |i| i + 1));
        let Some(offset) = found else {
            self.pending = 0;
            if self.flags & DISCARDING != 0 {
                // Drop the rest of the over-long line as it arrives.
                self.scan_from = 0;
                return Ok(Scan::Partial {
                    consumed: input.len(),
                });
            }
            if input.len() - start > max {
                return Err(self.too_long(start, input.len()));
            }
            self.scan_from = (input.len() - start) as u32;
            return Ok(Scan::Partial { consumed: start });
        };
        let end = from + offset;
        if self.flags & DISCARDING == 0 && end - start > max {
            return Err(self.too_long(start, end));
        }
        let next = self.after_line_end(input, end);
        self.scan_from = 0;
        self.pending = 0;
        if self.flags & DISCARDING != 0 {
            self.flags &= !DISCARDING;
            return Ok(Scan::Skipped { next });
        }
        Ok(Scan::Line { start, end, next })
    }

    /// The line starting at `start` (at most a BOM or an LF into the input) is too long;
    /// `scanned` is how far it was searched.
    fn too_long(&mut self, start: usize, scanned: usize) -> DecodeError {
        self.flags |= DISCARDING;
        // At most 3 (a BOM) or 1 (an LF): a skipped prefix is all that precedes the line.
        self.pending = start as u8;
        self.scan_from = clamp_limit(scanned);
        DecodeError::LineTooLong {
            limit: self.max_line_len as usize,
        }
    }
}

/// What [`LineScanner::data_block`] found at a block's start (offsets into its input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataBlock {
    /// The `data` line `..end`, its value from `value`, then a blank line; the input after
    /// the block starts at `after`.
    Whole {
        value: usize,
        end: usize,
        after: usize,
    },
    /// A `data` line the input ends inside (at `end`), its value from `value`.
    Open { value: usize, end: usize },
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
        let end = find_line_end(self.rest).unwrap_or(self.rest.len());
        let line = &self.rest[..end];
        let next = match self.rest.get(end..end + 2) {
            Some(b"\r\n") => end + 2,
            _ => (end + 1).min(self.rest.len()),
        };
        self.rest = &self.rest[next..];
        Some(line)
    }
}
