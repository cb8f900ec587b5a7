//! The owned tiers' text: the lending decoder's input decoded as UTF-8 once, as the spec
//! orders it, and the `&str`s it lends, found by where their bytes lie in it; the owned
//! decoder's chunks checked once ([`Utf8Prefix`]) so an event's data is a slice of them.

use alloc::string::String;
use core::ops::Range;

use super::event::to_string;
use super::utf8::{from_utf8, split_ascii};

/// Where `part` (a subslice of `buf`) is in `buf`.
pub(super) fn sub_range(buf: &[u8], part: &[u8]) -> Range<usize> {
    let start = (part.as_ptr() as usize).wrapping_sub(buf.as_ptr() as usize);
    start..start + part.len()
}

/// `part`, a slice of `text`'s bytes on character boundaries (a field value or line: they
/// start and end next to ASCII bytes), as the `&str` it is; `""` if it is not one.
#[inline]
pub(super) fn str_at<'a>(text: &'a str, part: &[u8]) -> &'a str {
    text.get(sub_range(text.as_bytes(), part))
        .unwrap_or_default()
}

/// Appends `bytes` to `text` as UTF-8, invalid sequences replaced with U+FFFD (as
/// `String::from_utf8_lossy`); a character `bytes` ends inside is left out and copied to
/// `carry`. Returns how many bytes were carried.
pub(super) fn push_utf8(text: &mut String, bytes: &[u8], carry: &mut [u8; 4]) -> u8 {
    let (ascii, bytes) = split_ascii(bytes);
    text.push_str(ascii);
    if let Ok(valid) = core::str::from_utf8(bytes) {
        text.push_str(valid);
        return 0;
    }
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        text.push_str(chunk.valid());
        let invalid = chunk.invalid();
        if invalid.is_empty() {
            continue;
        }
        if chunks.peek().is_none() && invalid.len() < utf8_len(invalid[0]) {
            // A character's first bytes: the next push completes it (or shows it invalid).
            carry[..invalid.len()].copy_from_slice(invalid);
            return invalid.len() as u8;
        }
        text.push(char::REPLACEMENT_CHARACTER);
    }
    0
}

/// How many bytes the UTF-8 sequence led by `lead` has (1 for bytes that lead none).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// The valid UTF-8 prefix of a chunk's complete lines, checked once per chunk (when its first
/// event is dispatched): an event's data is then a cheap slice of it, not validated alone.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Utf8Prefix<'c> {
    /// A prefix of the unconsumed chunk, once `checked`.
    text: &'c str,
    checked: bool,
}

impl<'c> Utf8Prefix<'c> {
    /// `input[range]` (input: the unconsumed chunk) as a `String`, invalid UTF-8 replaced.
    #[inline]
    pub(super) fn string(&mut self, input: &'c [u8], range: Range<usize>) -> String {
        if !self.checked {
            self.checked = true;
            // Through the last line end only: a character split across chunks is no error.
            let lines = &input[..memchr::memrchr2(b'\n', b'\r', input).unwrap_or(0)];
            self.text = match from_utf8(lines) {
                Ok(text) => text,
                Err(error) => from_utf8(&lines[..error.valid_up_to()]).unwrap_or(""),
            };
        }
        match self.text.get(range.clone()) {
            Some(text) => String::from(text),
            None => to_string(&input[range]),
        }
    }

    /// Drops `n` bytes (whole lines) from the front.
    #[inline]
    pub(super) fn advance(&mut self, n: usize) {
        if self.checked {
            self.text = self.text.get(n..).unwrap_or("");
        }
    }
}
