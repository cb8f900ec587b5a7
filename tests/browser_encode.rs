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
#[path = "common/deviations.rs"]
mod deviations;
#[path = "common/engine.rs"]
mod engine;
#[path = "common/browser.rs"]
mod judge;

use std::collections::BTreeSet;
use std::time::Duration;

use common::encode_checks::{self, Frame};
use common::reference::Observed;
use judge::{Engine, Fired, Rng};
use sse_wire::{EventId, EventRef, EventType};

/// How many streams one browser session compares.
const STREAMS: usize = 400;
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

/// One stream to judge: the bytes, the write cuts, and the events the frames say it fires.
struct Case {
    stream: Vec<u8>,
    cuts: Vec<usize>,
    fired: Vec<Fired>,
}

fn fired_of(outcome: &common::reference::Outcome) -> Vec<Fired> {
    outcome
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
        .collect()
}

/// Encodes the frames, checks our decoder reads them back (at this chunking, every tier), and
/// returns the case.
fn case(frames: &[Frame<'_>], rng: &mut Rng) -> Case {
    let stream = encode_checks::encode_all(frames);
    let cuts = random_cuts(rng, &stream);
    encode_checks::check_round_trip(frames, &cuts);
    let fired = fired_of(&encode_checks::expected(frames));
    Case {
        stream,
        cuts,
        fired,
    }
}

/// The test's own random frames (the adversarial pieces above).
fn handpicked(rng: &mut Rng) -> Case {
    let owned = random_frames(rng);
    case(&borrow(&owned), rng)
}

/// The library's `arbitrary` streams (`sse_wire::arbitrary::stream`) from random bytes.
#[cfg(feature = "arbitrary")]
fn arbitrary_stream(rng: &mut Rng) -> Case {
    let bytes: Vec<u8> = (0..64 + rng.below(512)).map(|_| rng.next() as u8).collect();
    let mut u = arbitrary::Unstructured::new(&bytes);
    let stream = sse_wire::arbitrary::stream(&mut u).expect("enough bytes or a short stream");
    let frames = encode_checks::frames_of(&stream);
    let case = case(&frames, rng);
    // The library's own model of the stream agrees with the test's.
    assert_eq!(case.stream, stream.bytes());
    assert_eq!(
        case.fired.len(),
        stream.events().len(),
        "arbitrary::Stream::events"
    );
    case
}

fn seed(default: u64) -> u64 {
    std::env::var("SSE_WIRE_BROWSER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Serves `count` streams made by `make` to the engine, which must fire what was encoded as
/// its known deviations (`tests/common/deviations.rs`) read it; returns (streams, events).
fn round_trip(engine: Engine, what: &str, count: usize, seed: u64, make: fn(&mut Rng) -> Case) {
    let Some(browser) = engine.binary_or_skip(what) else {
        return;
    };
    let mut rng = Rng(seed | 1);
    let cases: Vec<Case> = (0..count).map(|_| make(&mut rng)).collect();
    let read = |case: &Case, stream: &[u8]| -> Vec<Fired> {
        if stream == case.stream {
            return case.fired.clone();
        }
        fired_of(&common::reference::decode(stream))
            .into_iter()
            .map(|(t, d, id)| (t, deviations::restore(&d), deviations::restore(&id)))
            .collect()
    };
    // A listener for every type the engine may fire: the frames' and its deviations'.
    let types: Vec<Vec<String>> = cases
        .iter()
        .map(|case| {
            let listen: BTreeSet<String> = deviations::readings(engine, &case.stream, &case.cuts)
                .iter()
                .flat_map(|(stream, _)| read(case, stream))
                .map(|(t, _, _)| t)
                .collect();
            listen.into_iter().collect()
        })
        .collect();
    let streams: Vec<(Vec<u8>, Vec<usize>)> = cases
        .iter()
        .map(|case| (case.stream.clone(), case.cuts.clone()))
        .collect();

    let (results, elapsed) = judge::judge(engine, &browser, &streams, &types, DEADLINE);
    let mut events = 0;
    let mut multi_line = 0;
    let mut deviating = 0;
    let mut named = std::collections::BTreeMap::new();
    let mut disagreements = Vec::new();
    for (i, (case, fired)) in cases.iter().zip(results).enumerate() {
        let readings = deviations::readings(engine, &case.stream, &case.cuts);
        match readings
            .iter()
            .find(|(stream, _)| read(case, stream) == fired)
        {
            Some((_, applied)) => {
                if fired != case.fired {
                    deviating += 1;
                }
                for what in applied {
                    *named.entry(*what).or_insert(0) += 1;
                }
            }
            None => disagreements.push(format!(
                "stream {i} {:?} cut at {:?}:\n  {} fired {fired:?}\n  expected   {:?}",
                String::from_utf8_lossy(&case.stream),
                case.cuts,
                engine.name(),
                read(case, &readings[0].0)
            )),
        }
        events += case.fired.len();
        multi_line += case
            .fired
            .iter()
            .filter(|(_, data, _)| data.contains('\n'))
            .count();
    }
    println!(
        "browser ({what}): {} streams, {events} events ({multi_line} with multi-line data) \
         received by {} as encoded ({deviating} streams as its known deviations say, {} \
         otherwise), in {elapsed:.1?}",
        cases.len(),
        engine.name(),
        disagreements.len()
    );
    for (what, count) in &named {
        println!("browser:   {count:4} streams: {what}");
    }
    assert!(
        disagreements.is_empty(),
        "seed {seed:#x}: {} did not receive {} of {} streams as encoded:\n{}",
        engine.name(),
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    assert!(events > count, "the streams fire events");
}

fn handpicked_on(engine: Engine) {
    round_trip(
        engine,
        "encoder",
        STREAMS,
        seed(0xE4C0_DE26_u64),
        handpicked,
    );
}

#[cfg(feature = "arbitrary")]
fn arbitrary_on(engine: Engine) {
    round_trip(
        engine,
        "encoder, arbitrary events",
        STREAMS,
        seed(0xA5B1_7A55_u64),
        arbitrary_stream,
    );
}

#[test]
fn chromium_event_source_receives_what_the_encoder_wrote() {
    handpicked_on(Engine::Chromium);
}

#[test]
fn firefox_event_source_receives_what_the_encoder_wrote() {
    handpicked_on(Engine::Firefox);
}

#[test]
fn webkit_event_source_receives_what_the_encoder_wrote() {
    handpicked_on(Engine::WebKit);
}

#[cfg(feature = "arbitrary")]
#[test]
fn chromium_event_source_receives_arbitrary_encoded_events() {
    arbitrary_on(Engine::Chromium);
}

#[cfg(feature = "arbitrary")]
#[test]
fn firefox_event_source_receives_arbitrary_encoded_events() {
    arbitrary_on(Engine::Firefox);
}

#[cfg(feature = "arbitrary")]
#[test]
fn webkit_event_source_receives_arbitrary_encoded_events() {
    arbitrary_on(Engine::WebKit);
}
