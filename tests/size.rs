//! The stateful decoders' own size (issue 5): a server holding one per connection pays it
//! per connection. Measured here, outside the crate's unit-test build (whose scanner counts
//! the bytes it searches).
#![cfg(feature = "alloc")]

use std::mem::size_of;

#[test]
fn owned_decoder_is_at_most_128_bytes() {
    let size = size_of::<sse_wire::Decoder>();
    assert!(size <= 128, "size_of::<Decoder>() is {size}");
}

#[cfg(feature = "bytes")]
#[test]
fn bytes_decoder_is_at_most_128_bytes() {
    let size = size_of::<sse_wire::BytesDecoder>();
    assert!(size <= 128, "size_of::<BytesDecoder>() is {size}");
}
