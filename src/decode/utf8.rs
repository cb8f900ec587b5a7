//! UTF-8 checks with an ASCII fast path: most event streams are ASCII (JSON, tokens), which
//! a compare of 64 bytes at a time (vectorised by the compiler) confirms several times
//! cheaper than std's validator, which then checks only what follows the ASCII prefix.
//!
//! The `unsafe` here turns bytes this module has checked into `&str` without checking them a
//! second time; the tests compare every function with `core::str::from_utf8`, under Miri too.

use core::str::Utf8Error;

/// `bytes` split where its ASCII prefix ends (at a 64-, then 16-byte block holding a byte
/// above 0x7F, or exactly in the last 16 bytes), the prefix as `&str`.
#[inline]
pub(crate) fn split_ascii(bytes: &[u8]) -> (&str, &[u8]) {
    let (ascii, rest) = bytes.split_at(ascii_len(bytes));
    #[allow(unsafe_code)]
    // SAFETY: `ascii_len` counts only bytes below 0x80, and ASCII is UTF-8.
    let ascii = unsafe { core::str::from_utf8_unchecked(ascii) };
    (ascii, rest)
}

/// `core::str::from_utf8`, with the ASCII prefix found a block at a time.
///
/// # Errors
///
/// `core::str::from_utf8`'s, for all of `bytes`.
#[inline]
pub(crate) fn from_utf8(bytes: &[u8]) -> Result<&str, Utf8Error> {
    let (_, rest) = split_ascii(bytes);
    if core::str::from_utf8(rest).is_err() {
        // Invalid input (rare): std again, for the error's position counted from the start.
        return core::str::from_utf8(bytes);
    }
    #[allow(unsafe_code)]
    // SAFETY: `bytes` is its ASCII prefix (checked) followed by `rest` (UTF-8, checked): a
    // character cannot span the two, as none starts with an ASCII byte or has one inside.
    let text = unsafe { core::str::from_utf8_unchecked(bytes) };
    Ok(text)
}

/// Whether `bytes` is UTF-8.
#[cfg(feature = "bytes")]
#[inline]
pub(crate) fn is_utf8(bytes: &[u8]) -> bool {
    let (_, rest) = split_ascii(bytes);
    rest.is_empty() || core::str::from_utf8(rest).is_ok()
}

/// How many leading bytes of `bytes` are ASCII, to within a block: whole 64-byte blocks, then
/// 16-byte ones, then the last 16 bytes (overlapping checked ones) or, in a shorter input, two
/// words or its few bytes. Short values (tokens, IDs) cost one or two compares.
#[inline]
fn ascii_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        if !<&[u8; 64]>::try_from(block).is_ok_and(is_ascii) {
            return at;
        }
        at += 64;
    }
    let mut sixteens = blocks.remainder().chunks_exact(16);
    for sixteen in &mut sixteens {
        if !<&[u8; 16]>::try_from(sixteen).is_ok_and(is_ascii) {
            return at;
        }
        at += 16;
    }
    let ascii = if at == bytes.len() {
        true
    } else if let Some(last) = bytes.last_chunk::<16>() {
        is_ascii(last)
    } else if let (Some(first), Some(last)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (u64::from_ne_bytes(*first) | u64::from_ne_bytes(*last)) & 0x8080_8080_8080_8080 == 0
    } else {
        bytes.iter().fold(0, |all, &b| all | b) < 0x80
    };
    if ascii {
        bytes.len()
    } else {
        at
    }
}

/// Whether every byte of a block is ASCII: no early exit inside it, so the compiler tests the
/// block with vector compares and one mask.
#[inline(always)]
fn is_ascii<const N: usize>(block: &[u8; N]) -> bool {
    let mut high = false;
    for &b in block {
        high |= b >= 0x80;
    }
    !high
}

#[cfg(test)]
mod tests {
    use super::{from_utf8, split_ascii};
    use alloc::vec::Vec;

    /// Every length up to 200 (fewer under Miri), with a valid character, an invalid or
    /// truncated sequence, or none at every position: the same answer as std's validator,
    /// and a prefix that is ASCII, all of an ASCII input, and short of the first other byte
    /// by less than a block.
    #[test]
    fn utf8_checks_agree_with_std_at_every_length_and_position() {
        let lens: Vec<usize> = if cfg!(miri) {
            alloc::vec![0, 1, 15, 16, 17, 63, 64, 65, 80, 129]
        } else {
            (0..200).collect()
        };
        let inserts: [&[u8]; 13] = [
            b"",
            "é".as_bytes(),
            "€".as_bytes(),
            "😀".as_bytes(),
            b"\x80",             // a lone continuation byte
            b"\xC3",             // truncated
            b"\xE2\x82",         // truncated
            b"\xF0\x9F\x98",     // truncated
            b"\xC0\xAF",         // overlong
            b"\xED\xA0\x80",     // a surrogate
            b"\xF4\x90\x80\x80", // above U+10FFFF
            b"\xFF",
            b"\xC3\x28", // a lead byte before ASCII
        ];
        for len in lens {
            let base: Vec<u8> = (0..len).map(|i| b' ' + (i % 90) as u8).collect();
            let positions = if cfg!(miri) {
                alloc::vec![0, len / 2, len]
            } else {
                (0..=len).collect()
            };
            for at in positions {
                for insert in inserts {
                    let mut bytes = base.clone();
                    bytes.splice(at..at, insert.iter().copied());
                    let want = core::str::from_utf8(&bytes);
                    assert_eq!(from_utf8(&bytes), want, "len {len}, at {at}, {insert:?}");
                    #[cfg(feature = "bytes")]
                    assert_eq!(super::is_utf8(&bytes), want.is_ok());
                    let (ascii, rest) = split_ascii(&bytes);
                    assert!(ascii.is_ascii());
                    assert_eq!([ascii.as_bytes(), rest].concat(), bytes);
                    // The prefix is all of an ASCII input, and short of the first other
                    // byte by less than a block.
                    let first = bytes.iter().position(|&b| b >= 0x80).unwrap_or(bytes.len());
                    assert!(
                        ascii.len() <= first && first - ascii.len() < 64,
                        "{len} {at}"
                    );
                    if first == bytes.len() {
                        assert_eq!(ascii.len(), bytes.len(), "len {len}, at {at}");
                    }
                }
            }
        }
    }
}
