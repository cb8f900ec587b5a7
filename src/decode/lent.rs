//! What the lending decoder lends, and where it finds it: the event view, the last event ID
//! (in place in the decoder's text while it can be), and the walk over a held block's lines
//! that finds its comments and `retry` values in line order.

use alloc::string::String;
use core::ops::Range;

use super::field::Line;
use super::line_end::find_line_end;
use super::raw_event::BlockInfo;
use super::stream_state::IdStore;
use super::text::push_utf8;
use crate::Event;

/// An event as the [`LendingDecoder`](super::LendingDecoder) lends it: type, data and last event ID as `&str`s
/// borrowed from the decoder (invalid UTF-8 replaced with U+FFFD, as the spec says). Call
/// [`EventView::to_owned`] to keep it past the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventView<'a> {
    pub(super) event_type: &'a str,
    pub(super) data: &'a str,
    pub(super) last_event_id: &'a str,
}

impl<'a> EventView<'a> {
    /// The event type: the last `event` value, or `message` if there was none or it was empty.
    pub fn event_type(&self) -> &'a str {
        self.event_type
    }

    /// The data: `data` lines joined with LF.
    pub fn data(&self) -> &'a str {
        self.data
    }

    /// The stream's last event ID when this event fired (`""` if none).
    pub fn last_event_id(&self) -> &'a str {
        self.last_event_id
    }

    /// The event as an owned [`Event`] (allocates the data, and the type and ID if set).
    #[allow(clippy::wrong_self_convention)]
    pub fn to_owned(&self) -> Event {
        Event::new(self.event_type, String::from(self.data), self.last_event_id)
    }
}

/// The lending decoder's last event ID: where it lies in the decoder's text while the text
/// holds it (a block's `id` is not copied), else a copy of its own, made only when the text
/// drops those bytes or for an ID the caller sets.
#[derive(Debug, Clone)]
pub(super) struct TextId {
    copy: String,
    /// `text[start..end]` is the ID; `None`: `copy` is.
    at: Option<(usize, usize)>,
}

impl TextId {
    pub(super) const fn new() -> Self {
        TextId {
            copy: String::new(),
            at: None,
        }
    }

    /// The ID is now `text[range]` (a block's `id` value).
    #[inline]
    pub(super) fn point_at(&mut self, range: Range<usize>) {
        self.at = Some((range.start, range.end));
    }

    /// The ID, given the decoder's text.
    #[inline]
    pub(super) fn get<'a>(&'a self, text: &'a str) -> &'a str {
        match self.at {
            Some((start, end)) => text.get(start..end).unwrap_or_default(),
            None => &self.copy,
        }
    }

    /// `text` is about to drop its first `n` bytes: an ID after them moves with the rest, one
    /// among them is copied out first.
    pub(super) fn text_drops(&mut self, text: &str, n: usize) {
        match &mut self.at {
            Some((start, end)) if *start >= n => {
                *start -= n;
                *end -= n;
            }
            _ => self.copy_out(text),
        }
    }

    /// `text` is about to be dropped or replaced: the ID is copied out of it.
    pub(super) fn copy_out(&mut self, text: &str) {
        if let Some((start, end)) = self.at.take() {
            self.copy.clear();
            self.copy.push_str(text.get(start..end).unwrap_or_default());
        }
    }
}

impl IdStore for TextId {
    /// A caller's ID (or one persisted): copied, invalid UTF-8 replaced.
    #[inline]
    fn set(&mut self, id: &[u8]) {
        self.at = None;
        self.copy.clear();
        let mut carry = [0; 4];
        if push_utf8(&mut self.copy, id, &mut carry) != 0 {
            self.copy.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// What the decoder will lend next, from the block it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pending {
    Nothing,
    /// A comment line's text, at `buf[range]`.
    Comment {
        start: usize,
        end: usize,
    },
    Retry(u64),
    /// The block's event.
    Event,
}

/// The block being reported, kept in `buf` until its items are lent.
#[derive(Debug, Clone, Copy)]
pub(super) struct Current {
    /// Where the block is in `buf`.
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) info: BlockInfo,
    /// How far (from the block's start) its lines were walked for comments and retries;
    /// `None` when they need no walk (none there, or all lent).
    pub(super) walk: Option<usize>,
    /// The event is still to be lent.
    pub(super) fires: bool,
}

/// The next thing `current` has to lend, walking its lines from where the last walk stopped:
/// comments and retries in line order, then the event. The walk is written out here, not
/// through `BlockLines`, so that it stays in registers (benches/compare/RESULTS.md).
#[inline(always)]
pub(super) fn next_pending(buf: &[u8], current: &mut Current) -> Pending {
    if let Some(mut at) = current.walk {
        let block = buf.get(current.start..current.end).unwrap_or_default();
        while let Some(rest) = block.get(at..).filter(|rest| !rest.is_empty()) {
            let len = find_line_end(rest).unwrap_or(rest.len());
            let line = rest.get(..len).unwrap_or_default();
            // Complete lines: past a CRLF, or the CR or LF alone.
            let line_start = at;
            at += len
                + if rest.get(len..len + 2) == Some(b"\r\n") {
                    2
                } else {
                    1
                };
            let pending = match Line::parse(line) {
                Line::Comment(text) => {
                    // A suffix of the line.
                    let end = current.start + line_start + len;
                    Pending::Comment {
                        start: end - text.len(),
                        end,
                    }
                }
                Line::Retry(ms) => Pending::Retry(ms),
                _ => continue,
            };
            current.walk = Some(at);
            return pending;
        }
        current.walk = None;
    }
    if core::mem::take(&mut current.fires) {
        return Pending::Event;
    }
    Pending::Nothing
}
