//! Error types.
//!
//! The SSE grammar has no invalid input: every byte sequence is a valid stream. The only
//! decoding errors are the limits a caller configured (see [`Limits`](crate::Limits)).

use core::fmt;

/// A configured limit was exceeded while decoding.
///
/// The decoder reports each violation once, then discards the offending line or event and
/// goes on decoding: call `decode` again with the same (or a longer) input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// A single line (without its terminator) was longer than `limit` bytes.
    LineTooLong {
        /// The configured [`Limits::max_line_len`](crate::Limits::max_line_len).
        limit: usize,
    },
    /// An event block (from its first line up to its dispatching blank line) was longer than
    /// `limit` bytes.
    EventTooLong {
        /// The configured [`Limits::max_event_len`](crate::Limits::max_event_len).
        limit: usize,
    },
    /// An `id` value was longer than `limit` bytes, so the last event ID could not be kept
    /// (only tiers with a bounded ID store: see
    /// [`Limits::with_max_id_len`](crate::Limits::with_max_id_len)). The block holding it was
    /// dropped whole: it fired nothing and changed no stream state.
    IdTooLong {
        /// The effective ID limit.
        limit: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::LineTooLong { limit } => {
                write!(
                    f,
                    "event stream line longer than the limit of {limit} bytes"
                )
            }
            DecodeError::EventTooLong { limit } => {
                write!(f, "event longer than the limit of {limit} bytes")
            }
            DecodeError::IdTooLong { limit } => {
                write!(f, "event ID longer than the limit of {limit} bytes")
            }
        }
    }
}

impl core::error::Error for DecodeError {}

/// A caller's buffer is shorter than what was to be written into it: a block's joined data
/// ([`RawEvent::copy_data_to`](crate::RawEvent::copy_data_to)), an encoded event or comment
/// (`encode_to_slice`). Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BufferTooSmall {
    /// How many bytes are needed.
    pub needed: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "buffer too small: {} bytes needed", self.needed)
    }
}

impl core::error::Error for BufferTooSmall {}
