//! Streaming a `data` line through the interpreter: its bytes are handed to the tier as they
//! arrive, so no tier keeps a partial data line, with the line and event limits checked
//! against every piece.

use super::dispatch::{clamp, Interpreter, Step, DISCARDING, HAS_DATA, IN_DATA};
use super::field::data_value_at;
use crate::DecodeError;

impl Interpreter {
    /// How many bytes a tier may append to the `data` line being streamed without a call to
    /// [`Interpreter::step`] (none break a limit): 0 when no data line is streamed.
    #[inline]
    pub(crate) fn data_room(&self) -> usize {
        if self.flags & (IN_DATA | DISCARDING) != IN_DATA {
            return 0;
        }
        let line = self
            .scanner
            .max_line_len()
            .saturating_sub(self.line_len as usize);
        let event = self.max_event_len.saturating_sub(self.block_len) as usize;
        line.min(event)
    }

    /// After a [`Step::Partial`] that left `partial_len > 0` bytes unconsumed (a partial line
    /// the tier keeps): how many bytes without a line end may be appended to it before a call
    /// could do more than return `Partial` again (hit a limit).
    #[inline]
    pub(crate) fn room(&self, partial_len: usize) -> usize {
        if self.scanner.awaiting_bom() || self.flags & DISCARDING != 0 {
            return 0;
        }
        let line = self.scanner.max_line_len().saturating_sub(partial_len);
        let event = (self.max_event_len as usize)
            .saturating_sub((self.block_len as usize).saturating_add(partial_len));
        line.min(event)
    }

    /// The tier appended `len` more bytes (within [`Interpreter::data_room`], searched) to the
    /// `data` line being streamed.
    #[inline]
    pub(crate) fn streamed(&mut self, len: usize) {
        // Within the room: no limit, so no `u32`, is passed.
        self.line_len += len as u32;
        self.block_len += len as u32;
    }

    /// The streamed `data` line ends at `input[end]` (the tier appended `input[..end]` after
    /// [`Interpreter::streamed`]); returns where the next line starts.
    #[inline]
    pub(crate) fn end_data_line(&mut self, input: &[u8], end: usize) -> usize {
        self.flags &= !IN_DATA;
        let next = self.scanner.after_line_end(input, end);
        self.block_len = clamp(self.block_len as usize + next - end);
        next
    }

    /// No complete line in `input[at..]`: check the event limit against the partial line, or,
    /// if `stream` and it is a `data` line, start streaming it. (Once per read: kept out of
    /// the per-line loop.)
    #[inline(never)]
    pub(super) fn partial(
        &mut self,
        input: &[u8],
        at: &mut usize,
        consumed: usize,
        stream: bool,
    ) -> Result<Step, DecodeError> {
        let next = *at + consumed;
        // Bytes that may still be a BOM are no partial line.
        let partial_len = if self.scanner.awaiting_bom() {
            0
        } else {
            input.len() - next
        };
        let discarding = self.flags & DISCARDING != 0;
        // What the scanner consumed without completing a line (the LF of a CRLF split across
        // chunks) belongs to the block, as it does when the line completes.
        if consumed != 0 && self.block_len != 0 && !discarding {
            self.block_len = clamp(self.block_len as usize + consumed);
        }
        if partial_len > 0 && discarding {
            self.scanner.discard_line();
            return Ok(Step::Partial {
                consumed: input.len(),
            });
        }
        if partial_len > 0 {
            let block_len = self.block_len as usize + partial_len;
            if block_len > self.max_event_len as usize {
                self.scanner.discard_line();
                *at = input.len();
                return Err(self.event_too_long());
            }
            if stream && data_value_at(&input[next..]).is_some() {
                // The scanner searched the line's bytes; the streaming goes on from its end.
                self.scanner.searched(0);
                self.flags |= IN_DATA;
                self.line_len = 0;
                *at = next;
                if let Some(step) = self.piece(input, at, true)? {
                    return Ok(step);
                }
            }
        }
        Ok(Step::Partial { consumed: next })
    }

    /// The next piece of the `data` line being streamed, from `input[*at..]` (its start, with
    /// its name, if `starts`; those bytes were searched already). `None`: the piece ended an
    /// offending line, dropped; the next lines follow.
    #[inline(never)]
    pub(super) fn piece(
        &mut self,
        input: &[u8],
        at: &mut usize,
        starts: bool,
    ) -> Result<Option<Step>, DecodeError> {
        let rest = &input[*at..];
        let (len, ended) = if starts {
            (rest.len(), None)
        } else {
            match self.scanner.find_end(rest) {
                Some(len) => (len, Some(len)),
                None => (rest.len(), None),
            }
        };
        let discarding = self.flags & DISCARDING != 0;
        let mut value = *at..*at + len;
        let first = self.flags & HAS_DATA == 0;
        if !discarding {
            let line_len = self.line_len as usize + len;
            let block_len = self.block_len as usize + len;
            if line_len > self.scanner.max_line_len() {
                return Err(self.offended(DecodeError::LineTooLong {
                    limit: self.scanner.max_line_len(),
                }));
            }
            if block_len > self.max_event_len as usize {
                return Err(self.event_too_long());
            }
            self.line_len = clamp(line_len);
            self.block_len = clamp(block_len);
            self.flags |= HAS_DATA;
            if starts {
                value.start += data_value_at(rest).unwrap_or(0);
            }
        }
        let next = match ended {
            Some(len) => {
                self.flags &= !IN_DATA;
                let end = *at + len;
                let next = self.scanner.after_line_end(input, end);
                if !discarding {
                    self.block_len = clamp(self.block_len as usize + next - end);
                }
                Some(next)
            }
            None => None,
        };
        *at = next.unwrap_or(input.len());
        if discarding {
            // The rest of an offending line: dropped.
            return Ok(next.is_none().then_some(Step::Partial {
                consumed: input.len(),
            }));
        }
        Ok(Some(Step::Piece {
            value,
            starts,
            first: first && starts,
            next,
        }))
    }
}
