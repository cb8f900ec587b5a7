//! Fuzz findings, each replayed through the property it broke (`tests/common/checks.rs`),
//! plus a plain statement of the bug. Inputs are the fuzzer's bytes, as `Case::from_fuzz`
//! reads them: chunk-size count, chunk sizes, line and event limit, then the stream.
#![cfg(feature = "alloc")]

mod common;

use common::checks::drivers as tiers;
use common::checks::{self, Case};
use common::reference::Observed;
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

/// Found by proptest (`chunked_equals_one_shot`) and by the `chunked`, `tiers` and `limits`
/// targets: when a CRLF was split across chunks and the LF arrived with no complete line
/// after it, the owned and bytes tiers consumed the LF without counting it in the event's
/// length, so a chunked stream measured CRLF as 1 byte where one-shot measured 2, and an
/// event one byte over `max_event_len` got through.
#[test]
fn split_crlf_counts_two_bytes_toward_the_event_limit() {
    // `data: hello` CR LF is 13 bytes; NUL NUL ends at byte 15, over the limit of 14.
    let stream = b"data: hello\r\n\x00\x00\n";
    let limits = Limits::new().with_max_line_len(11).with_max_event_len(14);
    let whole = tiers::owned(stream, &[], limits);
    assert_eq!(whole.1, 1, "the event is 15 bytes long");
    for cut in 0..=stream.len() {
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
        let feed = tiers::owned_feed(stream, &[cut], limits);
        assert_eq!(feed.2, 1, "feed, cut at {cut}");
    }
    let chunks_of_5 = [5, 10, 15];
    assert_eq!(tiers::owned(stream, &chunks_of_5, limits), whole);
}

#[test]
fn fuzz_chunked_split_crlf() {
    let data = b"\x01\x04\x08\x0cdata:\x00\xff\xffid: 1\ndata: a: b\n: 2\x003\ndata b\n1\r\ndata: 2\rdata: 3\n\r\n:\r\nid\n-ata: c\n\nxxxxxxxxxxxxxxxx\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1c\x1cxxxxxxxxxxxx\n\ndata: ok\n\n";
    checks::check_chunked(&Case::from_fuzz(data, true));
}

#[test]
fn fuzz_limits_split_crlf() {
    let data = b"\x01\x01\xffdata:\n\n\n\x01\xffdata:\n\n\n\nda\n\xffdata: \x00\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00a\x00b\n";
    checks::check_limits(&Case::from_fuzz(data, true));
}

#[test]
fn fuzz_tiers_split_crlf() {
    let data =
        b"\x03\x03\x01\x07\xfbd\xffata: don: done\n\ndata: nevta: 1\r\nta: never dispaa: led";
    checks::check_tiers(&Case::from_fuzz(data, true));
}

/// Found by `limits`: not a decoder bug but one in the check, which budgeted the bytes tier's
/// calls by the `BytesMut`'s length *after* it had shrunk. Kept as a case with many events
/// and an event limit of 0 (every block offends).
#[test]
fn fuzz_limits_many_offending_events_one_chunk() {
    let data = b"\x00\xff\x00\x00\x00\x00\x00 3\n\r\n:c\r\rdata:4\n\nEEEEEEEEEEEEEEEEEEEEEEEEEEEEE\x00\x00\xff\x00\x00\x00\x00\x00\x00\x00\x10\xff\xff\xff\xfftaU 2\rdata: 3\n\r\n:c\r\rdata:4\n\nEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE\x00\x00\x00\x00\x00 3\n\r\n:c\r\rdata:4\n\nEEEEEEEEEEEEEEEEEEEEEEEEEEEEE\x00\x00\xff\x00\x00\x00\x00\x00\x00\x00\x10\xff\xff\xff\xfftaU 2\rdata: 3data:4\n\nEEEEEEEEEEEEEEEEEEEEEEEEEEEEE\x00\x00\xff\x00\x00\x00\x00\x00\x00\x00\x10\xff\xff\xff\xfftaU 2\rdata: 3\n\r\n:c\r\rdata:4\n\nEEEEEEEEEEEEEE\n\r\n:c\r\rdata:4\n\nEEEEEEEEEEEEEEEEEEEEEEEE\x01\x00\x00A\x80EEEEEE";
    let case = Case::from_fuzz(data, true);
    checks::check_no_panic(&case);
    checks::check_limits(&case);
}
