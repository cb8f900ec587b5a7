//! `finish` ends a stream on every tier: the unfinished line or event is discarded and the
//! next byte is a stream start again (its BOM stripped).

use sse_wire::decode::BlockDecoder;
use sse_wire::decode::{EventDecoder, Fragment, Line, LineDecoder};
use sse_wire::Status;

const NEXT: &[u8] = b"\xEF\xBB\xBFdata: b\n\n";

#[test]
fn line_tier_finish_starts_a_new_stream() {
    let mut decoder = LineDecoder::new();
    assert!(decoder
        .decode(b"\xEF\xBB\xBFdata: a")
        .unwrap()
        .status
        .is_partial());
    decoder.finish();
    let decoded = decoder.decode(NEXT).unwrap();
    assert_eq!(decoded.status, Status::Complete(Line::Data(b"b")));
}

#[test]
fn streaming_line_tier_finish_ends_a_streamed_data_line() {
    let mut decoder = LineDecoder::new();
    let decoded = decoder.decode_fragment(b"data: a").unwrap();
    assert!(matches!(
        decoded.status,
        Status::Complete(Fragment::Data { end: false, .. })
    ));
    decoder.finish();
    let decoded = decoder.decode_fragment(NEXT).unwrap();
    assert_eq!(
        decoded.status,
        Status::Complete(Fragment::Data {
            piece: b"b",
            end: true
        })
    );
}

#[test]
fn event_and_block_tiers_finish_discard_the_unfinished_event() {
    let mut events = EventDecoder::new();
    assert!(events.decode(b"data: a\n").unwrap().status.is_partial());
    events.finish();
    let Status::Complete(event) = events.decode(NEXT).unwrap().status else {
        panic!("an event")
    };
    assert_eq!(event.data_single(), Some(&b"b"[..]));

    let mut blocks = BlockDecoder::new();
    assert!(blocks
        .decode(b"id: 1\ndata: a\n")
        .unwrap()
        .status
        .is_partial());
    blocks.finish();
    let Status::Complete(block) = blocks.decode(NEXT).unwrap().status else {
        panic!("a block")
    };
    assert_eq!(block.data_single(), Some(&b"b"[..]));
    // The unfinished block's `id` never became the last event ID.
    assert_eq!(block.last_event_id(), b"");
}
