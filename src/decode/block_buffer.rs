//! [`BlockBuffer`]: the block tier with its own fixed buffer, so a caller without an allocator
//! writes no append / decode / drain loop of its own.

use super::stream_state::{Block, BlockDecoder};
use crate::{DecodeError, Limits};

/// A [`BlockDecoder`] with a fixed buffer of `N` bytes: read into [`BlockBuffer::space`], say
/// how much arrived with [`BlockBuffer::filled`] (or [`BlockBuffer::push`] bytes you hold),
/// then take blocks with [`BlockBuffer::next_block`] until it says `None`.
///
/// Never allocates; `no_std`; `N` bytes plus the decoder's state. The limits are capped at
/// [`Limits::for_buffer`]`(N)`, so every stream decodes through it: a full buffer always holds
/// something `next_block` can consume (a block, or a line or block over the limits, which is
/// one [`DecodeError`] and then skipped). Blocks are lent until the next call.
///
/// ```
/// use sse_wire::BlockDecoder;
/// use sse_wire::decode::BlockBuffer;
///
/// let mut blocks = BlockBuffer::<64>::new();
/// let mut stream: &[u8] = b"id: 7\nevent: tick\ndata: 1\n\ndata: 2\n\n";
/// let mut seen = Vec::new();
/// while !stream.is_empty() {
///     // A 5-byte read, as from a UART; `space` is never empty while `next_block` has work.
///     let space = blocks.space();
///     let n = space.len().min(stream.len()).min(5);
///     space[..n].copy_from_slice(&stream[..n]);
///     stream = &stream[n..];
///     blocks.filled(n);
///     while let Some(block) = blocks.next_block()? {
///         let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
///         let data = block.data_single().map(text);
///         seen.push((text(block.event_type()), data, text(block.last_event_id())));
///     }
/// }
/// assert_eq!(seen[0], ("tick".into(), Some("1".into()), "7".into()));
/// assert_eq!(seen[1], ("message".into(), Some("2".into()), "7".into()));
/// # Ok::<(), sse_wire::DecodeError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BlockBuffer<const N: usize> {
    decoder: BlockDecoder,
    buf: [u8; N],
    /// `buf[start..end]` holds the bytes not consumed yet.
    start: usize,
    end: usize,
}

impl<const N: usize> BlockBuffer<N> {
    /// A buffer with the default [`Limits`], capped to fit `N` bytes.
    pub const fn new() -> Self {
        Self::with_limits(Limits::new())
    }

    /// A buffer with `limits`, each capped at [`Limits::for_buffer`]`(N)`.
    pub const fn with_limits(limits: Limits) -> Self {
        const fn min(a: usize, b: usize) -> usize {
            if a < b {
                a
            } else {
                b
            }
        }
        let fits = Limits::for_buffer(N);
        let limits = limits
            .with_max_line_len(min(limits.max_line_len(), fits.max_line_len()))
            .with_max_event_len(min(limits.max_event_len(), fits.max_event_len()))
            .with_max_id_len(min(limits.max_id_len(), fits.max_id_len()));
        BlockBuffer {
            decoder: BlockDecoder::with_limits(limits),
            buf: [0; N],
            start: 0,
            end: 0,
        }
    }

    /// The free part of the buffer, to read into; then call [`BlockBuffer::filled`]. Moves the
    /// bytes not consumed yet to the front first. Empty only when the buffer is full of bytes
    /// [`BlockBuffer::next_block`] has not been asked about.
    pub fn space(&mut self) -> &mut [u8] {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        &mut self.buf[self.end..]
    }

    /// `n` bytes were written to the front of [`BlockBuffer::space`] (more than it held are
    /// not counted).
    pub fn filled(&mut self, n: usize) {
        self.end = N.min(self.end.saturating_add(n));
    }

    /// Appends as much of `bytes` as fits and returns how many that was: call
    /// [`BlockBuffer::next_block`] until `None`, then push the rest.
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        let space = self.space();
        let n = space.len().min(bytes.len());
        space[..n].copy_from_slice(&bytes[..n]);
        self.filled(n);
        n
    }

    /// The next complete block, lent until the next call; `None` when more bytes are needed.
    ///
    /// # Errors
    ///
    /// A [`DecodeError`] once per line, block or `id` over the limits; call again to go on
    /// after it (see [`BlockDecoder::decode`]).
    pub fn next_block(&mut self) -> Result<Option<Block<'_>>, DecodeError> {
        let decoded = self.decoder.decode(&self.buf[self.start..self.end])?;
        self.start += decoded.consumed;
        Ok(decoded.status.complete())
    }

    /// The stream ended: the unfinished block and the bytes held are dropped (as the spec
    /// discards an unfinished event); the last event ID and reconnection time are kept.
    pub fn finish(&mut self) {
        self.decoder.finish();
        self.start = 0;
        self.end = 0;
    }

    /// The last event ID (empty if none): send it as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> &[u8] {
        self.decoder.last_event_id()
    }

    /// Sets the last event ID, e.g. one persisted from an earlier session.
    ///
    /// # Errors
    ///
    /// [`DecodeError::IdTooLong`] if `id` is over the ID limit; the ID is unchanged.
    pub fn set_last_event_id(&mut self, id: &[u8]) -> Result<(), DecodeError> {
        self.decoder.set_last_event_id(id)
    }

    /// The reconnection time the server asked for with `retry`, in milliseconds, if any.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.decoder.reconnection_time()
    }
}

impl<const N: usize> Default for BlockBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}
