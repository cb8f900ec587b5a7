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
        // Comments and data lines first: they are most of any stream. Then the first byte
        // picks the one known name the line can start with, and a word compare decides it.
        // Known names hold no colon, so a colon (or the line's end) right after one is the
        // line's first colon.
        if first == b':' {
            return Line::Comment(strip_space(&line[1..]));
        }
        if let Some(value) = field_value(line, b"data") {
            return Line::Data(value);
        }
        match first {
            b'e' => {
                if let Some(value) = field_value(line, b"event") {
                    return Line::Event(value);
                }
            }
            b'i' => match field_value(line, b"id") {
                // A loop, not `contains` (a call into `memchr`): IDs are short.
                Some(value) if value.iter().all(|&b| b != 0) => return Line::Id(value),
                _ => {}
            },
            b'r' => {
                if let Some(value) = field_value(line, b"retry") {
                    return match parse_retry(value) {
                        Some(ms) => Line::Retry(ms),
                        None => Line::Ignored {
                            name: &line[..5],
                            value,
                        },
                    };
                }
            }
            _ => {}
        }
        split_unknown(line)
    }
}

/// The value of the field `name` if `line` is one: `name`, then a colon (the value follows,
/// without one leading space) or the line's end (an empty value).
#[inline(always)]
fn field_value<'a, const N: usize>(line: &'a [u8], name: &[u8; N]) -> Option<&'a [u8]> {
    let (head, rest) = line.split_first_chunk::<N>()?;
    if head != name {
        return None;
    }
    match rest.split_first() {
        None => Some(rest),
        Some((b':', value)) => Some(strip_space(value)),
        Some(_) => None,
    }
}

/// Any other line: an unknown field (its name is everything before the first colon), or a
/// known name with an `id` holding NUL.
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
