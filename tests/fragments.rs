//! The line tier's streamed-data mode (`LineDecoder::decode_fragment`): data lines of any length pass through a buffer
//! of a few bytes, in pieces, and decode exactly as the reference decodes them; other lines
//! keep the line limit. (Its agreement with the reference at every chunking of the WPT and
//! edge-case streams is in `common::matrix`, with the other tiers.)

mod common;

use common::reference;
use common::tiers::{self, chunks};
use proptest::prelude::*;
use sse_wire::decode::{Fragment, Line, LineDecoder};
use sse_wire::{DecodeError, Limits, Status};

const LINE: usize = 8;

fn limits() -> Limits {
    Limits::new().with_max_line_len(LINE)
}

/// Cuts every `size` bytes.
fn every(len: usize, size: usize) -> Vec<usize> {
    (size..len).step_by(size).collect()
}

fn big_stream() -> Vec<u8> {
    let mut stream = b"\xEF\xBB\xBFid: 7\nevent: e\ndata: ".to_vec();
    stream.resize(stream.len() + 100_000, b'x');
    stream.extend_from_slice(b"\r\ndata:");
    stream.resize(stream.len() + 5_000, b'y');
    stream.extend_from_slice(b"\r\r\ndata\n\n: ok\ndata: tail\r\n\r\n");
    stream
}

#[test]
fn data_lines_far_over_the_line_limit_stream_through_a_small_buffer() {
    let stream = big_stream();
    let expected = reference::decode(&stream);
    assert_eq!(expected.events().len(), 3);
    for size in [1, 2, 3, 5, 7, 64, 4096, stream.len()] {
        let run = tiers::fragments("", &stream, &every(stream.len(), size), limits());
        assert_eq!(run.errors, 0, "chunks of {size}");
        assert_eq!(run.outcome, expected, "chunks of {size}");
        // What stays between reads: at most a partial short line (`event: e`, 8 bytes).
        assert!(
            run.max_buffer <= size + LINE,
            "chunks of {size}: the buffer held {}",
            run.max_buffer
        );
    }
}

#[test]
fn other_lines_keep_the_line_limit() {
    let stream =
        b": a comment longer than eight bytes\ndata: 1\n\nevent: too-long-a-name\ndata: 2\n\n";
    let expected = reference::decode(b": ignored\ndata: 1\n\ndata: 2\n\n");
    for cuts in [vec![], every(stream.len(), 1), every(stream.len(), 5)] {
        let run = tiers::fragments("", stream, &cuts, limits());
        // The line tier drops the offending line only (it has no notion of events).
        assert_eq!(run.errors, 2, "cuts {cuts:?}");
        assert_eq!(run.outcome.events(), expected.events(), "cuts {cuts:?}");
    }
}

#[test]
fn a_data_line_over_the_limit_right_after_the_bom_streams_too() {
    // The BOM keeps the scanner busy on the first call: the line is first seen as too long.
    let stream = b"\xEF\xBB\xBFdata: 0123456789abcdef\n\n";
    let mut decoder = LineDecoder::with_limits(limits());
    let decoded = decoder.decode_fragment(stream).unwrap();
    assert_eq!(
        decoded.status,
        Status::Complete(Fragment::Data {
            piece: b"0123456789abcdef",
            end: true
        })
    );
    assert_eq!(decoded.consumed, stream.len() - 1);
}

#[test]
fn a_partial_data_line_is_consumed_as_it_arrives() {
    let mut decoder = LineDecoder::new();
    // Five bytes cannot tell `data:` from `data:` + space: nothing is consumed yet.
    let decoded = decoder.decode_fragment(b"data:").unwrap();
    assert_eq!((decoded.consumed, decoded.status), (0, Status::Partial));
    let decoded = decoder.decode_fragment(b"data: ab").unwrap();
    assert_eq!(decoded.consumed, 8);
    assert_eq!(
        decoded.status,
        Status::Complete(Fragment::Data {
            piece: b"ab",
            end: false
        })
    );
    // Nothing new: nothing consumed, no empty piece.
    let decoded = decoder.decode_fragment(b"").unwrap();
    assert_eq!((decoded.consumed, decoded.status), (0, Status::Partial));
    let decoded = decoder.decode_fragment(b"c\r").unwrap();
    assert_eq!(decoded.consumed, 2);
    assert_eq!(
        decoded.status,
        Status::Complete(Fragment::Data {
            piece: b"c",
            end: true
        })
    );
    // The LF of the split CRLF belongs to that line end: next is the blank line.
    let decoded = decoder.decode_fragment(b"\n\n").unwrap();
    assert_eq!(decoded.consumed, 2);
    assert_eq!(
        decoded.status,
        Status::Complete(Fragment::Line(Line::Blank))
    );
}

#[test]
fn an_over_long_line_error_consumes_nothing_and_the_next_call_skips_it() {
    let stream = b"retry: 1234567890\ndata: x\n\n";
    let mut decoder = LineDecoder::with_limits(limits());
    assert!(matches!(
        decoder.decode_fragment(stream),
        Err(DecodeError::LineTooLong { limit: LINE })
    ));
    let decoded = decoder.decode_fragment(stream).unwrap();
    assert_eq!(
        decoded.status,
        Status::Complete(Fragment::Data {
            piece: b"x",
            end: true
        })
    );
    assert_eq!(&stream[decoded.consumed..], b"\n");
}

proptest! {
    /// Any stream, any chunking: without limits, the reference's output; under a tiny line
    /// limit, the same errors and output as fed whole, and the buffer stays small.
    #[test]
    fn any_stream_any_chunking(
        parts in proptest::collection::vec(
            prop_oneof![
                Just(&b"data: "[..]), Just(&b"data:"[..]), Just(&b"data"[..]), Just(&b"id: 1"[..]),
                Just(&b"event: x"[..]), Just(&b": c"[..]), Just(&b"0123456789"[..]),
                Just(&b"\n"[..]), Just(&b"\r"[..]), Just(&b"\r\n"[..]), Just(&b"\xEF\xBB\xBF"[..]),
            ],
            0..40,
        ),
        sizes in proptest::collection::vec(1usize..12, 1..8),
    ) {
        let stream = parts.concat();
        let mut cuts = Vec::new();
        let mut at = 0;
        for size in sizes.iter().cycle().take(stream.len()) {
            at += size;
            if at >= stream.len() {
                break;
            }
            cuts.push(at);
        }
        let unlimited = tiers::fragments("", &stream, &cuts, Limits::unlimited());
        prop_assert_eq!(unlimited.errors, 0);
        prop_assert_eq!(&unlimited.outcome, &reference::decode(&stream));
        let whole = tiers::fragments("", &stream, &[], limits());
        let limited = tiers::fragments("", &stream, &cuts, limits());
        prop_assert_eq!(limited.errors, whole.errors);
        prop_assert_eq!(&limited.outcome, &whole.outcome);
        let chunk = chunks(&stream, &cuts).iter().map(|c| c.len()).max().unwrap_or(0);
        prop_assert!(limited.max_buffer <= chunk + LINE + 3, "{} > {chunk} + {LINE} + 3", limited.max_buffer);
    }
}

#[test]
fn a_line_limit_under_five_streams_data_lines_at_any_chunking() {
    // `data:x` cannot be told from another line in four bytes: the limit acts as 5, so the
    // data line streams whether it arrives whole or a byte at a time.
    let stream = b"data:xyz\n\n";
    for cuts in [vec![], every(stream.len(), 1)] {
        let run = tiers::fragments("", stream, &cuts, Limits::new().with_max_line_len(2));
        assert_eq!(run.errors, 0, "cuts {cuts:?}");
        assert_eq!(run.outcome, reference::decode(stream), "cuts {cuts:?}");
    }
}

/// 0.1's `FragmentDecoder` keeps compiling and decodes as `decode_fragment` does.
#[test]
#[allow(deprecated)]
fn the_deprecated_fragment_decoder_decodes_as_decode_fragment() {
    let stream = big_stream();
    let mut old = sse_wire::decode::FragmentDecoder::with_limits(limits());
    let mut new = LineDecoder::with_limits(limits());
    let (mut old_at, mut new_at) = (0, 0);
    let mut fragments = 0;
    while old_at < stream.len() {
        let (a, b) = (
            old.decode(&stream[old_at..]),
            new.decode_fragment(&stream[new_at..]),
        );
        assert_eq!(a, b);
        let decoded = a.unwrap();
        old_at += decoded.consumed;
        new_at += decoded.consumed;
        fragments += 1;
        if decoded.status.is_partial() {
            break;
        }
    }
    assert!(
        fragments > 5 && old_at == stream.len(),
        "{fragments} {old_at}"
    );
}
