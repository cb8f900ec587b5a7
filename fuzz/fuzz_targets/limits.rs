//! Small limits chosen by the input: no panic at any tier, the caller's buffer stays within
//! the limit (so within limit + chunk size while a chunk is appended), every error is
//! followed by recovery, and the owned tier's output is exactly the reference's output on
//! the same stream with the offending events removed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sse_wire_fuzz::{checks, Case};

fuzz_target!(|data: &[u8]| {
    let case = Case::from_fuzz(data, true);
    checks::check_no_panic(&case);
    checks::check_limits(&case);
});
