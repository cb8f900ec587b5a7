//! The stateful decoders' own size (issue 5): a server holding one per connection pays it
//! per connection. Measured here, outside the crate's unit-test build (whose scanner counts
//! the bytes it searches).
#![cfg(feature = "alloc")]

use std::mem::size_of;

/// Issue 5's bound: at most 128 bytes. One buffer holds the event's data and `feed`'s partial
/// line (data lines are streamed, so the partial line is never one), and the block's `event`
/// and `id` values are kept as the shared strings events carry.
#[test]
fn owned_decoder_is_at_most_128_bytes() {
    let size = size_of::<sse_wire::Decoder>();
    assert!(size <= 128, "size_of::<Decoder>() is {size}");
}

#[cfg(feature = "bytes")]
#[test]
fn bytes_decoder_is_at_most_120_bytes() {
    let size = size_of::<sse_wire::BytesDecoder>();
    assert!(size <= 120, "size_of::<BytesDecoder>() is {size}");
}

/// The borrowing tiers: issue 5's 64-byte bound.
#[test]
fn borrowing_decoders_are_at_most_64_bytes() {
    assert!(size_of::<sse_wire::LineDecoder>() <= 64);
    assert!(size_of::<sse_wire::EventDecoder>() <= 64);
}
