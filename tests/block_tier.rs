//! The block tier's stream state: what it reports is what an `EventSource` reports (the
//! matrix checks that against the reference on every case); here, the rule for an `id` that
//! does not fit its inline buffer, at every chunking.

use sse_wire::decode::BlockDecoder;
use sse_wire::{DecodeError, Limits, Status};

/// (type, data, last event ID) of each fired block, the errors, and the final last event ID,
/// with the stream cut at `cut` (the caller's buffer appended to, as the contract says).
fn run(
    stream: &[u8],
    cut: usize,
    limits: Limits,
) -> (Vec<(String, String, String)>, Vec<DecodeError>, String) {
    let mut decoder = BlockDecoder::with_limits(limits);
    let (mut fired, mut errors) = (Vec::new(), Vec::new());
    let mut buffer = Vec::new();
    for chunk in [&stream[..cut], &stream[cut..]] {
        buffer.extend_from_slice(chunk);
        let mut start = 0;
        // Bounded: every call consumes, errs once per block, or returns `Partial`.
        for _ in 0..100 {
            match decoder.decode(&buffer[start..]) {
                Err(error) => errors.push(error),
                Ok(decoded) => {
                    start += decoded.consumed;
                    let Status::Complete(block) = decoded.status else {
                        break;
                    };
                    if let Some(data) = block.data_single() {
                        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                        fired.push((
                            text(block.event_type()),
                            text(data),
                            text(block.last_event_id()),
                        ));
                    }
                }
            }
        }
        buffer.drain(..start);
    }
    let last = String::from_utf8_lossy(decoder.last_event_id()).into_owned();
    (fired, errors, last)
}

#[test]
fn an_id_over_the_limit_is_one_error_and_drops_its_block_whole_at_every_chunking() {
    let limits = Limits::new().with_max_id_len(4);
    let stream = b"id: 1234\ndata: a\n\nid: 12345\nretry: 10\ndata: b\n\nevent: e\ndata: c\n\nid:\ndata: d\n\n";
    let expected = vec![
        ("message".to_string(), "a".to_string(), "1234".to_string()),
        // The block with the long ID fired nothing and changed nothing (not even `retry`).
        ("e".to_string(), "c".to_string(), "1234".to_string()),
        ("message".to_string(), "d".to_string(), String::new()),
    ];
    for cut in 0..=stream.len() {
        let (fired, errors, last) = run(stream, cut, limits);
        assert_eq!(fired, expected, "cut at {cut}");
        assert_eq!(
            errors,
            [DecodeError::IdTooLong { limit: 4 }],
            "cut at {cut}"
        );
        assert_eq!(last, "", "cut at {cut}");
    }
}

#[test]
fn the_id_limit_is_at_most_the_inline_capacity() {
    let at_capacity = "x".repeat(BlockDecoder::ID_CAPACITY);
    let over = "x".repeat(BlockDecoder::ID_CAPACITY + 1);
    let stream = format!("id: {at_capacity}\ndata: a\n\nid: {over}\ndata: b\n\n");
    let (fired, errors, last) = run(stream.as_bytes(), 0, Limits::unlimited());
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].2, at_capacity);
    assert_eq!(
        errors,
        [DecodeError::IdTooLong {
            limit: BlockDecoder::ID_CAPACITY
        }]
    );
    assert_eq!(last, at_capacity);
}

#[test]
fn set_last_event_id_checks_the_limit() {
    let mut decoder = BlockDecoder::with_limits(Limits::new().with_max_id_len(2));
    assert_eq!(decoder.set_last_event_id(b"12"), Ok(()));
    assert_eq!(
        decoder.set_last_event_id(b"123"),
        Err(DecodeError::IdTooLong { limit: 2 })
    );
    assert_eq!(decoder.last_event_id(), b"12");
}

#[test]
fn finish_drops_the_unfinished_block_and_keeps_the_stream_state() {
    let mut decoder = BlockDecoder::new();
    let input = b"id: 1\nretry: 5\n\nid: 2\ndata: lost";
    let decoded = decoder.decode(input).unwrap();
    assert!(matches!(decoded.status, Status::Complete(ref block) if !block.fires()));
    let consumed = decoded.consumed;
    assert!(decoder
        .decode(&input[consumed..])
        .unwrap()
        .status
        .is_partial());
    decoder.finish();
    let decoded = decoder.decode(b"data: next\n\n").unwrap();
    let Status::Complete(block) = decoded.status else {
        panic!("a block")
    };
    assert_eq!(block.last_event_id(), b"1");
    assert_eq!(block.data_single(), Some(&b"next"[..]));
    assert_eq!(decoder.reconnection_time(), Some(5));
}
