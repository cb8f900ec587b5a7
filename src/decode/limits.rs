/// Size limits that keep a hostile or broken peer from making a decoder hold unbounded memory.
///
/// Exceeding a limit yields one [`DecodeError`](crate::DecodeError); the decoder then discards
/// the rest of the offending line or event and goes on with the next one. The defaults
/// (16 MiB each) fit real LLM and image streams; lower them for small devices. A line limit
/// above 4 GiB acts as 4 GiB, and so does an event limit: decoders keep offsets and lengths
/// as `u32` to stay small.
///
/// The limits count the bytes a decoder holds: the input's bytes in every tier but
/// [`LendingDecoder`](crate::decode::LendingDecoder), which holds the input decoded as UTF-8,
/// where an invalid sequence (1 to 3 bytes) is U+FFFD (3 bytes).
///
/// ```
/// use sse_wire::Limits;
/// let limits = Limits::default().with_max_line_len(4096).with_max_event_len(64 * 1024);
/// assert_eq!(limits.max_line_len(), 4096);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    max_line_len: usize,
    max_event_len: usize,
    max_id_len: usize,
}

impl Limits {
    /// Default maximum line length: 16 MiB.
    pub const DEFAULT_MAX_LINE_LEN: usize = 16 << 20;
    /// Default maximum event length: 16 MiB.
    pub const DEFAULT_MAX_EVENT_LEN: usize = 16 << 20;

    /// The default limits.
    pub const fn new() -> Self {
        Limits {
            max_line_len: Self::DEFAULT_MAX_LINE_LEN,
            max_event_len: Self::DEFAULT_MAX_EVENT_LEN,
            max_id_len: Self::DEFAULT_MAX_ID_LEN,
        }
    }

    /// Bytes a buffer needs beyond a line or block at the limits: the terminator of its last
    /// line and the blank line that ends the block, each up to two bytes (CRLF).
    pub const BUFFER_OVERHEAD: usize = 4;

    /// The limits under which every stream decodes through a buffer of `capacity` bytes:
    /// whatever a tier needs to hold whole (a line, a block) fits, so a full buffer is never a
    /// dead end. Longer lines and blocks are limit errors, skipped as usual. Line and event
    /// limits are `capacity -` [`Limits::BUFFER_OVERHEAD`]; the ID limit is the default if
    /// that is smaller.
    ///
    /// ```
    /// use sse_wire::decode::EventDecoder;
    /// use sse_wire::Limits;
    ///
    /// const BUFFER: usize = 512;
    /// let limits = Limits::for_buffer(BUFFER);
    /// assert_eq!(limits.max_event_len(), BUFFER - Limits::BUFFER_OVERHEAD);
    /// let decoder = EventDecoder::with_limits(limits);
    /// # let _ = decoder;
    /// ```
    pub const fn for_buffer(capacity: usize) -> Self {
        let max = capacity.saturating_sub(Self::BUFFER_OVERHEAD);
        Limits {
            max_line_len: max,
            max_event_len: max,
            max_id_len: if max < Self::DEFAULT_MAX_ID_LEN {
                max
            } else {
                Self::DEFAULT_MAX_ID_LEN
            },
        }
    }

    /// No limits at all: only for input you trust.
    pub const fn unlimited() -> Self {
        Limits {
            max_line_len: usize::MAX,
            max_event_len: usize::MAX,
            max_id_len: usize::MAX,
        }
    }

    /// Sets the longest line accepted, in bytes, not counting its line terminator.
    #[must_use]
    pub const fn with_max_line_len(mut self, max: usize) -> Self {
        self.max_line_len = max;
        self
    }

    /// Sets the longest event block accepted, in bytes: from the start of its first line to the
    /// end of its last line's content (terminators of earlier lines included).
    #[must_use]
    pub const fn with_max_event_len(mut self, max: usize) -> Self {
        self.max_event_len = max;
        self
    }

    /// The longest line accepted, in bytes.
    pub const fn max_line_len(&self) -> usize {
        self.max_line_len
    }

    /// The longest event block accepted, in bytes.
    pub const fn max_event_len(&self) -> usize {
        self.max_event_len
    }

    /// Default maximum last event ID length: 256 bytes, the inline capacity of
    /// [`BlockDecoder`](crate::decode::BlockDecoder).
    pub const DEFAULT_MAX_ID_LEN: usize = 256;

    /// Sets the longest `id` value a decoder that keeps the last event ID in a bounded store
    /// accepts ([`BlockDecoder`](crate::decode::BlockDecoder), where it cannot exceed
    /// [`BlockDecoder::ID_CAPACITY`](crate::decode::BlockDecoder::ID_CAPACITY), and
    /// [`LendingDecoder`](crate::decode::LendingDecoder)). A longer one is
    /// [`DecodeError::IdTooLong`](crate::DecodeError::IdTooLong). [`Decoder`](crate::Decoder)
    /// and [`BytesDecoder`](crate::BytesDecoder) bound IDs by the line limit only.
    #[must_use]
    pub const fn with_max_id_len(mut self, max: usize) -> Self {
        self.max_id_len = max;
        self
    }

    /// The longest `id` value accepted by the tiers with a bounded ID store, in bytes.
    pub const fn max_id_len(&self) -> usize {
        self.max_id_len
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::new()
    }
}
