//! Text written as one field line per line of it (event data, comments), measured and
//! written with one scan when it holds no line break, the common case.

use super::sink::{put_field, Sink};

/// The exact length of `text` written as lines whose prefix (`data: ` and `data:\n`, which
/// have the same length) is `prefix_len` bytes, and the position of its first line break.
///
/// Text without a line break (JSON, tokens) costs one `memchr2`, and writing it then needs
/// no scan at all.
#[inline(always)]
pub(crate) fn measure(prefix_len: usize, text: &[u8]) -> (usize, Option<usize>) {
    match memchr::memchr2(b'\r', b'\n', text) {
        None => (line_len(prefix_len, text.len()), None),
        Some(first) => (measure_broken(prefix_len, text, first), Some(first)),
    }
}

/// Writes `text` as [`measure`] measured it: one field line per line of it. CR, LF and CRLF
/// each end a line, and a trailing line break yields a final empty line, so a decoder
/// joining the lines with LF gets `text` back with every line break as LF.
///
/// `first_break` is what [`measure`] returned for `text`. Inlined for the one-line case,
/// which then is just the prefix, the text and a line feed.
#[inline(always)]
pub(crate) fn write<S: Sink>(
    sink: &mut S,
    with_space: &[u8],
    bare: &[u8],
    text: &[u8],
    first_break: Option<usize>,
) {
    match first_break {
        None => put_field(sink, with_space, bare, text),
        Some(first) => write_broken(sink, with_space, bare, text, first),
    }
}

/// [`write`] for text with line breaks, the first at `first`.
#[inline(never)]
fn write_broken<S: Sink>(sink: &mut S, with_space: &[u8], bare: &[u8], text: &[u8], first: usize) {
    put_field(sink, with_space, bare, &text[..first]);
    let mut rest = after_break(text, first);
    while let Some(end) = memchr::memchr2(b'\r', b'\n', rest) {
        put_field(sink, with_space, bare, &rest[..end]);
        rest = after_break(rest, end);
    }
    put_field(sink, with_space, bare, rest);
}

/// The length of text with line breaks, the first at `first`: the slow path, kept out of
/// line so the common one stays small.
#[inline(never)]
fn measure_broken(prefix_len: usize, text: &[u8], first: usize) -> usize {
    let mut len = line_len(prefix_len, first);
    let mut rest = after_break(text, first);
    while let Some(end) = memchr::memchr2(b'\r', b'\n', rest) {
        len = len.saturating_add(line_len(prefix_len, end));
        rest = after_break(rest, end);
    }
    len.saturating_add(line_len(prefix_len, rest.len()))
}

/// The length of one field line holding `value_len` bytes: `name: value` LF, or `name:` LF.
pub(crate) fn line_len(prefix_len: usize, value_len: usize) -> usize {
    prefix_len
        .saturating_add(value_len)
        .saturating_add(usize::from(value_len != 0))
}

/// What follows the line break at `at` (a CRLF is one line break).
fn after_break(text: &[u8], at: usize) -> &[u8] {
    let crlf = text[at] == b'\r' && text.get(at + 1) == Some(&b'\n');
    &text[at + 1 + usize::from(crlf)..]
}
