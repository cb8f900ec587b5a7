//! Property tests: what the encoder writes, the decoder reads back (after the documented
//! normalisation: every line break in data and comments becomes LF), whatever the chunking.
#![cfg(feature = "alloc")]

mod common;

use common::encode_checks::normalise;
use proptest::prelude::*;
use sse_wire::{
    BufferTooSmall, Comment, Decoder, Encode, EncodeError, EventId, EventRef, EventType,
    EventWriter, Item, Status, WriteResult,
};

#[derive(Debug, Clone)]
enum Frame {
    Event {
        event_type: Option<String>,
        id: Option<String>,
        retry: Option<u64>,
        data: Option<String>,
    },
    Comment(String),
}

impl Frame {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Event {
                event_type,
                id,
                retry,
                data,
            } => {
                let mut event_ref = EventRef::new();
                if let Some(t) = event_type {
                    event_ref = event_ref.with_event_type(EventType::new(t).unwrap());
                }
                if let Some(id) = id {
                    event_ref = event_ref.with_id(EventId::new(id).unwrap());
                }
                if let Some(ms) = retry {
                    event_ref = event_ref.with_retry(*ms);
                }
                if let Some(data) = data {
                    event_ref = event_ref.with_data(data);
                }
                check_paths_agree(&event_ref);
                event_ref.encode_to_vec(out);
            }
            Frame::Comment(text) => {
                Comment::new(text).encode_to_vec(out);
            }
        }
    }
}

/// `encoded_len`, the slice path, the `Vec` path and the `Bytes` paths write the same bytes.
fn check_paths_agree(event: &EventRef<'_>) {
    let mut vec = Vec::new();
    let n = event.encode_to_vec(&mut vec);
    assert_eq!((n, vec.len()), (event.encoded_len(), event.encoded_len()));
    let mut slice = vec![0; n];
    assert_eq!(event.encode_to_slice(&mut slice), Ok(n));
    assert_eq!(slice, vec);
    #[cfg(feature = "bytes")]
    {
        assert_eq!(event.to_bytes(), vec);
        let mut buf = bytes::BytesMut::new();
        assert_eq!(event.encode_to_buf(&mut buf), Ok(n));
        assert_eq!(buf, vec);
    }
}

/// What a client observes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Event {
        event_type: String,
        data: String,
        last_event_id: String,
    },
    Comment(Vec<u8>),
    Retry(u64),
}

/// The model: what a client must observe for `frames`.
fn expected(frames: &[Frame]) -> Vec<Seen> {
    let mut last_event_id = String::new();
    let mut seen = Vec::new();
    for frame in frames {
        match frame {
            Frame::Event {
                event_type,
                id,
                retry,
                data,
            } => {
                if let Some(ms) = retry {
                    seen.push(Seen::Retry(*ms));
                }
                if let Some(id) = id {
                    last_event_id.clone_from(id);
                }
                if let Some(data) = data {
                    let event_type = match event_type.as_deref() {
                        None | Some("") => "message".to_string(),
                        Some(t) => t.to_string(),
                    };
                    seen.push(Seen::Event {
                        event_type,
                        data: String::from_utf8(normalise(data.as_bytes())).unwrap(),
                        last_event_id: last_event_id.clone(),
                    });
                }
            }
            Frame::Comment(text) => {
                for line in normalise(text.as_bytes()).split(|&b| b == b'\n') {
                    seen.push(Seen::Comment(line.to_vec()));
                }
            }
        }
    }
    seen
}

/// Decodes `stream` fed in chunks of the given sizes (cycled), through the owned tier.
fn decode(stream: &[u8], chunk_sizes: &[usize]) -> Vec<Seen> {
    let mut decoder = Decoder::new();
    let mut seen = Vec::new();
    let mut pending = Vec::new();
    let mut rest = stream;
    let mut sizes = chunk_sizes.iter().copied().cycle();
    while !rest.is_empty() {
        let size = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
        pending.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&pending[start..]).unwrap();
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Item::Event(event)) => seen.push(Seen::Event {
                    event_type: event.event_type().to_string(),
                    data: event.data().to_string(),
                    last_event_id: event.last_event_id().to_string(),
                }),
                Status::Complete(Item::Comment(text)) => seen.push(Seen::Comment(text.to_vec())),
                Status::Complete(Item::Retry(ms)) => seen.push(Seen::Retry(ms)),
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        pending.drain(..start);
    }
    assert!(pending.is_empty(), "every frame ends with a line end");
    seen
}

/// Writes `pieces` through `writer` using an output buffer of `out_len` bytes.
fn write_in_pieces<'p>(
    writer: &mut EventWriter<'_>,
    pieces: impl Iterator<Item = &'p [u8]>,
    out_len: usize,
) -> Vec<u8> {
    let mut stream = Vec::new();
    let mut out = vec![0; out_len];
    for piece in pieces {
        let mut input = piece;
        loop {
            let (result, read, written) = writer.data(input, &mut out);
            stream.extend_from_slice(&out[..written]);
            input = &input[read..];
            if result == WriteResult::InputEmpty {
                break;
            }
        }
    }
    loop {
        let (result, written) = writer.finish(&mut out);
        stream.extend_from_slice(&out[..written]);
        if result == WriteResult::InputEmpty {
            return stream;
        }
    }
}

/// Text rich in what is hard for an encoder: line breaks of every kind, NUL, spaces, colons,
/// field names, a BOM, non-ASCII.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\0".to_string()),
        Just(" ".to_string()),
        Just(":".to_string()),
        Just("data: ".to_string()),
        Just("\u{FEFF}".to_string()),
        Just("é😀".to_string()),
        "[a-z]{1,5}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

fn frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        4 => (
            proptest::option::of("[^\r\n]{0,6}"),
            proptest::option::of("[^\r\n\0]{0,6}"),
            proptest::option::of(any::<u64>()),
            proptest::option::weighted(0.8, tricky_text()),
        )
            .prop_map(|(event_type, id, retry, data)| Frame::Event {
                event_type,
                id,
                retry,
                data
            }),
        1 => tricky_text().prop_map(Frame::Comment),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_of_encode_is_identity_under_any_chunking(
        frames in prop::collection::vec(frame(), 0..8),
        chunk_sizes in prop::collection::vec(1usize..40, 1..6),
    ) {
        let mut stream = Vec::new();
        for frame in &frames {
            frame.encode(&mut stream);
        }
        let want = expected(&frames);
        prop_assert_eq!(decode(&stream, &chunk_sizes), want.clone());
        prop_assert_eq!(decode(&stream, &[1]), want);
    }

    #[test]
    fn relaying_decoded_events_reproduces_them(
        frames in prop::collection::vec(frame(), 0..8),
    ) {
        let mut stream = Vec::new();
        for frame in &frames {
            frame.encode(&mut stream);
        }
        let mut decoder = Decoder::new();
        let mut relayed = Vec::new();
        let mut first = Vec::new();
        for event in decoder.feed(&stream) {
            let event = event.unwrap();
            EventRef::try_from(&event).unwrap().encode_to_vec(&mut relayed);
            first.push(event);
        }
        let mut again = Decoder::new();
        let second: Vec<_> = again.feed(&relayed).map(Result::unwrap).collect();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn byte_data_decodes_as_lossy_utf8_of_normalised_bytes(
        data in prop::collection::vec(prop_oneof![Just(b'\r'), Just(b'\n'), any::<u8>()], 0..40),
    ) {
        let mut stream = Vec::new();
        EventRef::new().with_data_bytes(&data).encode_to_vec(&mut stream);
        let events: Vec<_> = Decoder::new().feed(&stream).map(Result::unwrap).collect();
        prop_assert_eq!(events.len(), 1);
        let want = String::from_utf8_lossy(&normalise(&data)).into_owned();
        prop_assert_eq!(events[0].data(), want.as_str());
    }

    #[test]
    fn writer_output_equals_one_shot_encoding(
        event_type in proptest::option::of("[^\r\n]{0,6}"),
        id in proptest::option::of("[^\r\n\0]{0,6}"),
        retry in proptest::option::of(any::<u64>()),
        data in tricky_text(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        out_len in 1usize..24,
    ) {
        let mut writer = EventWriter::new();
        let mut one_shot = EventRef::new().with_data(&data);
        if let Some(t) = &event_type {
            writer = writer.with_event_type(EventType::new(t).unwrap());
            one_shot = one_shot.with_event_type(EventType::new(t).unwrap());
        }
        if let Some(id) = &id {
            writer = writer.with_id(EventId::new(id).unwrap());
            one_shot = one_shot.with_id(EventId::new(id).unwrap());
        }
        if let Some(ms) = retry {
            writer = writer.with_retry(ms);
            one_shot = one_shot.with_retry(ms);
        }
        let bytes = data.as_bytes();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        cuts.push(0);
        cuts.push(bytes.len());
        cuts.sort_unstable();
        let pieces = || cuts.windows(2).map(|w| &bytes[w[0]..w[1]]);

        let mut want = Vec::new();
        one_shot.encode_to_vec(&mut want);

        // Through caller slices of `out_len` bytes.
        let mut vec_writer = writer.clone();
        prop_assert_eq!(&write_in_pieces(&mut writer, pieces(), out_len), &want);
        prop_assert_eq!(&writer, &EventWriter::new(), "finish resets the writer");

        // Through a Vec, with exact length predictions.
        let mut stream = Vec::new();
        for piece in pieces() {
            let predicted = vec_writer.data_len(piece);
            prop_assert_eq!(vec_writer.data_to_vec(piece, &mut stream), predicted);
        }
        let predicted = vec_writer.finish_len();
        prop_assert_eq!(vec_writer.finish_to_vec(&mut stream), predicted);
        prop_assert_eq!(stream, want);
    }

    #[test]
    fn slice_encoding_fails_exactly_when_shorter_than_encoded_len(
        data in proptest::option::of(tricky_text()),
        id in proptest::option::of("[^\r\n\0]{0,6}"),
        slack in 0usize..8,
        short_by in 1usize..8,
    ) {
        let mut event = EventRef::new();
        if let Some(data) = &data {
            event = event.with_data(data);
        }
        if let Some(id) = &id {
            event = event.with_id(EventId::new(id).unwrap());
        }
        let len = event.encoded_len();
        let mut want = Vec::new();
        event.encode_to_vec(&mut want);

        let mut roomy = vec![0xEE; len + slack];
        prop_assert_eq!(event.encode_to_slice(&mut roomy), Ok(len));
        prop_assert_eq!(&roomy[..len], &want[..]);
        prop_assert!(roomy[len..].iter().all(|&b| b == 0xEE));

        let short = len.saturating_sub(short_by);
        let mut tight = vec![0xEE; short];
        prop_assert_eq!(event.encode_to_slice(&mut tight), Err(BufferTooSmall { needed: len }));
        prop_assert!(tight.iter().all(|&b| b == 0xEE), "nothing partial written");
    }

    #[test]
    fn invalid_event_types_and_ids_are_rejected(
        before in "[^\r\n\0]{0,6}",
        bad in prop_oneof![Just('\r'), Just('\n'), Just('\0')],
        after in "\\PC{0,6}",
    ) {
        let value = format!("{before}{bad}{after}");
        let position = before.len();
        let byte = bad as u8;
        prop_assert_eq!(EventId::new(&value), Err(EncodeError::InvalidId { position, byte }));
        match EventType::new(&value) {
            Err(EncodeError::InvalidEventType { position: p, byte: b }) => {
                prop_assert!(bad != '\0');
                prop_assert_eq!((p, b), (position, byte));
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
            Ok(t) => {
                prop_assert_eq!(bad, '\0', "NUL is fine in a type, CR and LF are not");
                prop_assert_eq!(t.as_str(), value.as_str());
            }
        }
    }
}

#[test]
fn one_mebibyte_of_data_round_trips_in_4_kib_pieces() {
    let mut data = String::with_capacity(1 << 20);
    let mut i = 0u32;
    while data.len() < (1 << 20) {
        data.push_str(match i % 7 {
            0 => "token ",
            1 => "\r\n",
            2 => "ü\0",
            3 => "\r",
            4 => "\n\n",
            5 => " {\"k\":1}",
            _ => "abcdefghijklmnopqrstuvwxyz",
        });
        i += 1;
    }
    let event = EventRef::new()
        .with_id(EventId::from_static("big"))
        .with_data(&data);
    let mut stream = Vec::new();
    event.encode_to_vec(&mut stream);

    let mut writer = EventWriter::new().with_id(EventId::from_static("big"));
    let streamed = write_in_pieces(&mut writer, data.as_bytes().chunks(4096), 4096);
    assert!(streamed == stream, "streamed encoding equals one-shot");

    let seen = decode(&stream, &[4096, 1, 7]);
    let want = String::from_utf8(normalise(data.as_bytes())).unwrap();
    assert_eq!(seen.len(), 1);
    let Seen::Event {
        data: got,
        last_event_id,
        ..
    } = &seen[0]
    else {
        panic!("an event")
    };
    assert!(*got == want, "1 MiB of data round-trips");
    assert_eq!(last_event_id, "big");
}
