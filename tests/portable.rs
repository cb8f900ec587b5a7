//! The portable encoding check (`EventRef::portability`) against the engines' measured
//! readings (`tests/common/deviations.rs`, the models the browser tests hold each engine to):
//! an event the check passes reads alike on every engine model, and each finding about what
//! fires (NUL in data or type, an ID without data) is one the Firefox model reads differently.
//! The `retry` findings concern reconnection timing, which `tests/browser_probe.rs` measures.
#![cfg(feature = "alloc")]

mod common;
#[path = "common/deviations.rs"]
mod deviations;
#[path = "common/engine.rs"]
mod engine;
#[path = "common/browser.rs"]
mod judge;

use common::reference::{self, Observed};
use judge::{Engine, Rng};
use sse_wire::encode::Finding;
use sse_wire::{Encode, EventId, EventRef, EventType};

const DATA: &[&[u8]] = &[
    b"",
    b"x",
    b"a\nb",
    b"nul\0inside",
    b"\0",
    b" lead",
    b"a\r\n\0b",
];
const TYPES: &[&str] = &["tick", "", "a\0b", "\0"];
const IDS: &[&str] = &["", "9", "other"];
const RETRIES: &[u64] = &[0, 499, 500, 3000, 1 << 32];

fn events(stream: &[u8]) -> Vec<Observed> {
    reference::decode(stream).events()
}

/// Whether `engine`'s model reads `stream` as the spec does.
fn reads_alike(engine: Engine, stream: &[u8]) -> bool {
    deviations::readings(engine, stream, &[])
        .iter()
        .all(|(read, _)| events(read) == events(stream))
}

#[test]
fn the_check_predicts_which_events_an_engine_reads_otherwise() {
    let mut rng = Rng(0x9047_AB1E);
    let mut checked = [0usize; 2];
    for _ in 0..2000 {
        let mut event = EventRef::new();
        if rng.below(2) == 0 {
            event = event.with_event_type(EventType::new(TYPES[rng.below(TYPES.len())]).unwrap());
        }
        if rng.below(2) == 0 {
            event = event.with_id(EventId::new(IDS[rng.below(IDS.len())]).unwrap());
        }
        if rng.below(3) == 0 {
            event = event.with_retry(RETRIES[rng.below(RETRIES.len())]);
        }
        if rng.below(4) != 0 {
            event = event.with_data_bytes(DATA[rng.below(DATA.len())]);
        }
        // An event before it sets the ID to "1", one after shows the resume point.
        let mut stream = Vec::new();
        let before = EventRef::new()
            .with_id(EventId::new("1").unwrap())
            .with_data("before");
        before.encode_to_vec(&mut stream);
        event.encode_to_vec(&mut stream);
        EventRef::new()
            .with_data("after")
            .encode_to_vec(&mut stream);

        let findings: Vec<Finding> = event.portability().collect();
        let about_firing = findings.iter().any(|f| {
            matches!(
                f,
                Finding::NulInData { .. } | Finding::NulInEventType { .. }
            )
        }) || (findings.contains(&Finding::IdWithoutData)
            && event.id().map(|id| id.as_str()) != Some("1"));
        assert_eq!(
            !reads_alike(Engine::Firefox, &stream),
            about_firing,
            "{event:?}: findings {findings:?}"
        );
        for engine in [Engine::Chromium, Engine::WebKit] {
            assert!(reads_alike(engine, &stream), "{engine:?} {event:?}");
        }
        checked[usize::from(about_firing)] += 1;
    }
    assert!(
        checked[0] > 100 && checked[1] > 100,
        "both kinds: {checked:?}"
    );
}
