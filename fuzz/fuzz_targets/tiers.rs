//! Every tier (line, streaming line, event, block, owned `decode`, `feed` and `feed_items`,
//! lending `next_item` and `next_event`, the reader, bytes) agrees with the reference decoder,
//! without limits and under the limits the input chooses (`checks::check_tiers`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_wire_fuzz::{checks, Case};

fuzz_target!(|data: &[u8]| {
    checks::check_tiers(&Case::from_fuzz(data, true));
});
