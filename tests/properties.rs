//! Property tests: the properties of `tests/common/checks.rs` (the ones the fuzz targets
//! assert) over generated streams, chunkings and limits.
//!
//! Streams come from a generator biased towards SSE-shaped input (field names, colons,
//! spaces, CR/LF/CRLF, BOM bytes, NUL, invalid UTF-8, digits) mixed with fully random bytes.
//! The core properties run 10,000 cases by default; set `PROPTEST_CASES` to change that.
#![cfg(feature = "alloc")]

mod common;

use common::checks::{self, Case};
use proptest::prelude::*;
use proptest::test_runner::Config;
use sse_wire::Limits;

/// Cases per property: `PROPTEST_CASES`, or 10,000.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10_000);
    Config {
        cases,
        // Findings go to tests/fuzz_regressions.rs by hand, with an explanation.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Pieces an event stream is made of, and some it should never contain.
const TOKENS: &[&[u8]] = &[
    b"data",
    b"data:",
    b"data: ",
    b"event",
    b"event:",
    b"id",
    b"id:",
    b"retry",
    b"retry:",
    b"message",
    b":",
    b": ",
    b" ",
    b"  ",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\r\n\r\n",
    b"\xEF\xBB\xBF",
    b"\xEF",
    b"\xEF\xBB",
    b"\0",
    b"\xFF",
    b"\xC3",
    b"\xE2\x82",
    b"\xF0\x9F\x98\x80",
    b"\xC3\xA9",
    b"0",
    b"7",
    b"1000",
    b"18446744073709551616",
    b"+1",
    b"x",
    b"hello",
    b"{\"token\":\"hi\"}",
];

/// An SSE-shaped stream: tokens and random bytes, or (one time in five) random bytes only.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        8 => proptest::sample::select(TOKENS).prop_map(<[u8]>::to_vec),
        1 => proptest::collection::vec(any::<u8>(), 1..4),
    ];
    let shaped = proptest::collection::vec(piece, 0..48).prop_map(|pieces| pieces.concat());
    let random = proptest::collection::vec(any::<u8>(), 0..160);
    prop_oneof![4 => shaped, 1 => random]
}

/// Chunk sizes: from one byte at a time to a few dozen, with empty chunks.
fn sizes() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0usize..40, 0..6)
}

/// A long stream (several SSE-shaped ones joined), so that chunks of hundreds of bytes hold
/// many lines: the owned tier then checks a chunk's UTF-8 once and splits a partial line off
/// big chunks, paths the short streams above never reach.
fn long_stream() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(stream(), 1..24).prop_map(|streams| streams.concat())
}

/// Chunk sizes around and above the owned tier's split threshold (256 bytes).
fn big_sizes() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(prop_oneof![0usize..40, 200usize..1200], 1..6)
}

/// Limits from 0 up, or none.
fn limit() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0usize..48, 1 => Just(usize::MAX)]
}

fn limits() -> impl Strategy<Value = Limits> {
    (limit(), limit()).prop_map(|(line, event)| {
        Limits::new()
            .with_max_line_len(line)
            .with_max_event_len(event)
    })
}

fn case<'a>(stream: &'a [u8], sizes: &[usize], limits: Limits) -> Case<'a> {
    Case {
        stream,
        cuts: checks::cuts_from_sizes(stream.len(), sizes),
        limits,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn chunked_equals_one_shot(stream in stream(), sizes in sizes(), limits in limits()) {
        checks::check_chunked(&case(&stream, &sizes, limits));
    }

    #[test]
    fn long_streams_in_big_chunks_equal_one_shot_and_the_reference(
        stream in long_stream(),
        sizes in big_sizes(),
        limits in limits(),
    ) {
        let case = case(&stream, &sizes, limits);
        checks::check_chunked(&case);
        checks::check_reference(&stream, &case.cuts);
    }

    #[test]
    fn fast_equals_reference(stream in stream(), sizes in sizes()) {
        checks::check_reference(&stream, &checks::cuts_from_sizes(stream.len(), &sizes));
    }

    #[test]
    fn tiers_agree(stream in stream(), sizes in sizes(), limits in limits()) {
        checks::check_tiers(&case(&stream, &sizes, limits));
    }

    #[test]
    fn limits_bound_memory_and_drop_exactly_the_offending_events(
        stream in stream(),
        sizes in sizes(),
        limits in limits(),
    ) {
        checks::check_limits(&case(&stream, &sizes, limits));
    }

    #[test]
    fn no_panic_at_any_tier_with_any_limits(
        stream in stream(),
        sizes in sizes(),
        line in prop_oneof![Just(0usize), Just(1), Just(2), Just(3), 0usize..16, Just(usize::MAX)],
        event in prop_oneof![Just(0usize), Just(1), Just(2), Just(3), 0usize..16, Just(usize::MAX)],
    ) {
        let limits = Limits::new().with_max_line_len(line).with_max_event_len(event);
        checks::check_no_panic(&case(&stream, &sizes, limits));
    }
}
