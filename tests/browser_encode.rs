//! A real browser judges the encoder: streams written by our encoder (random events with
//! multi-line data in CR, LF and CRLF mixes, empty data, unicode, invalid UTF-8, NUL, leading
//! spaces, comments between events, `retry`, empty and unicode types and IDs) are served on
//! 127.0.0.1 in small, randomly cut writes, and Chromium's `EventSource` must fire exactly
//! what was encoded: type (`message` when missing or empty), data after the documented
//! normalisation (every line break as LF, invalid UTF-8 as U+FFFD), lastEventId.
//!
//! The server, page and browser launch are the decoder judge's (`tests/common/browser.rs`);
//! the same skip rules apply (`SSE_WIRE_REQUIRE_BROWSER=1` makes a missing Chromium a
//! failure; `SSE_WIRE_CHROMIUM` points elsewhere; `SSE_WIRE_BROWSER_SEED` picks other
//! streams). The expectation is computed from the frames (`tests/common/encode_checks.rs`),
//! and our own decoder is held to it as well.
#![cfg(feature = "alloc")]

mod common;
#[path = "common/browser.rs"]
mod judge;

use std::collections::BTreeSet;
use std::time::Duration;

use common::encode_checks::{self, Frame};
use common::reference::Observed;
use judge::{Fired, Rng};
use sse_wire::{EventId, EventRef, EventType};

/// How many streams one browser session compares.
const STREAMS: usize = 200;
const DEADLINE: Duration = Duration::from_secs(180);

const PIECES: &[&[u8]] = &[
    b"hello",
    b" leading space",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\r\r\n",
    b"",
    b"data: not a field",
    b"a:b: c",
    "h\u{e9}llo \u{1F600} \u{20AC}".as_bytes(),
    "\u{FEFF}bom inside".as_bytes(),
    b"nul\0inside",
    b"bad \xFF utf8",
    b"cut \xE2\x82",
    b"{\"token\":\"hi\"}",
    b"tab\there",
];
const TYPES: &[&str] = &[
    "",
    "message",
    "update",
    "tick",
    "a b",
    "\u{e9}v\u{e9}nement",
    " lead",
];
const IDS: &[&str] = &["", "1", "42", " spaced", "\u{fc}n\u{ef}", "a:b"];

/// Owned frames, borrowed as `Frame`s for encoding and for the expectation.
enum Owned {
    Event {
        event_type: Option<&'static str>,
        id: Option<&'static str>,
        retry: Option<u64>,
        data: Option<Vec<u8>>,
    },
    Comment(Vec<u8>),
}

fn text(rng: &mut Rng) -> Vec<u8> {
    (0..rng.below(6))
        .map(|_| rng.pick(PIECES))
        .collect::<Vec<_>>()
        .concat()
}

fn random_frames(rng: &mut Rng) -> Vec<Owned> {
    (0..1 + rng.below(10))
        .map(|_| {
            if rng.below(6) == 0 {
                return Owned::Comment(text(rng));
            }
            let pick = |rng: &mut Rng, items: &[&'static str]| items[rng.below(items.len())];
            Owned::Event {
                event_type: (rng.below(2) == 0).then(|| pick(rng, TYPES)),
                id: (rng.below(3) == 0).then(|| pick(rng, IDS)),
                retry: (rng.below(6) == 0).then(|| [0, 1000, 3000, u64::MAX][rng.below(4)]),
                data: (rng.below(8) != 0).then(|| text(rng)),
            }
        })
        .collect()
}

fn borrow(frames: &[Owned]) -> Vec<Frame<'_>> {
    frames
        .iter()
        .map(|frame| match frame {
            Owned::Event {
                event_type,
                id,
                retry,
                data,
            } => {
                let mut event = EventRef::new();
                if let Some(t) = event_type {
                    event = event.with_event_type(EventType::new(t).expect("valid"));
                }
                if let Some(id) = id {
                    event = event.with_id(EventId::new(id).expect("valid"));
                }
                if let Some(ms) = retry {
                    event = event.with_retry(*ms);
                }
                if let Some(data) = data {
                    event = event.with_data_bytes(data);
                }
                Frame::Event(event)
            }
            Owned::Comment(text) => Frame::Comment(text),
        })
        .collect()
}

/// Cut points for the TCP writes: random, and right after a CR sometimes (a CRLF split).
fn random_cuts(rng: &mut Rng, stream: &[u8]) -> Vec<usize> {
    let mut cuts = BTreeSet::new();
    for _ in 0..rng.below(6) {
        cuts.insert(rng.below(stream.len() + 1));
    }
    for (i, &b) in stream.iter().enumerate() {
        if b == b'\r' && rng.below(3) == 0 {
            cuts.insert(i + 1);
        }
    }
    cuts.into_iter().collect()
}

#[test]
fn chromium_event_source_receives_what_the_encoder_wrote() {
    let Some(browser) = judge::chromium_or_skip("encoder browser test") else {
        return;
    };
    let seed = std::env::var("SSE_WIRE_BROWSER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0xE4C0_DE26_u64);
    let mut rng = Rng(seed | 1);
    let mut streams = Vec::new();
    let mut types = Vec::new();
    let mut expected: Vec<Vec<Fired>> = Vec::new();
    for _ in 0..STREAMS {
        let owned = random_frames(&mut rng);
        let frames = borrow(&owned);
        let stream = encode_checks::encode_all(&frames);
        let cuts = random_cuts(&mut rng, &stream);
        // Our decoder reads it back too, at this chunking and every tier.
        encode_checks::check_round_trip(&frames, &cuts);
        let fired: Vec<Fired> = encode_checks::expected(&frames)
            .events()
            .into_iter()
            .map(|observed| match observed {
                Observed::Event {
                    event_type,
                    data,
                    last_event_id,
                } => (event_type, data, last_event_id),
                _ => unreachable!("events only"),
            })
            .collect();
        let listen: BTreeSet<String> = fired.iter().map(|(t, _, _)| t.clone()).collect();
        types.push(listen.into_iter().collect());
        expected.push(fired);
        streams.push((stream, cuts));
    }

    let (results, elapsed) = judge::judge(&browser, &streams, &types, DEADLINE);
    let mut events = 0;
    let mut multi_line = 0;
    for (i, (((stream, cuts), want), fired)) in
        streams.iter().zip(&expected).zip(results).enumerate()
    {
        assert_eq!(
            &fired,
            want,
            "stream {i} (seed {seed:#x}) {:?} cut at {cuts:?}: Chromium did not receive what \
             was encoded",
            String::from_utf8_lossy(stream)
        );
        events += want.len();
        multi_line += want
            .iter()
            .filter(|(_, data, _)| data.contains('\n'))
            .count();
    }
    println!(
        "browser (encoder): {} streams, {events} events ({multi_line} with multi-line data) \
         received by Chromium exactly as encoded, in {elapsed:.1?}",
        streams.len()
    );
    assert!(events > STREAMS, "the streams fire events");
}
