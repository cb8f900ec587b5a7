//! A real browser as the judge: random adversarial streams, served over TCP on 127.0.0.1 in
//! small, randomly cut writes, must make Chromium's `EventSource` fire exactly the events our
//! decoder produces (type, data, lastEventId).
//!
//! Runs when Chromium is installed (`/usr/bin/chromium`, or the path in `SSE_WIRE_CHROMIUM`);
//! `.ci/run` installs Debian's `chromium`. Without it the test prints that it skipped. It
//! installs nothing itself.
//!
//! How (the judge is shared with `tests/browser_encode.rs`, in `tests/common/browser.rs`): a tiny HTTP server (std::net, its own threads) serves a page that opens
//! `/stream/0`, `/stream/1`, ... one after another. For each stream the page records every
//! `MessageEvent` until the first plain `error` event (the connection closed: the page then
//! calls `es.close()`, so the automatic reconnect never happens), and POSTs what it recorded
//! as JSON to `/result/N`. Chromium runs headless with a fresh profile and is killed at the end.
//!
//! Known deviation (Chromium), normalised exactly and counted: see [`chromium_bom_deviation`].
//! Our decoder is held to the spec (the reference decoder) on every stream regardless.
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

use common::reference;
use judge::{Engine, Fired, Rng};
use sse_wire::{Decoder, Item, Status};

/// How many streams one browser session compares (`SSE_WIRE_BROWSER_STREAMS` changes it).
const STREAMS: usize = 600;
/// The whole test gives up after this long (a hung browser must not hang CI).
const DEADLINE: Duration = Duration::from_secs(180);
const TEXTS: &[&[u8]] = &[
    b"",
    b"hello",
    b" leading space",
    b"  two spaces",
    b"a:b: c",
    b"x",
    b"{\"token\":\"hi\"}",
    "h\u{e9}llo \u{1F600}".as_bytes(),
    b"nul\0inside",
    b"bad \xFF utf8",
    b"cut \xE2\x82",
    b"surrogate \xED\xA0\x80",
    b"\xEF\xBB\xBFbom in value",
    b"tab\there",
];
const TYPES: &[&[u8]] = &[
    b"",
    b"message",
    b"add",
    b"tick",
    b"a b",
    b"\xC3\xA9",
    b"error",
    b"open",
    b"x\xFFy",
];
const TERMINATORS: &[&[u8]] = &[b"\n", b"\r", b"\r\n"];

/// One random adversarial stream.
fn random_stream(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    match rng.below(40) {
        0..=7 => out.extend_from_slice(b"\xEF\xBB\xBF"),
        // UTF-16 byte order marks (the spec reads them as invalid UTF-8).
        8 => out.extend_from_slice(b"\xFF\xFE"),
        9 => out.extend_from_slice(b"\xFE\xFF"),
        _ => {}
    }
    let lines = rng.below(24);
    for _ in 0..lines {
        match rng.below(16) {
            0..=4 => {
                out.extend_from_slice(rng.pick(&[&b"data: "[..], b"data:", b"data"]));
                out.extend_from_slice(rng.pick(TEXTS));
            }
            5 => {
                out.extend_from_slice(b"event: ");
                out.extend_from_slice(rng.pick(TYPES));
            }
            6 => {
                out.extend_from_slice(rng.pick(&[&b"id: "[..], b"id:", b"id"]));
                out.extend_from_slice(rng.pick(TEXTS));
            }
            7 => {
                out.extend_from_slice(b"retry: ");
                out.extend_from_slice(rng.pick(&[
                    &b"1000"[..],
                    b"x",
                    b"",
                    b"99999999999999999999",
                ]));
            }
            8 => {
                out.push(b':');
                out.extend_from_slice(rng.pick(TEXTS));
            }
            9 => out.extend_from_slice(rng.pick(&[
                &b"foo: bar"[..],
                b"data : no",
                b"DATA: no",
                b" data: no",
                b"\0data: NUL first",
                b"data:\0NUL first in value",
                b"id:\0NUL first in id",
            ])),
            10 => {
                // Garbage without line breaks.
                for _ in 0..rng.below(6) {
                    let b = rng.next() as u8;
                    if b != b'\r' && b != b'\n' {
                        out.push(b);
                    }
                }
            }
            11 => out.extend_from_slice(b"\xEF\xBB\xBF"),
            _ => {} // a blank line
        }
        out.extend_from_slice(rng.pick(TERMINATORS));
    }
    // Sometimes an unterminated tail, which must be discarded.
    if rng.below(4) == 0 {
        out.extend_from_slice(b"data: tail");
    }
    out
}

/// Cut points for the TCP writes: random, and right after every CR at least sometimes.
fn random_cuts(rng: &mut Rng, stream: &[u8]) -> Vec<usize> {
    let mut cuts = BTreeSet::new();
    for _ in 0..rng.below(6) {
        cuts.insert(rng.below(stream.len() + 1));
    }
    for (i, &b) in stream.iter().enumerate() {
        if (b == b'\r' || i < 3) && rng.below(3) == 0 {
            cuts.insert(i + 1);
        }
    }
    cuts.into_iter().collect()
}

/// What our owned decoder fires for the stream delivered in these pieces.
fn decode(stream: &[u8], cuts: &[usize]) -> Vec<Fired> {
    let mut decoder = Decoder::new();
    let mut fired = Vec::new();
    let mut buffer = Vec::new();
    for piece in common::tiers::chunks(stream, cuts) {
        buffer.extend_from_slice(piece);
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&buffer[start..]).expect("default limits");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Item::Event(event)) => fired.push((
                    event.event_type().to_string(),
                    event.data().to_string(),
                    event.last_event_id().to_string(),
                )),
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        buffer.drain(..start);
    }
    fired
}

fn reference_fired(stream: &[u8]) -> Vec<Fired> {
    reference::decode(stream)
        .events()
        .into_iter()
        .map(|observed| match observed {
            reference::Observed::Event {
                event_type,
                data,
                last_event_id,
            } => (event_type, data, last_event_id),
            _ => unreachable!("events only"),
        })
        .collect()
}

/// What the spec reads from a stream rewritten by `deviations`.
fn deviations_fired(stream: &[u8]) -> Vec<Fired> {
    reference_fired(stream)
        .into_iter()
        .map(|(t, d, id)| (t, deviations::restore(&d), deviations::restore(&id)))
        .collect()
}

fn candidate_types(stream: &[u8], ours: &[Fired]) -> Vec<String> {
    let mut types: BTreeSet<String> = ours.iter().map(|(t, _, _)| t.clone()).collect();
    for line in stream.split(|&b| b == b'\r' || b == b'\n') {
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if let Some(value) = line.strip_prefix(b"event:") {
            let value = value.strip_prefix(b" ").unwrap_or(value);
            types.insert(String::from_utf8_lossy(value).into_owned());
        }
    }
    types.into_iter().filter(|t| !t.is_empty()).collect()
}

/// Builds the random streams, checks our decoder against the reference on each, has the
/// engine read them all, and compares; every difference not explained by the engine's known
/// deviations is collected and the test fails listing them.
fn differential(engine: Engine) {
    let Some(browser) = engine.binary_or_skip("browser test") else {
        return;
    };

    let seed = std::env::var("SSE_WIRE_BROWSER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2026_u64);
    let mut rng = Rng(seed | 1);
    let mut streams = Vec::new();
    let mut types = Vec::new();
    let mut expected = Vec::new();
    let count = std::env::var("SSE_WIRE_BROWSER_STREAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(STREAMS);
    for _ in 0..count {
        let stream = random_stream(&mut rng);
        let cuts = random_cuts(&mut rng, &stream);
        let ours = decode(&stream, &cuts);
        // Our decoder follows the spec, whatever the browser does.
        assert_eq!(
            ours,
            reference_fired(&stream),
            "decoder != reference on {stream:?}"
        );
        let mut listen = candidate_types(&stream, &ours);
        for (read, _) in deviations::readings(engine, &stream, &cuts) {
            listen.extend(deviations_fired(&read).into_iter().map(|(t, _, _)| t));
        }
        listen.sort();
        listen.dedup();
        types.push(listen);
        expected.push(ours);
        streams.push((stream, cuts));
    }

    let (results, elapsed) = judge::judge(engine, &browser, &streams, &types, DEADLINE);
    let mut compared = 0;
    let mut deviating = 0;
    let mut disagreements = Vec::new();
    let mut named = std::collections::BTreeMap::new();
    for (i, (((stream, cuts), ours), fired)) in
        streams.iter().zip(&expected).zip(results).enumerate()
    {
        let readings = deviations::readings(engine, stream, cuts);
        let matched = readings
            .iter()
            .find(|(read, _)| deviations_fired(read) == fired);
        match matched {
            Some((_, applied)) => {
                if fired != *ours {
                    deviating += 1;
                }
                for what in applied {
                    *named.entry(*what).or_insert(0) += 1;
                }
            }
            None => disagreements.push(format!(
                "stream {i} {:?} cut at {cuts:?}:\n  {} fired {fired:?}\n  expected   {:?}",
                String::from_utf8_lossy(stream),
                engine.name(),
                deviations_fired(&readings[0].0)
            )),
        }
        compared += 1;
    }
    println!(
        "browser: {compared} streams compared with {} ({deviating} read as its known \
         deviations say, {} otherwise) in {elapsed:.1?}",
        engine.name(),
        disagreements.len()
    );
    for (what, count) in &named {
        println!("browser:   {count:4} streams: {what}");
    }
    assert!(
        disagreements.is_empty(),
        "seed {seed:#x}: {} read {} of {compared} streams otherwise:\n{}",
        engine.name(),
        disagreements.len(),
        disagreements.join("\n")
    );
    assert_eq!(compared, count);
}

#[test]
fn chromium_event_source_agrees_with_the_decoder() {
    differential(Engine::Chromium);
}

#[test]
fn firefox_event_source_agrees_with_the_decoder() {
    differential(Engine::Firefox);
}

#[test]
fn webkit_event_source_agrees_with_the_decoder() {
    differential(Engine::WebKit);
}

/// The stream rows of the README's "Where the browser engines differ" table: each minimal
/// input, its write cuts, the engines the table says read it otherwise than the spec, and
/// whether that depends on how TCP delivers the writes (then either reading passes).
/// (input, write cuts, the engines that deviate, whether that depends on TCP delivery).
type Row = (&'static [u8], &'static [usize], &'static [Engine], bool);

const TABLE: &[Row] = &[
    (
        b"\xEF\xBB\xBF\ndata: a\n\n",
        &[],
        &[Engine::Chromium],
        false,
    ),
    (b"\xEF\xBB\xBFdata: a\n\n", &[1], &[Engine::WebKit], true),
    (
        b"\xFF\xFEd\0a\0t\0a\0:\0 \0a\0\n\0\n\0",
        &[],
        &[Engine::WebKit],
        false,
    ),
    (b"data: a\0b\n\n", &[], &[Engine::Firefox], false),
    (b"event: a\0b\ndata: x\n\n", &[], &[Engine::Firefox], false),
    (b"\n\0data: a\n\n", &[], &[Engine::Firefox], false),
    (b"id: 1\0\ndata: a\n\n", &[], &[Engine::Firefox], false),
    (b"id:\x007\ndata: a\n\n", &[], &[Engine::Firefox], false),
    (
        b"id: 1\ndata: a\n\nid: 2\n\ndata: b\n\n",
        &[],
        &[Engine::Firefox],
        false,
    ),
];

/// Serves the table's minimal inputs: the engine reads each as its deviations say, and
/// otherwise than the spec exactly where the table says so.
fn table(engine: Engine) {
    let Some(browser) = engine.binary_or_skip("conformance table") else {
        return;
    };
    let streams: Vec<(Vec<u8>, Vec<usize>)> = TABLE
        .iter()
        .map(|(stream, cuts, _, _)| (stream.to_vec(), cuts.to_vec()))
        .collect();
    let types: Vec<Vec<String>> = streams
        .iter()
        .map(|(stream, cuts)| {
            let mut listen = candidate_types(stream, &reference_fired(stream));
            for (read, _) in deviations::readings(engine, stream, cuts) {
                listen.extend(deviations_fired(&read).into_iter().map(|(t, _, _)| t));
            }
            listen.sort();
            listen.dedup();
            listen
        })
        .collect();
    let (results, _) = judge::judge(engine, &browser, &streams, &types, DEADLINE);
    for (((stream, cuts), (_, _, deviating, timing)), fired) in
        streams.iter().zip(TABLE).zip(results)
    {
        let spec = reference_fired(stream);
        let readings = deviations::readings(engine, stream, cuts);
        assert!(
            readings
                .iter()
                .any(|(read, _)| deviations_fired(read) == fired),
            "{} fired {fired:?} for {:?}, not what its deviations say",
            engine.name(),
            String::from_utf8_lossy(stream)
        );
        if !timing {
            assert_eq!(
                fired != spec,
                deviating.contains(&engine),
                "{} for {:?}: fired {fired:?}, the spec {spec:?}; the table says it deviates: {}",
                engine.name(),
                String::from_utf8_lossy(stream),
                deviating.contains(&engine)
            );
        }
    }
    println!(
        "browser: {} read the {} stream rows of the conformance table as the table says",
        engine.name(),
        TABLE.len()
    );
}

#[test]
fn chromium_reads_the_conformance_table_rows() {
    table(Engine::Chromium);
}

#[test]
fn firefox_reads_the_conformance_table_rows() {
    table(Engine::Firefox);
}

#[test]
fn webkit_reads_the_conformance_table_rows() {
    table(Engine::WebKit);
}
