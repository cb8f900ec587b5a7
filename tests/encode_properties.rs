//! Property tests of the encoder: the checks of `tests/common/encode_checks.rs` (the ones the
//! fuzz targets `roundtrip` and `encode_slice` assert) over generated events.
//!
//! - round trip: frames encoded one after another decode, at any chunking and through every
//!   tier, to the frames after the documented normalisation;
//! - `encode_to_slice` fails exactly when the buffer is shorter than `encoded_len` (writing
//!   nothing) and otherwise equals `encode_to_vec`;
//! - `EventWriter`, data in pieces into output buffers of any size, equals the one-shot
//!   encoding.
//!
//! 10,000 cases each by default; set `PROPTEST_CASES` to change that. With the `arbitrary`
//! feature, the library's own generator (`sse_wire::arbitrary::stream`) is driven from random
//! bytes as well.
#![cfg(feature = "alloc")]

mod common;

use common::checks;
use common::encode_checks::{self, Frame};
use proptest::prelude::*;
use proptest::test_runner::Config;
use sse_wire::{Comment, Encode, EventId, EventRef, EventType};

/// Cases per property: `PROPTEST_CASES`, or 10,000.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(10_000);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

const PIECES: &[&[u8]] = &[
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"\r\r\n",
    b"\0",
    b" ",
    b":",
    b"data: ",
    "\u{FEFF}".as_bytes(),
    "é😀".as_bytes(),
    b"\xFF",
    b"\xC3",
    b"\xE2\x82",
    b"\xED\xA0\x80",
];

/// Bytes rich in what is hard for an encoder: line breaks of every kind (also in a row, at the
/// ends), NUL, spaces, colons, field names, a BOM, non-ASCII, invalid UTF-8.
fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(<[u8]>::to_vec),
        2 => "[a-z]{1,5}".prop_map(String::into_bytes),
        1 => any::<char>().prop_map(|c| c.to_string().into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 1..4),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// An owned event: type, ID, retry, data (as text or as bytes).
#[derive(Debug, Clone)]
struct Owned {
    event_type: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    data: Option<Vec<u8>>,
}

impl Owned {
    fn as_ref(&self) -> EventRef<'_> {
        let mut event = EventRef::new();
        if let Some(t) = &self.event_type {
            event = event.with_event_type(EventType::new(t).expect("generated valid"));
        }
        if let Some(id) = &self.id {
            event = event.with_id(EventId::new(id).expect("generated valid"));
        }
        if let Some(ms) = self.retry {
            event = event.with_retry(ms);
        }
        if let Some(data) = &self.data {
            event = event.with_data_bytes(data);
        }
        event
    }
}

fn event() -> impl Strategy<Value = Owned> {
    (
        proptest::option::of(prop_oneof![
            Just(String::new()),
            Just("message".to_string()),
            "[^\r\n]{0,6}"
        ]),
        proptest::option::of("[^\r\n\0]{0,6}"),
        proptest::option::of(prop_oneof![Just(0u64), Just(u64::MAX), any::<u64>()]),
        proptest::option::weighted(0.85, tricky_bytes()),
    )
        .prop_map(|(event_type, id, retry, data)| Owned {
            event_type,
            id,
            retry,
            data,
        })
}

#[derive(Debug, Clone)]
enum OwnedFrame {
    Event(Owned),
    Comment(Vec<u8>),
}

fn frame() -> impl Strategy<Value = OwnedFrame> {
    prop_oneof![
        4 => event().prop_map(OwnedFrame::Event),
        1 => tricky_bytes().prop_map(OwnedFrame::Comment),
    ]
}

fn borrow(frames: &[OwnedFrame]) -> Vec<Frame<'_>> {
    frames
        .iter()
        .map(|frame| match frame {
            OwnedFrame::Event(event) => Frame::Event(event.as_ref()),
            OwnedFrame::Comment(text) => Frame::Comment(text),
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn round_trip_at_any_chunking(
        frames in proptest::collection::vec(frame(), 0..8),
        sizes in proptest::collection::vec(0usize..40, 0..6),
    ) {
        let frames = borrow(&frames);
        let len = encode_checks::encode_all(&frames).len();
        encode_checks::check_round_trip(&frames, &checks::cuts_from_sizes(len, &sizes));
    }

    #[test]
    fn slice_equals_vec_and_fails_exactly_when_short(
        event in event(),
        comment in tricky_bytes(),
        around in -4isize..4,
        extra in 0usize..64,
        short in any::<bool>(),
    ) {
        let event = event.as_ref();
        let pick = |len: usize| {
            if short {
                len.saturating_sub(extra)
            } else {
                len.saturating_add_signed(around)
            }
        };
        encode_checks::check_encode_slice(&event, pick(event.encoded_len()));
        let comment = Comment::from_bytes(&comment);
        encode_checks::check_comment_slice(&comment, pick(comment.encoded_len()));
    }

    #[test]
    fn writer_in_pieces_equals_one_shot(
        event in event(),
        cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..8),
        out_sizes in proptest::collection::vec(0usize..32, 0..5),
    ) {
        let event = event.as_ref();
        let len = event.data().map_or(0, <[u8]>::len);
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(len + 1)).collect();
        cuts.sort_unstable();
        encode_checks::check_writer(&event, &cuts, &out_sizes);
    }
}

#[cfg(feature = "arbitrary")]
proptest! {
    #![proptest_config(config())]

    /// The library's generator, driven by random bytes: its streams round-trip, and its own
    /// model of what they decode to is right.
    #[test]
    fn arbitrary_streams_round_trip(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        sizes in proptest::collection::vec(0usize..40, 0..6),
    ) {
        let mut u = arbitrary::Unstructured::new(&bytes);
        let stream = sse_wire::arbitrary::stream(&mut u).expect("never fails for lack of input");
        encode_checks::check_arbitrary_stream(&stream);
        let cuts = checks::cuts_from_sizes(stream.bytes().len(), &sizes);
        encode_checks::check_round_trip(&encode_checks::frames_of(&stream), &cuts);
    }
}
