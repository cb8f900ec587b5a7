//! Fuzz findings, each replayed through the property it broke (`tests/common/checks.rs`),
//! plus a plain statement of the bug. Inputs are the fuzzer's bytes, as `Case::from_fuzz`
//! reads them: chunk-size count, chunk sizes, line and event limit, then the stream.
#![cfg(feature = "alloc")]

mod common;

use common::checks::{self, Case};
use common::reference::Observed;
use common::tiers;
use sse_wire::Limits;

/// Found by `limits` (seed `bom_cr`): the first two bytes of a BOM, alone in a chunk, were
/// counted as a partial line against the event limit. With `max_event_len` below 3 that made
/// a spurious `EventTooLong` and dropped the BOM's first two bytes, so the third was read as
/// content and the stream's first line was lost: chunked decoding differed from one-shot.
#[test]
fn split_bom_is_not_a_partial_line() {
    let stream = b"\xEF\xBB\xBF\r\rdata: x\r\r\n\ndata: ok\n\n";
    let limits = Limits::new().with_max_line_len(0).with_max_event_len(1);
    let whole = tiers::owned(stream, &[], limits);
    assert_eq!(whole.1, 2, "`data: x` and `data: ok` offend");
    assert_eq!(tiers::owned(stream, &[2], limits), whole, "owned tier");
    assert_eq!(
        tiers::events(stream, &[2], limits),
        tiers::events(stream, &[], limits),
        "event tier"
    );
    // Nothing offends here, wherever the BOM is cut.
    let limits = Limits::new().with_max_line_len(1).with_max_event_len(1);
    let stream = b"\xEF\xBB\xBF\n:\n\n";
    let whole = tiers::owned(stream, &[], limits);
    assert_eq!(whole.0.observed, [Observed::Comment(String::new())]);
    assert_eq!(whole.1, 0);
    for cut in 0..=3 {
        assert_eq!(
            tiers::owned(stream, &[cut], limits),
            whole,
            "owned, cut at {cut}"
        );
        #[cfg(feature = "bytes")]
        assert_eq!(
            tiers::bytes(stream, &[cut], limits),
            whole,
            "bytes, cut at {cut}"
        );
        assert_eq!(
            tiers::events(stream, &[cut], limits),
            tiers::events(stream, &[], limits),
            "events, cut at {cut}"
        );
    }
}

#[test]
fn fuzz_limits_split_bom() {
    let case = Case::from_fuzz(b"\x01\x01\x00\x01\xef\xbb\xbf\r\rdata: x\r\r", true);
    checks::check_limits(&case);
    checks::check_chunked(&case);
}
