//! Classifying one line by the spec's field rules: the bottom of the decode wing (it imports
//! nothing from it). The scanner finds lines; this says what each one is.

/// One line of an event stream, classified by the spec's rules, borrowing the input.
///
/// Field values have their one leading space removed. Values are bytes: the spec decodes
/// the stream as UTF-8 (invalid sequences become U+FFFD), which the owned tier does for you;
/// at this tier you decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Line<'a> {
    /// An empty line: dispatches the event built so far.
    Blank,
    /// A comment (`:` first): the text after the colon, without one leading space.
    Comment(&'a [u8]),
    /// A `data` field: appended to the data buffer, followed by LF.
    Data(&'a [u8]),
    /// An `event` field: sets the event type buffer.
    Event(&'a [u8]),
    /// An `id` field without NUL: sets the last event ID buffer.
    Id(&'a [u8]),
    /// A `retry` field made only of ASCII digits that fits a `u64`: the reconnection time in ms.
    Retry(u64),
    /// Any other field, which the spec ignores: an unknown name, an `id` holding NUL, or a
    /// `retry` value that is not all ASCII digits (or overflows `u64`).
    Ignored {
        /// The field name (everything before the first colon, or the whole line).
        name: &'a [u8],
        /// The field value (after the first colon, without one leading space).
        value: &'a [u8],
    },
}

impl<'a> Line<'a> {
    /// Classifies one line's content (without its terminator).
    ///
    /// ```
    /// use sse_wire::decode::Line;
    /// assert_eq!(Line::parse(b"data: hi"), Line::Data(b"hi"));
    /// assert_eq!(Line::parse(b"data"), Line::Data(b""));
    /// assert_eq!(Line::parse(b"retry: 10"), Line::Retry(10));
    /// assert_eq!(Line::parse(b"retry: 1e3"), Line::Ignored { name: b"retry", value: b"1e3" });
    /// ```
    #[inline(always)]
    pub fn parse(line: &'a [u8]) -> Line<'a> {
        let Some(&first) = line.first() else {
            return Line::Blank;
        };
        if first == b':' {
            return Line::Comment(strip_space(&line[1..]));
        }
        // The line that matters most, checked first.
        if let Some(value) = line.strip_prefix(b"data:") {
            return Line::Data(strip_space(value));
        }
        // Known names are at most 5 bytes: look for their colon in the first 6 bytes only,
        // so a long data line is not scanned again here.
        let head = &line[..line.len().min(6)];
        let (name, value) = match head.iter().position(|&b| b == b':') {
            Some(colon) => (&line[..colon], strip_space(&line[colon + 1..])),
            None if line.len() <= 5 => (line, &line[line.len()..]),
            None => return split_unknown(line),
        };
        match name {
            b"data" => Line::Data(value),
            b"event" => Line::Event(value),
            // `contains`, not `memchr`: IDs are short, where a call into memchr costs more
            // than the loop.
            b"id" if !value.contains(&0) => Line::Id(value),
            b"retry" => match parse_retry(value) {
                Some(ms) => Line::Retry(ms),
                None => Line::Ignored { name, value },
            },
            _ => Line::Ignored { name, value },
        }
    }
}

/// A field whose name is longer than any known one.
#[cold]
fn split_unknown(line: &[u8]) -> Line<'_> {
    match memchr::memchr(b':', line) {
        Some(colon) => Line::Ignored {
            name: &line[..colon],
            value: strip_space(&line[colon + 1..]),
        },
        None => Line::Ignored {
            name: line,
            value: &line[line.len()..],
        },
    }
}

fn strip_space(value: &[u8]) -> &[u8] {
    match value.first() {
        Some(b' ') => &value[1..],
        _ => value,
    }
}

/// Where the value starts if `line` (no terminator searched yet) is known to be a data line
/// with its leading space decided: `data:` and at least one more byte.
#[inline(always)]
pub(crate) fn data_value_at(line: &[u8]) -> Option<usize> {
    // Word compares: a slice pattern compares byte by byte.
    let (name, rest) = line.split_first_chunk::<4>()?;
    let (&colon, rest) = rest.split_first()?;
    if u32::from_le_bytes(*name) != u32::from_le_bytes(*b"data") || colon != b':' {
        return None;
    }
    Some(5 + usize::from(*rest.first()? == b' '))
}

/// ASCII digits only (no sign, no space), at least one, fitting `u64`.
pub(crate) fn parse_retry(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |ms, &b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        ms.checked_mul(10)?.checked_add(u64::from(digit))
    })
}
