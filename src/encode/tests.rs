//! The encoder's edge cases, each checked on the bytes written and, through the event-tier
//! decoder (no allocation needed), on what a client reads back.

use std::vec::Vec;

use super::*;
use crate::Encode;
use crate::{EventDecoder, Status};

/// What a decoder reads from one encoded block.
#[derive(Debug, PartialEq, Eq)]
struct Read {
    event_type: Option<Vec<u8>>,
    id: Option<Vec<u8>>,
    retry: Option<u64>,
    /// `None` if the block has no `data` line (no event fires).
    data: Option<Vec<u8>>,
    comments: Vec<Vec<u8>>,
}

/// Encodes `event` to a `Vec` (via the slice path: this module also runs without `alloc`).
fn encode(event: &EventRef<'_>) -> Vec<u8> {
    let mut out = std::vec![0; event.encoded_len()];
    let n = event.encode_to_slice(&mut out).unwrap();
    assert_eq!(n, out.len());
    out
}

fn decode_block(bytes: &[u8]) -> Read {
    let mut decoder = EventDecoder::new();
    let decoded = decoder.decode(bytes).unwrap();
    assert_eq!(
        decoded.consumed,
        bytes.len(),
        "one whole block in {bytes:?}"
    );
    let Status::Complete(raw) = decoded.status else {
        panic!("no complete block in {bytes:?}")
    };
    let data = (raw.data_line_count() > 0).then(|| {
        let mut data = std::vec![0; raw.data_len()];
        raw.copy_data_to(&mut data).unwrap();
        data
    });
    Read {
        event_type: raw.event_type().map(<[u8]>::to_vec),
        id: raw.id().map(<[u8]>::to_vec),
        retry: raw.retry(),
        data,
        comments: raw.comments().map(<[u8]>::to_vec).collect(),
    }
}

fn data_of(data: &str) -> Option<Vec<u8>> {
    let encoded = encode(&EventRef::new().with_data(data));
    decode_block(&encoded).data
}

#[test]
fn fields_are_written_in_order_with_one_space() {
    let event = EventRef::new()
        .with_data("x")
        .with_retry(10)
        .with_id(EventId::from_static("7"))
        .with_event_type(EventType::from_static("t"));
    assert_eq!(encode(&event), b"event: t\nid: 7\nretry: 10\ndata: x\n\n");
}

#[test]
fn data_line_breaks_become_data_lines_and_decode_as_lf() {
    let encoded = encode(&EventRef::new().with_data("a\nb\rc\r\nd"));
    assert_eq!(encoded, b"data: a\ndata: b\ndata: c\ndata: d\n\n");
    assert_eq!(data_of("a\nb\rc\r\nd").unwrap(), b"a\nb\nc\nd");
}

#[test]
fn cr_lf_pairs_and_lone_crs_are_told_apart() {
    // LF CR is two line breaks, CR LF one.
    assert_eq!(data_of("a\n\rb").unwrap(), b"a\n\nb");
    assert_eq!(data_of("a\r\r\nb").unwrap(), b"a\n\nb");
}

#[test]
fn trailing_line_break_is_kept() {
    assert_eq!(
        encode(&EventRef::new().with_data("a\n")),
        b"data: a\ndata:\n\n"
    );
    assert_eq!(data_of("a\n").unwrap(), b"a\n");
    assert_eq!(data_of("a\r\n").unwrap(), b"a\n");
    assert_eq!(data_of("a\r").unwrap(), b"a\n");
}

#[test]
fn data_made_only_of_line_breaks() {
    assert_eq!(data_of("\n").unwrap(), b"\n");
    assert_eq!(data_of("\r\n\r\n").unwrap(), b"\n\n");
    assert_eq!(data_of("\n\n\r\r").unwrap(), b"\n\n\n\n");
}

#[test]
fn empty_data_still_dispatches() {
    let encoded = encode(&EventRef::new().with_data(""));
    assert_eq!(encoded, b"data:\n\n");
    let mut decoder = EventDecoder::new();
    let Status::Complete(raw) = decoder.decode(&encoded).unwrap().status else {
        panic!("block")
    };
    assert!(raw.fires());
    assert_eq!(raw.data_len(), 0);
}

#[test]
fn leading_space_survives() {
    assert_eq!(encode(&EventRef::new().with_data(" x")), b"data:  x\n\n");
    assert_eq!(data_of(" x").unwrap(), b" x");
    assert_eq!(data_of("a\n  b").unwrap(), b"a\n  b");
    let typed = EventRef::new()
        .with_event_type(EventType::from_static(" t"))
        .with_id(EventId::from_static(" 1"));
    let read = decode_block(&encode(&typed));
    assert_eq!(read.event_type.as_deref(), Some(&b" t"[..]));
    assert_eq!(read.id.as_deref(), Some(&b" 1"[..]));
}

#[test]
fn nul_and_non_ascii_data_round_trip() {
    let data = "\0nul \u{1F600} ünï\0";
    assert_eq!(data_of(data).unwrap(), data.as_bytes());
}

#[test]
fn colon_in_data_and_field_like_data_stay_data() {
    let data = "id: 5\nevent: evil\n\ndata: x";
    let read = decode_block(&encode(&EventRef::new().with_data(data)));
    assert_eq!(read.data.unwrap(), data.as_bytes());
    assert_eq!((read.id, read.event_type), (None, None));
}

#[test]
fn without_data_no_event_fires_but_id_and_retry_apply() {
    let encoded = encode(&EventRef::new().with_id(EventId::from_static("9")));
    assert_eq!(encoded, b"id: 9\n\n");
    let read = decode_block(&encoded);
    assert_eq!((read.id.as_deref(), read.data), (Some(&b"9"[..]), None));
}

#[test]
fn standalone_retry_block() {
    let encoded = encode(&EventRef::new().with_retry(u64::MAX));
    assert_eq!(encoded, b"retry: 18446744073709551615\n\n");
    assert_eq!(decode_block(&encoded).retry, Some(u64::MAX));
    assert_eq!(
        decode_block(&encode(&EventRef::new().with_retry(0))).retry,
        Some(0)
    );
}

#[test]
fn empty_id_and_empty_type_are_written_bare() {
    let event = EventRef::new()
        .with_event_type(EventType::from_static(""))
        .with_id(EventId::EMPTY)
        .with_data("d");
    let encoded = encode(&event);
    assert_eq!(encoded, b"event:\nid:\ndata: d\n\n");
    let read = decode_block(&encoded);
    assert_eq!(read.id.as_deref(), Some(&b""[..]));
}

#[test]
fn an_event_with_no_fields_is_a_harmless_blank_line() {
    assert_eq!(encode(&EventRef::new()), b"\n");
}

#[test]
fn slice_too_small_reports_exact_need_and_writes_nothing() {
    let event = EventRef::new().with_data("hello\nworld");
    let needed = event.encoded_len();
    for len in 0..needed {
        let mut out = std::vec![0xAA; len];
        assert_eq!(
            event.encode_to_slice(&mut out),
            Err(crate::BufferTooSmall { needed })
        );
        assert!(out.iter().all(|&b| b == 0xAA), "untouched at len {len}");
    }
    let mut out = std::vec![0; needed + 3];
    assert_eq!(event.encode_to_slice(&mut out), Ok(needed));
    assert_eq!(event.encoded_len(), needed);
}

#[test]
fn multi_line_comment_is_split_safely() {
    let comment = Comment::new("a\r\nid: 6\rdata: x\n");
    let mut out = std::vec![0; comment.encoded_len()];
    comment.encode_to_slice(&mut out).unwrap();
    assert_eq!(out, b": a\n: id: 6\n: data: x\n:\n");
    // Followed by a blank line it is a block of comments only: nothing injected.
    out.push(b'\n');
    let read = decode_block(&out);
    assert_eq!((read.id, read.data), (None, None));
    assert_eq!(
        read.comments,
        [&b"a"[..], b"id: 6", b"data: x", b""].map(<[u8]>::to_vec)
    );
}

#[test]
fn keep_alive_comment() {
    let mut out = [0u8; 2];
    assert_eq!(Comment::keep_alive().encode_to_slice(&mut out), Ok(2));
    assert_eq!(&out, b":\n");
    assert_eq!(
        Comment::new(" padded").encode_to_slice(&mut [0; 32]),
        Ok(10)
    );
}

/// Writes `pieces` through an [`EventWriter`] with an output buffer of `out_len` bytes.
fn write_pieces(writer: EventWriter<'_>, pieces: &[&[u8]], out_len: usize) -> Vec<u8> {
    let mut writer = writer;
    let mut stream = Vec::new();
    let mut out = std::vec![0; out_len];
    for piece in pieces {
        let mut input = *piece;
        loop {
            let (result, read, written) = writer.data(input, &mut out);
            assert!(read > 0 || written > 0 || result == WriteResult::InputEmpty);
            stream.extend_from_slice(&out[..written]);
            input = &input[read..];
            if result == WriteResult::InputEmpty {
                assert!(input.is_empty());
                break;
            }
        }
    }
    loop {
        let (result, written) = writer.finish(&mut out);
        assert!(written > 0 || result == WriteResult::InputEmpty);
        stream.extend_from_slice(&out[..written]);
        if result == WriteResult::InputEmpty {
            break;
        }
    }
    assert_eq!(writer, EventWriter::new(), "finish resets the writer");
    stream
}

#[test]
fn writer_cr_at_end_of_piece_and_lf_at_start_of_next_is_one_line_break() {
    let stream = write_pieces(EventWriter::new(), &[b"a\r", b"\nb"], 64);
    assert_eq!(stream, b"data: a\ndata: b\n\n");
    let split_twice = write_pieces(EventWriter::new(), &[b"a\r", b"", b"\nb"], 64);
    assert_eq!(split_twice, stream);
}

#[test]
fn writer_equals_one_shot_for_every_split_and_output_size() {
    let data = b"\r\n lead\r\rmid\n\nend\r";
    let header = EventWriter::new()
        .with_event_type(EventType::from_static("tok"))
        .with_id(EventId::from_static("12"))
        .with_retry(250);
    let expected = encode(
        &EventRef::new()
            .with_event_type(EventType::from_static("tok"))
            .with_id(EventId::from_static("12"))
            .with_retry(250)
            .with_data_bytes(data),
    );
    for split in 0..=data.len() {
        let (a, b) = data.split_at(split);
        for out_len in 1..12 {
            assert_eq!(
                write_pieces(header.clone(), &[a, b], out_len),
                expected,
                "split {split} out {out_len}"
            );
        }
    }
}

#[test]
fn writer_without_data_writes_one_empty_data_line() {
    let stream = write_pieces(EventWriter::new().with_id(EventId::EMPTY), &[], 3);
    assert_eq!(stream, b"id:\ndata:\n\n");
    assert_eq!(decode_block(&stream).data.as_deref(), Some(&b""[..]));
}

#[test]
fn writer_zero_room_consumes_nothing_and_stays_valid() {
    let mut writer = EventWriter::new();
    assert_eq!(
        writer.data(b"abc", &mut []),
        (WriteResult::OutputFull, 0, 0)
    );
    // The line prefix is owed now: `data: abc` LF, or `data: ` LF LF if the caller gives up.
    assert_eq!(writer.data_len(b"abc"), 9);
    assert_eq!(writer.finish_len(), 8);
    let mut out = [0u8; 8];
    assert_eq!(writer.finish(&mut out), (WriteResult::InputEmpty, 8));
    assert_eq!(decode_block(&out).data.as_deref(), Some(&b""[..]));
}

#[test]
fn writer_data_after_finish_starts_a_fresh_event() {
    let mut writer = EventWriter::new().with_id(EventId::from_static("1"));
    let mut out = [0u8; 64];
    let (_, _, a) = writer.data(b"x\r", &mut out);
    let (_, b) = writer.finish(&mut out[a..]);
    let (_, _, c) = writer.data(b"\ny", &mut out[a + b..]);
    let (_, d) = writer.finish(&mut out[a + b + c..]);
    assert_eq!(
        &out[..a + b + c + d],
        b"id: 1\ndata: x\ndata:\n\ndata:\ndata: y\n\n"
    );
}

/// The encoding by the letter of the format, byte by byte: the reference the measured,
/// one-scan encoder (one-line fast path and line-by-line path) is checked against.
fn reference_lines(out: &mut Vec<u8>, prefix: &str, text: &[u8]) {
    let mut line = Vec::new();
    let mut bytes = text.iter().copied().peekable();
    let put = |out: &mut Vec<u8>, line: &mut Vec<u8>| {
        out.extend_from_slice(prefix.as_bytes());
        if !line.is_empty() {
            out.push(b' ');
            out.append(line);
        }
        out.push(b'\n');
    };
    while let Some(b) = bytes.next() {
        match b {
            b'\r' | b'\n' => {
                if b == b'\r' && bytes.peek() == Some(&b'\n') {
                    bytes.next();
                }
                put(out, &mut line);
            }
            _ => line.push(b),
        }
    }
    put(out, &mut line);
}

fn reference_event(
    event_type: Option<&str>,
    id: Option<&str>,
    retry: Option<u64>,
    data: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in [("event:", event_type), ("id:", id)] {
        if let Some(value) = value {
            reference_lines(&mut out, name, value.as_bytes());
        }
    }
    if let Some(retry) = retry {
        reference_lines(&mut out, "retry:", std::format!("{retry}").as_bytes());
    }
    if let Some(data) = data {
        reference_lines(&mut out, "data:", data);
    }
    out.push(b'\n');
    out
}

/// Data without a line break (one scan, one line), with breaks of every kind in every place
/// (line by line), empty, and around the block sizes of the scans.
fn data_cases() -> Vec<Vec<u8>> {
    let long = "{\"choices\":[{\"delta\":{\"content\":\"tok\"}}]} ".repeat(8);
    let mut cases: Vec<Vec<u8>> = ["", "x", " lead", "a\tb\x0b\x0cc", "\0", "ü€😀"]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    for len in [
        1,
        2,
        7,
        8,
        9,
        15,
        16,
        17,
        31,
        32,
        33,
        63,
        64,
        65,
        255,
        256,
        257,
        long.len(),
    ] {
        let clean = long.as_bytes()[..len].to_vec();
        cases.push(clean.clone());
        for brk in [&b"\n"[..], b"\r", b"\r\n", b"\n\r", b"\r\r\n\n"] {
            for at in [0, 1, len / 2, len - 1, len] {
                let mut broken = clean.clone();
                broken.splice(at..at, brk.iter().copied());
                cases.push(broken);
            }
        }
    }
    cases
}

#[test]
fn one_line_and_multi_line_data_match_the_reference_on_every_path() {
    let headers: [(Option<&str>, Option<&str>, Option<u64>); 4] = [
        (None, None, None),
        (Some("delta"), None, None),
        (Some("message"), Some("12345"), None),
        (Some(""), Some(""), Some(3000)),
    ];
    for data in data_cases() {
        for (event_type, id, retry) in headers {
            let mut event = EventRef::new().with_data_bytes(&data);
            if let Some(t) = event_type {
                event = event.with_event_type(EventType::new(t).unwrap());
            }
            if let Some(id) = id {
                event = event.with_id(EventId::new(id).unwrap());
            }
            if let Some(retry) = retry {
                event = event.with_retry(retry);
            }
            let expected = reference_event(event_type, id, retry, Some(&data));
            assert_eq!(event.encoded_len(), expected.len(), "{data:?}");
            assert_eq!(encode(&event), expected, "{data:?}");
            #[cfg(feature = "alloc")]
            {
                let mut out = b"kept".to_vec();
                assert_eq!(event.encode_to_vec(&mut out), expected.len());
                assert_eq!((&out[..4], &out[4..]), (&b"kept"[..], &expected[..]));
            }
            #[cfg(feature = "bytes")]
            assert_eq!(event.to_bytes(), expected);
        }
        let mut expected = Vec::new();
        reference_lines(&mut expected, ":", &data);
        let comment = Comment::from_bytes(&data);
        let mut out = std::vec![0; comment.encoded_len()];
        assert_eq!(comment.encode_to_slice(&mut out), Ok(expected.len()));
        assert_eq!(out, expected, "comment {data:?}");
    }
}

#[test]
fn slice_too_small_at_every_length_on_both_paths() {
    for data in ["{\"content\":\"one line, no break\"}", "two\r\nlines\r", ""] {
        let event = EventRef::new()
            .with_event_type(EventType::from_static("delta"))
            .with_id(EventId::from_static("7"))
            .with_retry(250)
            .with_data(data);
        let needed = event.encoded_len();
        for len in 0..needed {
            let mut out = std::vec![0xAA; len];
            assert_eq!(
                event.encode_to_slice(&mut out),
                Err(crate::BufferTooSmall { needed })
            );
            assert!(
                out.iter().all(|&b| b == 0xAA),
                "untouched at {len} for {data:?}"
            );
        }
        let mut out = std::vec![0xAA; needed + 1];
        assert_eq!(event.encode_to_slice(&mut out), Ok(needed));
        assert_eq!(out[needed], 0xAA, "nothing past the frame");
    }
}

/// The keep-alive bytes the server helpers send are what the encoder writes for
/// [`Comment::keep_alive`], and what the spec calls a comment: a lone colon line.
#[test]
fn keep_alive_bytes_are_the_empty_comment() {
    let mut encoded = Vec::new();
    Comment::keep_alive().encode_to_vec(&mut encoded);
    assert_eq!(encoded, crate::server::KeepAlive::COMMENT);
    assert_eq!(crate::server::KeepAlive::COMMENT, b":\n");
}

/// A reference encodes as what it points to, through every path of the trait (what the
/// codec's one generic `Encoder` relies on for `&EventRef`).
#[test]
#[allow(clippy::needless_borrows_for_generic_args)] // the references are what is tested
fn a_reference_encodes_as_its_value() {
    fn encoded<T: Encode>(frame: T) -> (usize, Vec<u8>, Vec<u8>) {
        let mut vec = Vec::new();
        frame.encode_to_vec(&mut vec);
        let mut slice = [0u8; 64];
        let n = frame.encode_to_slice(&mut slice).unwrap_or(0);
        (frame.encoded_len(), vec, slice[..n].to_vec())
    }
    let event = EventRef::new().with_retry(3000).with_data("a\nb");
    let want = b"retry: 3000\ndata: a\ndata: b\n\n".to_vec();
    assert_eq!(encoded(event), (want.len(), want.clone(), want.clone()));
    assert_eq!(encoded(&event), encoded(event));
    assert_eq!(encoded(&&event), encoded(event));
}
