//! Chunked decoding equals one-shot decoding (owned, feed, bytes, event and line tiers). The
//! leading input bytes choose the chunk sizes and the limits (see `Case::from_fuzz`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_wire_fuzz::{checks, Case};

fuzz_target!(|data: &[u8]| {
    checks::check_chunked(&Case::from_fuzz(data, true));
});
