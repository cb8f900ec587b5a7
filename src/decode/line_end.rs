//! Finding the next line terminator: the one search every tier runs on every line.
//!
//! Most lines are short (under 128 bytes), where `memchr2`'s dispatch, set-up and loop exit
//! cost more than the search itself, so the first 128 bytes are searched here and only longer
//! lines go on with `memchr2`. On x86-64 each 16 bytes take one vector load, two compares and
//! a mask whose lowest bit is the answer (a fenced `unsafe`: SSE2 intrinsics, whose
//! stable safe forms need a newer Rust than the MSRV). Elsewhere a portable search, which the
//! tests check on every target, tests 64 bytes with branch-free compares and finds the byte a
//! word at a time.
//!
//! Measured (fastest of 7 interleaved runs, 4 KiB chunks, SSE2 against portable): event tier
//! +5 % on LLM tokens, +15 % on chat and CRLF chat, +19 % on keep-alive; fragment tier +39 %
//! and owned tier +20 % on multi-line; no cell slower. Instructions per byte fell 3–29 %.

/// The first CR or LF in `haystack`.
#[inline(always)]
pub(crate) fn find_line_end(haystack: &[u8]) -> Option<usize> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        find_line_end_sse2(haystack)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        find_line_end_portable(haystack)
    }
}

/// [`find_line_end`] on x86-64: 16 bytes at a time up to 128, then `memchr2`; the last bytes
/// of the input (fewer than 16) a word at a time.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn find_line_end_sse2(haystack: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(chunk) = haystack.get(at..at + 16).and_then(|c| c.try_into().ok()) {
        let bits = sse2::line_end_bits(chunk);
        if bits != 0 {
            return Some(at + bits.trailing_zeros() as usize);
        }
        at += 16;
        if at == 128 {
            return memchr::memchr2(b'\n', b'\r', haystack.get(at..)?).map(|i| i + at);
        }
    }
    find_in_short(haystack.get(at..)?).map(|i| i + at)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code)]
mod sse2 {
    use core::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// Bit `i` set if `chunk[i]` is a CR or LF.
    #[inline(always)]
    pub(super) fn line_end_bits(chunk: &[u8; 16]) -> u32 {
        // SAFETY: the intrinsics need SSE2, which this module's `cfg` requires at compile
        // time; the unaligned load reads `chunk`'s 16 bytes, no more.
        unsafe {
            let bytes = _mm_loadu_si128(chunk.as_ptr().cast());
            let lf = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8));
            let cr = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\r' as i8));
            // 16 mask bits, zero-extended.
            _mm_movemask_epi8(_mm_or_si128(lf, cr)) as u32
        }
    }
}

/// [`find_line_end`] without intrinsics: each of the first two 64-byte blocks tested with
/// branch-free compares (vectorised by the compiler), the first that holds a line end
/// searched a word at a time, then `memchr2`.
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2", not(test)),
    allow(dead_code)
)]
#[inline(always)]
fn find_line_end_portable(haystack: &[u8]) -> Option<usize> {
    let Some((first, rest)) = haystack.split_first_chunk::<64>() else {
        return find_in_short(haystack);
    };
    if let Some(i) = first_in_block(first) {
        return Some(i);
    }
    let Some((second, rest)) = rest.split_first_chunk::<64>() else {
        return find_in_short(rest).map(|i| i + 64);
    };
    if let Some(i) = first_in_block(second) {
        return Some(64 + i);
    }
    memchr::memchr2(b'\n', b'\r', rest).map(|i| i + 128)
}

/// The first CR or LF in `block`: an OR of compares tells whether there is one (no branch
/// inside the block), then a word at a time finds it.
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2", not(test)),
    allow(dead_code)
)]
#[inline(always)]
fn first_in_block(block: &[u8; 64]) -> Option<usize> {
    let mut any = 0u8;
    for &b in block {
        any |= u8::from(b == b'\n') | u8::from(b == b'\r');
    }
    if any == 0 {
        return None;
    }
    find_in_short(block)
}

/// The first CR or LF in a short `haystack` (a small read, the end of the input): a word at
/// a time, then byte by byte. `memchr2`'s dispatch and set-up cost more than the search here
/// (owned tier fed 10-byte chunks: 2.4x fewer instructions).
#[inline(always)]
fn find_in_short(haystack: &[u8]) -> Option<usize> {
    let mut words = haystack.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let mask =
            zero_bytes(word ^ 0x0a0a_0a0a_0a0a_0a0a) | zero_bytes(word ^ 0x0d0d_0d0d_0d0d_0d0d);
        if mask != 0 {
            // The lowest flagged byte is exact (a borrow only flags bytes above a match).
            return Some(at + mask.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = words.remainder();
    rest.iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| at + i)
}

/// The high bit of each zero byte of `x` set (and possibly of bytes above a zero byte).
#[inline(always)]
const fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080
}

#[cfg(test)]
mod tests {
    use super::{find_line_end, find_line_end_portable};

    type Search = fn(&[u8]) -> Option<usize>;

    /// Every length up to 300, a CR or LF (or CRLF, or none) at every position,
    /// with the rest of the bytes CR/LF-free but otherwise varied: the same as `memchr2`, for
    /// the search this target uses and for the portable one.
    #[test]
    fn find_line_end_agrees_with_memchr2_at_every_length_and_position() {
        let searches: [(&str, Search); 2] = [
            ("find_line_end", find_line_end),
            ("portable", find_line_end_portable),
        ];
        // Printable bytes, then the neighbours of CR and LF and bytes whose borrow could
        // leak into the next byte of a word.
        let fillers = [0x00, 0x01, 0x09, 0x0B, 0x0C, 0x0E, 0x80, 0x8A, 0x8D, 0xFF];
        // Under Miri (which checks the SSE2 loads stay in bounds): the lengths around each
        // 16-byte step and the switch to `memchr2`.
        let lens: alloc::vec::Vec<usize> = if cfg!(miri) {
            alloc::vec![0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 145]
        } else {
            (0..300).collect()
        };
        for len in lens {
            let base: alloc::vec::Vec<u8> = (0..len)
                .map(|i| match i % 20 {
                    0..=9 => fillers[i % 10],
                    _ => b' ' + (i % 90) as u8,
                })
                .collect();
            for (name, search) in searches {
                assert_eq!(search(&base), None, "{name}, len {len}");
            }
            for at in 0..len {
                for end in [&b"\n"[..], b"\r", b"\r\n"] {
                    let mut haystack = base.clone();
                    let stop = (at + end.len()).min(len);
                    haystack[at..stop].copy_from_slice(&end[..stop - at]);
                    // A second line end later never wins over the first.
                    if let Some(later) = haystack.get_mut(at + 70) {
                        *later = b'\n';
                    }
                    for (name, search) in searches {
                        assert_eq!(
                            search(&haystack),
                            memchr::memchr2(b'\n', b'\r', &haystack),
                            "{name}, len {len}, line end at {at}"
                        );
                    }
                }
            }
        }
    }
}
