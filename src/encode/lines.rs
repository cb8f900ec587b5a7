//! Text written as one field line per line of it (event data, comments), measured and
//! written with one scan when it holds no line break, the common case.

use super::sink::{put_field, Sink};

/// The exact length of `text` written as lines whose prefix (`data: ` and `data:\n`, which
/// have the same length) is `prefix_len` bytes, and the position of its first line break.
///
/// Text without a line break (JSON, tokens) costs one scan, and writing it then needs no scan
/// at all.
#[inline(always)]
pub(crate) fn measure(prefix_len: usize, text: &[u8]) -> (usize, Option<usize>) {
    let first_break = if text.len() >= LONG || has_line_break(text) {
        memchr::memchr2(b'\r', b'\n', text)
    } else {
        None
    };
    match first_break {
        None => (line_len(prefix_len, text.len()), None),
        Some(first) => (measure_broken(prefix_len, text, first), Some(first)),
    }
}

/// From this length on, `memchr2` (wider vectors where the CPU has them) finds line breaks
/// faster than [`has_line_break`]; below it, its set-up costs as much as the search.
const LONG: usize = 256;

/// Whether `text`, shorter than [`LONG`], holds a CR or LF.
///
/// Up to 128 bytes, two fixed-size blocks that overlap (or meet) cover the text: a few SIMD
/// compares, no loop, and no branch that depends on the length within a size class, so
/// events of similar size (JSON of varying length) do not mispredict a loop exit each time.
#[inline(always)]
fn has_line_break(text: &[u8]) -> bool {
    match text.len() {
        0..8 => text.iter().any(|&b| b == b'\r' || b == b'\n'),
        8..16 => first_or_last_has_line_break::<8>(text),
        16..32 => first_or_last_has_line_break::<16>(text),
        32..64 => first_or_last_has_line_break::<32>(text),
        64..=128 => first_or_last_has_line_break::<64>(text),
        _ => {
            let mut rest = text;
            while let Some((block, tail)) = rest.split_first_chunk::<64>() {
                if block_has_line_break(block) {
                    return true;
                }
                rest = tail;
            }
            !rest.is_empty() && first_or_last_has_line_break::<64>(text)
        }
    }
}

/// Whether the first or the last `N` bytes of `text` hold a CR or LF: all of it when
/// `N <= text.len() <= 2 * N`.
#[inline(always)]
fn first_or_last_has_line_break<const N: usize>(text: &[u8]) -> bool {
    match (text.first_chunk::<N>(), text.last_chunk::<N>()) {
        (Some(first), Some(last)) => block_has_line_break(first) | block_has_line_break(last),
        _ => text.iter().any(|&b| b == b'\r' || b == b'\n'),
    }
}

/// Whether `block` holds a CR or LF, without branching inside the block.
#[inline(always)]
fn block_has_line_break<const N: usize>(block: &[u8; N]) -> bool {
    let mut found = 0u8;
    for &b in block {
        found |= u8::from(b == b'\r') | u8::from(b == b'\n');
    }
    found != 0
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
///
/// `value_len` is the length of a slice (at most `isize::MAX`) and `prefix_len` a few bytes,
/// so this cannot overflow; only the sums of several lines saturate.
pub(crate) fn line_len(prefix_len: usize, value_len: usize) -> usize {
    prefix_len + value_len + usize::from(value_len != 0)
}

/// What follows the line break at `at` (a CRLF is one line break).
fn after_break(text: &[u8], at: usize) -> &[u8] {
    let crlf = text[at] == b'\r' && text.get(at + 1) == Some(&b'\n');
    &text[at + 1 + usize::from(crlf)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length through each size class (two overlapping blocks of 8 to 64 bytes), the
    /// loop above 128 and up to [`LONG`]; a CR or an LF at every position, among bytes that
    /// differ from them by a bit.
    #[test]
    fn has_line_break_at_every_length_and_position() {
        for len in (0..=200).chain([LONG - 65, LONG - 64, LONG - 1]) {
            for fill in [b'a', 0x0B, 0x0C, 0x0E, 0x8A, 0x8D, 0x00] {
                let clean = std::vec![fill; len];
                assert!(!has_line_break(&clean), "len {len} fill {fill:#x}");
                for at in 0..len {
                    for byte in [b'\r', b'\n'] {
                        let mut text = clean.clone();
                        text[at] = byte;
                        assert!(has_line_break(&text), "{byte:#x} at {at} of {len}");
                    }
                }
            }
        }
    }

    #[test]
    fn measure_finds_the_first_break_on_both_sides_of_long() {
        for len in [LONG - 1, LONG, LONG + 1] {
            let mut text = std::vec![b'x'; len];
            assert_eq!(measure(6, &text), (6 + len + 1, None));
            text[len - 1] = b'\r';
            assert_eq!(measure(6, &text), (6 + (len - 1) + 1 + 6, Some(len - 1)));
        }
    }
}
