//! Edge cases of "Interpreting an event stream" (WHATWG HTML, server-sent events), each named
//! after the rule it checks. Every `decodes_to!` case runs whole, one byte per call and at every
//! two-way split, through every tier, against its expectation and the reference decoder.

#[macro_use]
mod common;

use common::matrix::{self, Expected};
#[cfg(feature = "alloc")]
use common::{reference, tiers};

// --- Line ends: "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED
// (CRLF) character pair, a single U+000A LINE FEED (LF) character, or a single U+000D
// CARRIAGE RETURN (CR) character." A CRLF split across chunks is still one line end.

decodes_to!(crlf_split_across_chunks_is_one_line_end,
    b"data: a\r\ndata: b\r\n\r\n",
    events: [("message", "a\nb", "")], retries: [], last_event_id: "");

decodes_to!(cr_cr_lf_is_two_line_ends_so_a_blank_line,
    b"data: a\r\r\ndata: b\n\n",
    events: [("message", "a", ""), ("message", "b", "")], retries: [], last_event_id: "");

decodes_to!(lone_crs_end_lines,
    b"data: a\rdata: b\r\r",
    events: [("message", "a\nb", "")], retries: [], last_event_id: "");

decodes_to!(lf_cr_is_two_line_ends,
    b"data: a\n\rdata: b\n\n",
    events: [("message", "a", ""), ("message", "b", "")], retries: [], last_event_id: "");

/// The split CRLF at the exact chunk boundary, through every tier, named explicitly.
#[test]
fn cr_at_chunk_end_and_lf_at_next_chunk_start_is_one_line_end() {
    let stream = b"data: a\r\n\r\ndata: b\r\n\r\n";
    let expected = Expected {
        events: &[("message", "a", ""), ("message", "b", "")],
        retries: &[],
        last_event_id: "",
    };
    for cuts in [&[8][..], &[10], &[8, 10], &[19], &[21], &[8, 10, 19, 21]] {
        for &cut in cuts {
            assert_eq!(&stream[cut - 1..=cut], b"\r\n", "cut {cut} splits a CRLF");
        }
        matrix::check_cuts("", stream, cuts, Some(&expected), "split CRLF");
    }
}

// --- BOM: "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present"
// (the UTF-8 decode algorithm strips one BOM at the start of the stream only).

decodes_to!(bom_at_stream_start_is_stripped,
    b"\xEF\xBB\xBFdata: x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

/// Every way of splitting the BOM (and the line after it) into 1- to 3-byte pieces.
#[test]
fn bom_split_across_chunks_in_every_way() {
    let stream = b"\xEF\xBB\xBFdata: x\n\n";
    let expected = Expected {
        events: &[("message", "x", "")],
        retries: &[],
        last_event_id: "",
    };
    for cuts in [
        &[1][..],
        &[2],
        &[3],
        &[1, 2],
        &[1, 3],
        &[2, 3],
        &[1, 2, 3],
        &[1, 2, 3, 4],
        &[0, 1, 1, 2],
    ] {
        matrix::check_cuts("", stream, cuts, Some(&expected), "split BOM");
    }
}

decodes_to!(bom_after_the_first_line_is_content,
    b"data: x\n\xEF\xBB\xBFdata: y\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(bom_inside_data_is_content,
    b"data: \xEF\xBB\xBFx\n\n",
    events: [("message", "\u{FEFF}x", "")], retries: [], last_event_id: "");

decodes_to!(second_of_two_leading_boms_is_content,
    b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n",
    events: [("message", "y", "")], retries: [], last_event_id: "");

decodes_to!(bom_only_stream_yields_nothing,
    b"\xEF\xBB\xBF",
    events: [], retries: [], last_event_id: "");

decodes_to!(partial_bom_then_end_of_stream_yields_nothing,
    b"\xEF\xBB",
    events: [], retries: [], last_event_id: "");

decodes_to!(partial_bom_is_not_stripped_but_decoded_as_replacement,
    b"\xEF\xBBdata: x\n\ndata: y\n\n",
    events: [("message", "y", "")], retries: [], last_event_id: "");

// --- Fields: "If the line contains a U+003A COLON character: collect the characters on the
// line before the first U+003A COLON character, and let field be that string. Collect the
// characters on the line after the first U+003A COLON character, and let value be that
// string. If value starts with a U+0020 SPACE character, remove it from value. Otherwise, the
// string is not empty but does not contain a U+003A COLON character: process the field using
// the whole line as the field name, and the empty string as the field value."

decodes_to!(data_without_colon_is_an_empty_data_line,
    b"data\n\n",
    events: [("message", "", "")], retries: [], last_event_id: "");

decodes_to!(data_colon_no_space,
    b"data:x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(data_colon_space_strips_the_space,
    b"data: x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(data_colon_two_spaces_keeps_one,
    b"data:  x\n\n",
    events: [("message", " x", "")], retries: [], last_event_id: "");

decodes_to!(data_colon_only_is_empty_data,
    b"data:\n\n",
    events: [("message", "", "")], retries: [], last_event_id: "");

decodes_to!(data_value_keeps_later_colons,
    b"data: a: b:c\n\n",
    events: [("message", "a: b:c", "")], retries: [], last_event_id: "");

decodes_to!(field_names_are_case_sensitive,
    b"Data: x\nDATA: y\nEvent: e\nID: 1\nRetry: 5\n\ndata: z\n\n",
    events: [("message", "z", "")], retries: [], last_event_id: "");

decodes_to!(long_unknown_field_names_are_ignored,
    b"datadata: x\ndata_: y\nretry5: 5\n\n",
    events: [], retries: [], last_event_id: "");

// --- id: "If the field value does not contain U+0000 NULL, then set the last event ID buffer
// to the field value. Otherwise, ignore the field." Dispatch step 1 sets the last event ID
// string from the buffer even when no event fires; the buffer is not reset.

decodes_to!(id_with_nul_is_ignored_and_the_previous_id_kept,
    b"id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n",
    events: [("message", "a", "1"), ("message", "b", "1")], retries: [], last_event_id: "1");

decodes_to!(empty_id_resets_the_last_event_id,
    b"id: 1\ndata: a\n\nid:\ndata: b\n\n",
    events: [("message", "a", "1"), ("message", "b", "")], retries: [], last_event_id: "");

decodes_to!(id_in_a_block_without_data_still_sets_the_last_event_id,
    b"id: 5\n\ndata: a\n\n",
    events: [("message", "a", "5")], retries: [], last_event_id: "5");

decodes_to!(id_only_block_at_stream_end_sets_the_last_event_id,
    b"data: a\n\nid: 7\n\n",
    events: [("message", "a", "")], retries: [], last_event_id: "7");

decodes_to!(id_in_an_unterminated_last_block_is_not_applied,
    b"id: 1\ndata: a\n\nid: 9\ndata: b\n",
    events: [("message", "a", "1")], retries: [], last_event_id: "1");

decodes_to!(last_id_of_a_block_wins,
    b"id: 1\nid: 2\ndata: a\n\n",
    events: [("message", "a", "2")], retries: [], last_event_id: "2");

decodes_to!(id_may_be_any_utf8_and_spaces_beyond_the_first_are_kept,
    "id:  \u{2026} x \ndata: a\n\n".as_bytes(),
    events: [("message", "a", " \u{2026} x ")], retries: [], last_event_id: " \u{2026} x ");

// --- retry: "If the field value consists of only ASCII digits, then interpret the field value
// as an integer in base ten, and set the event stream's reconnection time to that integer.
// Otherwise, ignore the field." (Values too large for a u64 are ignored, as browsers do.)

decodes_to!(retry_with_non_digits_is_ignored,
    b"retry: 1e3\nretry: 12a\nretry: a\nretry: 5.0\ndata: x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(retry_empty_is_ignored,
    b"retry:\nretry: \nretry\ndata: x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(retry_with_plus_sign_is_ignored,
    b"retry: +5\nretry: -5\ndata: x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(retry_with_a_space_left_after_stripping_one_is_ignored,
    b"retry:  5\nretry: 5 \ndata: x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(retry_overflowing_u64_is_ignored,
    b"retry: 99999999999999999999\nretry: 18446744073709551616\ndata: x\n\n",
    events: [("message", "x", "")], retries: [], last_event_id: "");

decodes_to!(retry_at_u64_max_is_accepted,
    b"retry: 18446744073709551615\n\n",
    events: [], retries: [u64::MAX], last_event_id: "");

decodes_to!(retry_with_leading_zeros_is_decimal,
    b"retry:0010\nretry: 0\nretry: 00000000000000000000000042\n\n",
    events: [], retries: [10, 0, 42], last_event_id: "");

decodes_to!(retry_applies_at_once_even_in_an_unterminated_block,
    b"retry: 3\ndata: x\n",
    events: [], retries: [3], last_event_id: "");

// --- event and dispatch: "If the event type buffer has a value other than the empty string,
// set the type attribute ... Otherwise "message"." "If the data buffer is an empty string, set
// the data buffer and the event type buffer to the empty string and return." The type buffer
// is reset after each dispatch.

decodes_to!(empty_event_type_is_message,
    b"event:\ndata: a\n\nevent: \ndata: b\n\n",
    events: [("message", "a", ""), ("message", "b", "")], retries: [], last_event_id: "");

decodes_to!(event_type_is_reset_after_each_dispatch,
    b"event: a\ndata: 1\n\ndata: 2\n\n",
    events: [("a", "1", ""), ("message", "2", "")], retries: [], last_event_id: "");

decodes_to!(last_event_field_wins,
    b"event: a\nevent: b\ndata: 1\n\n",
    events: [("b", "1", "")], retries: [], last_event_id: "");

decodes_to!(empty_data_buffer_fires_nothing_and_resets_the_type,
    b"event: a\n\ndata: 1\n\n",
    events: [("message", "1", "")], retries: [], last_event_id: "");

decodes_to!(blank_lines_alone_fire_nothing,
    b"\n\n\r\n\r\r\n",
    events: [], retries: [], last_event_id: "");

decodes_to!(comments_alone_fire_nothing,
    b":a\n: b\n:\n\n",
    events: [], retries: [], last_event_id: "");

decodes_to!(one_trailing_lf_is_stripped_from_data,
    b"data: a\ndata:\n\n",
    events: [("message", "a\n", "")], retries: [], last_event_id: "");

// --- End of stream: "Once the end of the file is reached, any pending data must be
// discarded. (If the file ends in the middle of an event, before the final empty line, the
// incomplete event is not dispatched.)"

decodes_to!(trailing_event_without_blank_line_is_discarded,
    b"data: a\n\ndata: b\n",
    events: [("message", "a", "")], retries: [], last_event_id: "");

decodes_to!(trailing_partial_line_is_discarded,
    b"data: a\n\ndata: b",
    events: [("message", "a", "")], retries: [], last_event_id: "");

decodes_to!(trailing_cr_ends_the_line_but_not_the_event,
    b"data: a\r",
    events: [], retries: [], last_event_id: "");

// --- Encoding: "Streams must be decoded using the UTF-8 decode algorithm", which replaces
// each invalid sequence with U+FFFD. NUL is content.

decodes_to!(invalid_utf8_becomes_replacement_characters,
    b"data: a\xffb\xc3\n\n",
    events: [("message", "a\u{FFFD}b\u{FFFD}", "")], retries: [], last_event_id: "");

decodes_to!(multi_byte_characters_split_across_chunks_stay_whole,
    "data: \u{2026}\u{1F600}\u{e9}\ndata: \u{1F600}\n\n".as_bytes(),
    events: [("message", "\u{2026}\u{1F600}\u{e9}\n\u{1F600}", "")], retries: [], last_event_id: "");

decodes_to!(invalid_utf8_in_type_and_id_becomes_replacement_characters,
    b"event: e\xff\nid: i\xfe\ndata: x\n\n",
    events: [("e\u{FFFD}", "x", "i\u{FFFD}")], retries: [], last_event_id: "i\u{FFFD}");

decodes_to!(truncated_multi_byte_char_before_line_end_is_replaced,
    b"data: \xE2\x80\ndata: \xF0\x9F\x98\n\n",
    events: [("message", "\u{FFFD}\n\u{FFFD}", "")], retries: [], last_event_id: "");

decodes_to!(nul_in_data_is_content,
    b"data: a\0b\ndata:\0\n\n",
    events: [("message", "a\0b\n\0", "")], retries: [], last_event_id: "");

// --- Stream state across connections (the owned and bytes tiers).

/// "finish" ends the stream: the unfinished event is dropped, the next stream's BOM is stripped
/// again, and the last event ID and reconnection time carry over (as an EventSource keeps them).
#[cfg(feature = "alloc")]
#[test]
fn finish_then_a_new_stream_strips_a_bom_again_and_keeps_id_and_retry() {
    let mut decoder = sse_wire::Decoder::new();
    let first: Vec<_> = decoder
        .feed(b"\xEF\xBB\xBFretry: 250\nid: 4\ndata: a\n\ndata: lost\nid: 99\n")
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(first.len(), 1);
    decoder.finish();
    assert_eq!(decoder.last_event_id(), "4");
    assert_eq!(decoder.reconnection_time(), Some(250));
    let second: Vec<_> = decoder
        .feed(b"\xEF\xBB\xBFdata: b\n\n")
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        second.len(),
        1,
        "the BOM of the second stream was not stripped"
    );
    assert_eq!(second[0].data(), "b");
    assert_eq!(second[0].last_event_id(), "4");
    assert_eq!(decoder.reconnection_time(), Some(250));

    // A BOM split across chunks of the second stream, through decode.
    decoder.finish();
    let mut buffer = b"\xEF".to_vec();
    let decoded = decoder.decode(&buffer).unwrap();
    assert!(decoded.status.is_partial());
    buffer.drain(..decoded.consumed);
    buffer.extend_from_slice(b"\xBB\xBFdata: c\n\n");
    let decoded = decoder.decode(&buffer).unwrap();
    match decoded.status.complete() {
        Some(sse_wire::Item::Event(event)) => assert_eq!(event.data(), "c"),
        other => panic!("expected an event, got {other:?}"),
    }
}

#[cfg(feature = "bytes")]
#[test]
fn bytes_finish_then_a_new_stream_strips_a_bom_again_and_keeps_id_and_retry() {
    use bytes::BytesMut;
    use sse_wire::Item;
    let mut decoder = sse_wire::BytesDecoder::new();
    let mut buf = BytesMut::from(&b"retry: 9\nid: x\ndata: a\n\ndata: lost\n"[..]);
    assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Item::Retry(9)));
    assert!(matches!(
        decoder.decode(&mut buf).unwrap(),
        Some(Item::Event(_))
    ));
    assert_eq!(decoder.decode(&mut buf).unwrap(), None);
    decoder.finish();
    buf.clear();
    buf.extend_from_slice(b"\xEF\xBB\xBFdata: b\n\n");
    let Some(Item::Event(event)) = decoder.decode(&mut buf).unwrap() else {
        panic!("the BOM of the second stream was not stripped");
    };
    assert_eq!(&event.data()[..], b"b");
    assert_eq!(event.last_event_id(), "x");
    assert_eq!(decoder.reconnection_time(), Some(9));
}

/// A reconnection without finish in between would keep the unfinished event; finish drops it
/// (the `data: lost` line above). Here: the same for an unfinished `event` and `id`.
#[cfg(feature = "alloc")]
#[test]
fn finish_drops_the_unfinished_type_and_id() {
    let mut decoder = sse_wire::Decoder::new();
    assert_eq!(decoder.feed(b"event: t\nid: 1\n").count(), 0);
    decoder.finish();
    let events: Vec<_> = decoder
        .feed(b"data: x\n\n")
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(events[0].event_type(), "message");
    assert_eq!(events[0].last_event_id(), "");
}

// --- Item order: comments and retries are reported where they occur, before the event
// whose block holds them.

#[cfg(feature = "alloc")]
#[test]
fn items_come_in_stream_order() {
    use reference::Observed;
    let stream = b": c1\nretry: 5\ndata: x\n: c2\nretry: 6\n\n: c3\n";
    let expected = vec![
        Observed::Comment("c1".into()),
        Observed::Retry(5),
        Observed::Comment("c2".into()),
        Observed::Retry(6),
        Observed::Event {
            event_type: "message".into(),
            data: "x".into(),
            last_event_id: "".into(),
        },
        Observed::Comment("c3".into()),
    ];
    assert_eq!(reference::decode(stream).observed, expected);
    for cut in 0..=stream.len() {
        let run = tiers::owned("", stream, &[cut], sse_wire::Limits::new());
        assert_eq!(run.outcome.observed, expected, "owned, cut at {cut}");
        #[cfg(feature = "bytes")]
        {
            let run = tiers::bytes("", stream, &[cut], sse_wire::Limits::new());
            assert_eq!(run.outcome.observed, expected, "bytes, cut at {cut}");
        }
    }
}

// --- Feed: dropping the iterator early keeps the rest for the next call.

#[cfg(feature = "alloc")]
#[test]
fn feed_dropped_after_the_first_event_loses_nothing() {
    let mut decoder = sse_wire::Decoder::new();
    let mut feed = decoder.feed(b"data: 1\n\ndata: 2\n\ndata: 3\n");
    assert_eq!(feed.next().unwrap().unwrap().data(), "1");
    drop(feed);
    let rest: Vec<String> = decoder
        .feed(b"\n")
        .map(|event| event.unwrap().data().to_string())
        .collect();
    assert_eq!(rest, ["2", "3"]);
}

/// At every split point, take at most one event per `feed` call, then drain with empty chunks:
/// the events are exactly the reference's.
#[cfg(feature = "alloc")]
#[test]
fn feed_taking_one_event_per_call_at_every_split_loses_nothing() {
    let stream: &[u8] =
        b"\xEF\xBB\xBFid: 1\ndata: a\r\n\r\ndata: b\rdata: c\r\rdata: d\n\n: x\nevent: e\ndata: f\n\ndata: g\n\n";
    let expected: Vec<(String, String, String)> = reference::decode(stream)
        .events()
        .into_iter()
        .map(|o| match o {
            reference::Observed::Event {
                event_type,
                data,
                last_event_id,
            } => (event_type, data, last_event_id),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(expected.len(), 5);
    for cut in 0..=stream.len() {
        for cut2 in [cut, (cut + 7).min(stream.len())] {
            let mut decoder = sse_wire::Decoder::new();
            let mut got = Vec::new();
            let mut take_one = |decoder: &mut sse_wire::Decoder, chunk: &[u8]| {
                if let Some(event) = decoder.feed(chunk).next() {
                    let event = event.unwrap();
                    got.push((
                        event.event_type().to_string(),
                        event.data().to_string(),
                        event.last_event_id().to_string(),
                    ));
                    true
                } else {
                    false
                }
            };
            for chunk in tiers::chunks(stream, &[cut, cut2]) {
                take_one(&mut decoder, chunk);
            }
            let mut spins = 0;
            while take_one(&mut decoder, &[]) {
                spins += 1;
                assert!(spins < 100, "feed(&[]) keeps yielding");
            }
            assert_eq!(got, expected, "cuts at {cut}, {cut2}");
        }
    }
}

/// The lending decoder keeps the last event ID where it lies in its buffer and moves or copies
/// it when the buffer drops the bytes before it: pushed to while the ID's own block is still
/// being lent (the buffer compacts, moving that block to its front), and after.
#[cfg(feature = "alloc")]
#[test]
fn lending_keeps_the_last_event_id_while_its_buffer_compacts() {
    use sse_wire::decode::LendingDecoder;
    use sse_wire::Item;

    let mut decoder = LendingDecoder::new();
    let first = format!("id: first\ndata: {}\n\n", "a".repeat(200));
    decoder.push(first.as_bytes());
    decoder.push(b": note\nid: second\ndata: 1\n\n");
    match decoder.next_item() {
        Some(Ok(Item::Event(event))) => assert_eq!(event.last_event_id(), "first"),
        other => panic!("{other:?}"),
    }
    match decoder.next_item() {
        Some(Ok(Item::Comment(text))) => assert_eq!(text, "note"),
        other => panic!("{other:?}"),
    }
    // The second block's event is still to be lent; the first block's bytes are dropped now.
    decoder.push(b"data: 2");
    assert_eq!(decoder.last_event_id(), "second");
    match decoder.next_item() {
        Some(Ok(Item::Event(event))) => {
            assert_eq!((event.data(), event.last_event_id()), ("1", "second"))
        }
        other => panic!("{other:?}"),
    }
    assert!(decoder.next_item().is_none());
    // The ID's block is dropped from the buffer too: the ID is copied out first.
    decoder.push(format!("\n\n{}", "x".repeat(100)).as_bytes());
    match decoder.next_event() {
        Some(Ok(event)) => assert_eq!((event.data(), event.last_event_id()), ("2", "second")),
        other => panic!("{other:?}"),
    }
    decoder.push(b"\n\n");
    decoder.finish();
    assert_eq!(decoder.last_event_id(), "second");
    decoder.set_last_event_id("mine");
    decoder.push(b"data: 3\n\n");
    match decoder.next_event() {
        Some(Ok(event)) => assert_eq!(event.last_event_id(), "mine"),
        other => panic!("{other:?}"),
    }
}

/// `Line::parse` (every tier's line step) against the reference decoder's reading of the
/// spec, on every line of up to 5 bytes over the known names' letters, colon, space, NUL and
/// a digit, and on each known name (and each prefix of one) with every suffix of up to 3 of
/// those bytes: the same kind of line, the same value, borrowing the same bytes.
#[cfg(feature = "alloc")]
#[test]
fn line_parse_reads_every_short_line_as_the_reference_does() {
    use reference::Field;
    use sse_wire::decode::Line;

    let alphabet = b"deitr: \x001";
    let mut lines: Vec<Vec<u8>> = vec![Vec::new()];
    let mut frontier = lines.clone();
    for _ in 0..5 {
        frontier = frontier
            .iter()
            .flat_map(|line| alphabet.iter().map(move |&b| [&line[..], &[b]].concat()))
            .collect();
        lines.extend(frontier.iter().cloned());
    }
    let suffixes =
        lines[..1 + alphabet.len() + alphabet.len().pow(2) + alphabet.len().pow(3)].to_vec();
    for name in ["data", "event", "id", "retry", "dat", "ev", "i", "retr"] {
        lines.extend(
            suffixes
                .iter()
                .map(|suffix| [name.as_bytes(), suffix].concat()),
        );
    }
    lines.push(b"retry: 99999999999999999999".to_vec());
    lines.push(b"data:   spaced".to_vec());
    for line in lines.iter().filter(|line| !line.is_empty()) {
        let text = std::str::from_utf8(line).expect("an ASCII alphabet");
        let ours = Line::parse(line);
        let same = |a: &[u8], b: &str| a == b.as_bytes() && a.as_ptr() == b.as_ptr();
        let agrees = match (ours, reference::field(text)) {
            (Line::Comment(a), Field::Comment(b))
            | (Line::Data(a), Field::Data(b))
            | (Line::Event(a), Field::Event(b))
            | (Line::Id(a), Field::Id(b)) => same(a, b),
            (Line::Retry(a), Field::Retry(b)) => a == b,
            (Line::Ignored { name, value }, Field::Ignored { name: n, value: v }) => {
                same(name, n) && same(value, v)
            }
            _ => false,
        };
        assert!(agrees, "{:?}: {ours:?}", line.escape_ascii().to_string());
    }
}
