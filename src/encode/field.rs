//! Validated field values: an event type or an event ID that cannot break the stream.
//!
//! A CR or LF inside a field value would end its line early and turn the rest into a new
//! line of the attacker's choosing (another `data:` line, or a blank line dispatching early).
//! An `id` holding NUL is ignored by every conforming decoder. So both are rejected when the
//! value is built, once, and the encoder never checks or escapes anything afterwards.

use core::fmt;

/// Why a field value cannot be encoded, or why an encoding could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// An event type held a CR or LF, which would end its line early.
    InvalidEventType {
        /// Byte offset of the first offending byte.
        position: usize,
        /// The offending byte (`b'\r'` or `b'\n'`).
        byte: u8,
    },
    /// An event ID held a CR, LF or NUL (a decoder ignores an `id` holding NUL).
    InvalidId {
        /// Byte offset of the first offending byte.
        position: usize,
        /// The offending byte (`b'\r'`, `b'\n'` or `0`).
        byte: u8,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::InvalidEventType { position, byte } => write!(
                f,
                "event type holds byte {byte:#04x} at offset {position} (CR and LF are not allowed)"
            ),
            EncodeError::InvalidId { position, byte } => write!(
                f,
                "event ID holds byte {byte:#04x} at offset {position} (CR, LF and NUL are not allowed)"
            ),
        }
    }
}

impl core::error::Error for EncodeError {}

/// The first CR or LF (and NUL if `nul_too`) in `value`, as `(position, byte)`.
///
/// Field values are short and almost always clean, so a word-at-a-time test that no byte is
/// below 14 (all three are) rules most out without a per-byte loop; only a value that fails
/// it (one with a control byte, such as a tab) is walked byte by byte.
const fn find_forbidden(value: &[u8], nul_too: bool) -> Option<(usize, u8)> {
    if !has_byte_below_14(value) {
        return None;
    }
    let mut i = 0;
    while i < value.len() {
        let b = value[i];
        if b == b'\r' || b == b'\n' || (nul_too && b == 0) {
            return Some((i, b));
        }
        i += 1;
    }
    None
}

/// Whether any byte of `value` is below 14 (may be a CR, LF or NUL): whole words at a time,
/// the last one overlapping the one before, so there is no byte-by-byte tail.
const fn has_byte_below_14(value: &[u8]) -> bool {
    if let Some(last) = value.last_chunk::<8>() {
        let mut rest = value;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            if word_has_byte_below_14(u64::from_le_bytes(*word)) {
                return true;
            }
            rest = tail;
        }
        return !rest.is_empty() && word_has_byte_below_14(u64::from_le_bytes(*last));
    }
    if let (Some(first), Some(last)) = (value.first_chunk::<4>(), value.last_chunk::<4>()) {
        let word = u32::from_le_bytes(*first) as u64 | (u32::from_le_bytes(*last) as u64) << 32;
        return word_has_byte_below_14(word);
    }
    let mut i = 0;
    while i < value.len() {
        if value[i] < 14 {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether any byte of `word` is below 14 (the classic `hasless(word, 14)` test: exact for
/// a bound up to 128; a borrow can mark a wrong byte, but only above one that is below 14).
const fn word_has_byte_below_14(word: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    word.wrapping_sub(ONES * 14) & !word & HIGH != 0
}

/// An event type (the `event` field) that is safe to write: it holds no CR or LF.
///
/// A decoder reports it as the event's type; `message` is what a decoder reports when there is
/// no `event` field, so `EventType::MESSAGE` is never worth writing.
///
/// ```
/// use sse_wire::{EncodeError, EventType};
///
/// const UPDATE: EventType<'static> = EventType::from_static("update");
/// assert_eq!(UPDATE.as_str(), "update");
/// assert!(matches!(EventType::new("a\nb"), Err(EncodeError::InvalidEventType { position: 1, .. })));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventType<'a>(&'a str);

impl<'a> EventType<'a> {
    /// `message`, the type a decoder reports for events without an `event` field.
    pub const MESSAGE: EventType<'static> = EventType("message");

    /// Validates an event type.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidEventType`] if `value` holds a CR or LF.
    #[inline]
    pub const fn new(value: &'a str) -> Result<Self, EncodeError> {
        match find_forbidden(value.as_bytes(), false) {
            None => Ok(EventType(value)),
            Some((position, byte)) => Err(EncodeError::InvalidEventType { position, byte }),
        }
    }

    /// An event type from a literal, checked at compile time when used in a `const`.
    ///
    /// # Panics
    ///
    /// If `value` holds a CR or LF. In a `const` item that is a compile error, so use this
    /// for literals and [`EventType::new`] for anything else:
    ///
    /// ```compile_fail
    /// const BAD: sse_wire::EventType<'static> = sse_wire::EventType::from_static("a\nb");
    /// ```
    pub const fn from_static(value: &'static str) -> EventType<'static> {
        match EventType::new(value) {
            Ok(event_type) => event_type,
            Err(_) => panic!("an event type must not contain CR or LF"),
        }
    }

    /// The value.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }
}

impl AsRef<str> for EventType<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl fmt::Display for EventType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl<'a> TryFrom<&'a str> for EventType<'a> {
    type Error = EncodeError;

    fn try_from(value: &'a str) -> Result<Self, EncodeError> {
        EventType::new(value)
    }
}

/// An event ID (the `id` field) that is safe to write: it holds no CR, LF or NUL.
///
/// A decoder keeps it as the stream's last event ID and a client sends it back as
/// `Last-Event-ID` when it reconnects. The empty ID is valid: it resets the last event ID.
///
/// ```
/// use sse_wire::{EncodeError, EventId};
///
/// assert_eq!(EventId::new("42")?.as_str(), "42");
/// assert!(matches!(EventId::new("4\02"), Err(EncodeError::InvalidId { position: 1, byte: 0 })));
/// # Ok::<(), EncodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId<'a>(&'a str);

impl<'a> EventId<'a> {
    /// The empty ID: written as `id:`, it resets the client's last event ID.
    pub const EMPTY: EventId<'static> = EventId("");

    /// Validates an event ID.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidId`] if `value` holds a CR, LF or NUL.
    #[inline]
    pub const fn new(value: &'a str) -> Result<Self, EncodeError> {
        match find_forbidden(value.as_bytes(), true) {
            None => Ok(EventId(value)),
            Some((position, byte)) => Err(EncodeError::InvalidId { position, byte }),
        }
    }

    /// An event ID from a literal, checked at compile time when used in a `const`.
    ///
    /// # Panics
    ///
    /// If `value` holds a CR, LF or NUL. In a `const` item that is a compile error:
    ///
    /// ```compile_fail
    /// const BAD: sse_wire::EventId<'static> = sse_wire::EventId::from_static("1\02");
    /// ```
    pub const fn from_static(value: &'static str) -> EventId<'static> {
        match EventId::new(value) {
            Ok(id) => id,
            Err(_) => panic!("an event ID must not contain CR, LF or NUL"),
        }
    }

    /// The value.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }
}

impl AsRef<str> for EventId<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl fmt::Display for EventId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl<'a> TryFrom<&'a str> for EventId<'a> {
    type Error = EncodeError;

    fn try_from(value: &'a str) -> Result<Self, EncodeError> {
        EventId::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_type_rejects_cr_and_lf_with_position() {
        assert_eq!(
            EventType::new("ab\rc"),
            Err(EncodeError::InvalidEventType {
                position: 2,
                byte: b'\r'
            })
        );
        assert_eq!(
            EventType::new("\n"),
            Err(EncodeError::InvalidEventType {
                position: 0,
                byte: b'\n'
            })
        );
    }

    #[test]
    fn event_type_accepts_nul_colon_space_and_unicode() {
        for ok in ["", " lead", "a:b", "nul\0", "ünï €", "message"] {
            assert_eq!(EventType::new(ok).map(|t| t.as_str()), Ok(ok));
        }
    }

    #[test]
    fn id_rejects_cr_lf_and_nul() {
        for (bad, position, byte) in [("a\rb", 1, b'\r'), ("ab\n", 2, b'\n'), ("\0", 0, 0)] {
            assert_eq!(
                EventId::new(bad),
                Err(EncodeError::InvalidId { position, byte })
            );
        }
        assert_eq!(EventId::new(" 1:2").map(|i| i.as_str()), Ok(" 1:2"));
    }

    /// The word-at-a-time prefilter against the byte loop: every length around the word
    /// sizes, each byte below 14 and some above (high bit set, 14, 0x7F) at every position.
    #[test]
    fn finds_the_first_forbidden_byte_at_every_length_and_position() {
        fn naive(value: &[u8], nul_too: bool) -> Option<(usize, u8)> {
            let bad = |b: u8| b == b'\r' || b == b'\n' || (nul_too && b == 0);
            value.iter().position(|&b| bad(b)).map(|i| (i, value[i]))
        }
        for len in 0..=24 {
            for fill in [b'a', 0x0E, 0x7F, 0x80, 0x8D, 0xFF] {
                let clean = std::vec![fill; len];
                assert!(!has_byte_below_14(&clean), "len {len} fill {fill:#x}");
                assert_eq!(find_forbidden(&clean, true), None);
                for at in 0..len {
                    for byte in (0..14).chain([0x8A, 0x8D]) {
                        let mut value = clean.clone();
                        value[at] = byte;
                        assert_eq!(has_byte_below_14(&value), byte < 14, "{value:?}");
                        for nul_too in [false, true] {
                            assert_eq!(
                                find_forbidden(&value, nul_too),
                                naive(&value, nul_too),
                                "{value:?} {nul_too}"
                            );
                        }
                        // A second offender later on: the first one is reported.
                        if at + 1 < len {
                            value[len - 1] = b'\n';
                            assert_eq!(find_forbidden(&value, true), naive(&value, true));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn from_static_in_const_context() {
        const T: EventType<'static> = EventType::from_static("tick");
        const I: EventId<'static> = EventId::from_static("7");
        assert_eq!((T.as_str(), I.as_str()), ("tick", "7"));
    }

    #[test]
    #[should_panic(expected = "must not contain")]
    fn from_static_panics_at_run_time_on_invalid_literal() {
        let _ = EventId::from_static(core::hint::black_box("a\0"));
    }

    #[test]
    fn display_names_the_byte() {
        let text = std::format!(
            "{}",
            EncodeError::InvalidId {
                position: 3,
                byte: 0
            }
        );
        assert!(text.contains("0x00") && text.contains("offset 3"), "{text}");
    }
}
