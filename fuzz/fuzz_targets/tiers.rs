//! Every tier (line, event, owned `decode`, owned `feed`, bytes) agrees with every other,
//! without limits and under the limits the input chooses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_wire_fuzz::{checks, Case};

fuzz_target!(|data: &[u8]| {
    checks::check_tiers(&Case::from_fuzz(data, true));
});
