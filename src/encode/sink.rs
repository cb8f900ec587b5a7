//! Where encoded bytes go: a caller's slice ([`SliceSink`]), a `Vec`, a `BufMut`, or nowhere
//! ([`Counter`], which only counts, for [`EventWriter`](super::EventWriter)'s lengths).

/// A destination for encoded bytes.
pub trait Sink {
    /// How many more bytes `put` may be given (`usize::MAX` when the sink grows).
    fn room(&self) -> usize;
    /// Appends `bytes`; callers never pass more than [`Sink::room`].
    fn put(&mut self, bytes: &[u8]);
}

/// Counts bytes instead of writing them: the exact encoded length.
#[derive(Debug, Default)]
pub(crate) struct Counter(pub(crate) usize);

impl Sink for Counter {
    #[inline]
    fn room(&self) -> usize {
        usize::MAX
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0 = self.0.saturating_add(bytes.len());
    }
}

/// Writes into a caller's slice from `pos` on.
#[derive(Debug)]
pub(crate) struct SliceSink<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) pos: usize,
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn room(&self) -> usize {
        self.buf.len() - self.pos
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        // Callers respect `room`; `get_mut` keeps a broken caller from panicking all the same.
        if let Some(dst) = self.buf.get_mut(self.pos..self.pos + bytes.len()) {
            dst.copy_from_slice(bytes);
            self.pos += bytes.len();
        }
    }
}

#[cfg(feature = "alloc")]
impl Sink for alloc::vec::Vec<u8> {
    #[inline]
    fn room(&self) -> usize {
        usize::MAX
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Writes into any `bytes::BufMut` whose remaining room was checked beforehand.
#[cfg(feature = "bytes")]
pub(crate) struct BufSink<'b, B: ?Sized>(pub(crate) &'b mut B);

#[cfg(feature = "bytes")]
impl<B: bytes::BufMut + ?Sized> Sink for BufSink<'_, B> {
    #[inline]
    fn room(&self) -> usize {
        self.0.remaining_mut()
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }
}

/// The decimal digits of `n`, right-aligned in `buf`; returns them.
pub(crate) fn digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[start..]
}

/// Writes one field line: `name: value` LF, or `name:` LF when `value` is empty.
///
/// `with_space` is `b"name: "` and `bare` is `b"name:\n"`. The space is always written before
/// a non-empty value because a decoder strips exactly one, so a value starting with a space
/// survives.
#[inline(always)]
pub(crate) fn put_field<S: Sink>(sink: &mut S, with_space: &[u8], bare: &[u8], value: &[u8]) {
    if value.is_empty() {
        sink.put(bare);
    } else {
        sink.put(with_space);
        sink.put(value);
        sink.put(b"\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_extremes() {
        let mut buf = [0; 20];
        assert_eq!(digits(0, &mut buf), b"0");
        assert_eq!(digits(3000, &mut buf), b"3000");
        assert_eq!(digits(u64::MAX, &mut buf), b"18446744073709551615");
    }

    #[test]
    fn slice_sink_never_overruns() {
        let mut buf = [0u8; 3];
        let mut sink = SliceSink {
            buf: &mut buf,
            pos: 0,
        };
        sink.put(b"ab");
        sink.put(b"cd"); // does not fit: dropped, no panic
        assert_eq!((sink.pos, &buf), (2, &[b'a', b'b', 0]));
    }
}
