//! The fast owned decoder equals the obviously-correct reference decoder
//! (`tests/common/reference.rs`) on arbitrary bytes, whole and chunked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_wire_fuzz::{checks, Case};

fuzz_target!(|data: &[u8]| {
    let case = Case::from_fuzz(data, false);
    checks::check_reference(case.stream, &case.cuts);
});
