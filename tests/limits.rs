//! Limits: an over-long line or event is one error, its event is dropped, decoding recovers at
//! the next event, at every chunking and every tier; the caller's buffer stays bounded by the
//! limit plus one chunk; input within the limits never errs.

mod common;

use common::reference;
#[cfg(feature = "alloc")]
use common::tiers::summarize;
use common::tiers::{self, chunks};
use proptest::prelude::*;
use sse_wire::Limits;

const LINE: usize = 16;
const EVENT: usize = 40;

fn limits() -> Limits {
    Limits::new()
        .with_max_line_len(LINE)
        .with_max_event_len(EVENT)
}

/// Whole, one byte per call, and every two-way split.
fn chunkings(len: usize) -> Vec<Vec<usize>> {
    let mut all = vec![vec![], (1..len).collect()];
    all.extend((0..=len).map(|cut| vec![cut]));
    all
}

fn largest_chunk(stream: &[u8], cuts: &[usize]) -> usize {
    chunks(stream, cuts)
        .iter()
        .map(|c| c.len())
        .max()
        .unwrap_or(0)
}

/// Runs `stream` through the event-aware tiers (event, owned decode, owned feed, bytes) at
/// `cuts`: each must report `errors` errors, decode to `expected` (the stream with the
/// offending events removed, decoded by the reference), and keep the caller's buffer within
/// `bound` + the largest chunk.
fn check_event_tiers(stream: &[u8], cuts: &[usize], expected: &[u8], errors: usize, bound: usize) {
    let reference = reference::decode(expected);
    let chunk = largest_chunk(stream, cuts);
    let what = |tier: &str| format!("{tier} tier, cuts {cuts:?}");

    let (events, max_buffer) = tiers::events("", stream, cuts, limits());
    assert_eq!(events.errors, errors, "{}", what("event"));
    assert_eq!(events.events, reference.events(), "{}", what("event"));
    assert_eq!(
        events.last_event_id,
        reference.last_event_id,
        "{}",
        what("event")
    );
    assert!(
        max_buffer <= bound + chunk,
        "{}: buffer {max_buffer}",
        what("event")
    );

    #[cfg(feature = "alloc")]
    {
        let owned = tiers::owned("", stream, cuts, limits());
        assert_eq!(owned.errors, errors, "{}", what("owned decode"));
        assert_eq!(
            summarize(&owned.outcome).events,
            reference.events(),
            "{}",
            what("owned decode")
        );
        assert_eq!(
            owned.outcome.last_event_id,
            reference.last_event_id,
            "{}",
            what("owned decode")
        );
        assert!(
            owned.max_buffer <= LINE + chunk,
            "{}: buffer {}",
            what("owned decode"),
            owned.max_buffer
        );

        // The lending decoder holds whole blocks, like the event tier but in its own buffer.
        #[cfg(feature = "std")]
        let readers = [
            ("lending", tiers::lending("", stream, cuts, limits())),
            ("reader", tiers::reader("", stream, cuts, limits())),
        ];
        #[cfg(not(feature = "std"))]
        let readers = [("lending", tiers::lending("", stream, cuts, limits()))];
        for (tier, run) in readers {
            assert_eq!(run.errors, errors, "{}", what(tier));
            assert_eq!(
                summarize(&run.outcome).events,
                reference.events(),
                "{}",
                what(tier)
            );
            assert_eq!(
                run.outcome.last_event_id,
                reference.last_event_id,
                "{}",
                what(tier)
            );
        }

        let feed = tiers::owned_feed("", stream, cuts, limits());
        assert_eq!(feed.errors, errors, "{}", what("owned feed"));
        assert_eq!(
            feed.outcome.observed,
            reference.events(),
            "{}",
            what("owned feed")
        );
        assert_eq!(
            feed.outcome.last_event_id,
            reference.last_event_id,
            "{}",
            what("owned feed")
        );
    }

    #[cfg(feature = "bytes")]
    {
        let bytes = tiers::bytes("", stream, cuts, limits());
        assert_eq!(bytes.errors, errors, "{}", what("bytes"));
        assert_eq!(
            summarize(&bytes.outcome).events,
            reference.events(),
            "{}",
            what("bytes")
        );
        assert_eq!(
            bytes.outcome.last_event_id,
            reference.last_event_id,
            "{}",
            what("bytes")
        );
        assert!(
            bytes.max_buffer <= LINE + chunk,
            "{}: buffer {}",
            what("bytes"),
            bytes.max_buffer
        );
    }
}

/// The line tier drops the over-long line only (it knows no events).
fn check_line_tier(stream: &[u8], cuts: &[usize], without_long_lines: &[u8], errors: usize) {
    let run = tiers::lines("", stream, cuts, limits());
    let what = format!("line tier, cuts {cuts:?}");
    assert_eq!(run.errors, errors, "{what}");
    assert_eq!(run.outcome, reference::decode(without_long_lines), "{what}");
    assert!(
        run.max_buffer <= LINE + largest_chunk(stream, cuts),
        "{what}: buffer {}",
        run.max_buffer
    );
}

#[test]
fn line_too_long_is_one_error_and_drops_its_event_at_every_chunking() {
    // The long line is 36 bytes; its event (with its id) is dropped, the next one decodes.
    let long = format!("data: {}", "x".repeat(30));
    let stream = format!("data: a\n\nid: 2\n{long}\nid: 3\ndata: c\n\ndata: b\n\n");
    let without_event = "data: a\n\ndata: b\n\n";
    let without_line = "data: a\n\nid: 2\nid: 3\ndata: c\n\ndata: b\n\n";
    for cuts in chunkings(stream.len()) {
        check_event_tiers(stream.as_bytes(), &cuts, without_event.as_bytes(), 1, EVENT);
        check_line_tier(stream.as_bytes(), &cuts, without_line.as_bytes(), 1);
    }
}

#[test]
fn line_too_long_as_the_first_line_and_with_crlf() {
    let stream = format!("data: {}\r\ndata: y\r\n\r\ndata: b\r\n\r\n", "x".repeat(11));
    for cuts in chunkings(stream.len()) {
        check_event_tiers(stream.as_bytes(), &cuts, b"data: b\n\n", 1, EVENT);
        check_line_tier(stream.as_bytes(), &cuts, b"data: y\n\ndata: b\n\n", 1);
    }
}

#[test]
fn unterminated_long_line_at_stream_end_is_one_error() {
    let stream = format!("data: a\n\ndata: {}", "x".repeat(100));
    for cuts in chunkings(stream.len()) {
        check_event_tiers(stream.as_bytes(), &cuts, b"data: a\n\n", 1, EVENT);
        check_line_tier(stream.as_bytes(), &cuts, b"data: a\n\n", 1);
    }
}

#[test]
fn two_long_lines_in_one_event_are_one_error() {
    let x = "x".repeat(20);
    let stream = format!("data: {x}\ndata: {x}\n\ndata: b\n\n");
    for cuts in chunkings(stream.len()) {
        check_event_tiers(stream.as_bytes(), &cuts, b"data: b\n\n", 1, EVENT);
        check_line_tier(stream.as_bytes(), &cuts, b"\ndata: b\n\n", 2);
    }
}

#[test]
fn a_line_exactly_at_the_limit_is_accepted() {
    let at = format!("data: {}", "x".repeat(LINE - 6));
    assert_eq!(at.len(), LINE);
    for end in ["\n", "\r\n", "\r"] {
        let stream = format!("{at}{end}{end}data: b{end}{end}");
        for cuts in chunkings(stream.len()) {
            check_event_tiers(stream.as_bytes(), &cuts, stream.as_bytes(), 0, EVENT);
            check_line_tier(stream.as_bytes(), &cuts, stream.as_bytes(), 0);
        }
        // One more byte is one too many.
        let over = format!("{at}x{end}{end}data: b{end}{end}");
        for cuts in chunkings(over.len()) {
            check_event_tiers(over.as_bytes(), &cuts, b"data: b\n\n", 1, EVENT);
        }
    }
}

#[test]
fn event_too_long_is_one_error_and_drops_the_event_at_every_chunking() {
    // 16 + 1 + 16 + 1 + 16 = 50 bytes > 40, every line within the line limit.
    let d = "data: 0123456789";
    let stream = format!("id: 1\ndata: a\n\n{d}\nid: 2\n{d}\n{d}\n\ndata: b\n\n");
    for cuts in chunkings(stream.len()) {
        check_event_tiers(
            stream.as_bytes(),
            &cuts,
            b"id: 1\ndata: a\n\ndata: b\n\n",
            1,
            EVENT,
        );
    }
}

#[test]
fn event_too_long_without_its_blank_line_at_stream_end() {
    let stream = format!("data: a\n\n{}", "data: 0123456789\n".repeat(5));
    for cuts in chunkings(stream.len()) {
        check_event_tiers(stream.as_bytes(), &cuts, b"data: a\n\n", 1, EVENT);
    }
}

#[test]
fn an_event_exactly_at_the_limit_is_accepted() {
    // Limits::max_event_len counts from the first line's start to the last line's content end.
    let limits_line = |n| format!("data: {}", "y".repeat(n));
    let first = limits_line(10); // 16 bytes
    let at = format!("{first}\n{}", limits_line(EVENT - 17 - 6));
    assert_eq!(at.len(), EVENT);
    // One `data` line right before the blank line: the tiers' quick path for that block.
    let single = limits_line(EVENT - 6);
    assert_eq!(single.len(), EVENT);
    let big = Limits::new().with_max_event_len(EVENT);
    for (block, fires) in [
        (at.clone(), true),
        (format!("{at}y"), false),
        (single.clone(), true),
        (format!("{single}y"), false),
    ] {
        // After an event: the scanner is past the BOM check, in its plain state.
        let stream = format!("data: a\n\n{block}\n\ndata: b\n\n");
        let expected = if fires {
            stream.clone()
        } else {
            "data: a\n\ndata: b\n\n".into()
        };
        let reference = reference::decode(expected.as_bytes());
        for cuts in chunkings(stream.len()) {
            let (events, _) = tiers::events("", stream.as_bytes(), &cuts, big);
            assert_eq!(
                events.errors,
                usize::from(!fires),
                "event tier, cuts {cuts:?}"
            );
            assert_eq!(
                events.events,
                reference.events(),
                "event tier, cuts {cuts:?}"
            );
            #[cfg(feature = "alloc")]
            {
                let owned = tiers::owned("", stream.as_bytes(), &cuts, big);
                assert_eq!(owned.errors, usize::from(!fires), "owned, cuts {cuts:?}");
                assert_eq!(
                    owned.outcome.events(),
                    reference.events(),
                    "owned, cuts {cuts:?}"
                );
            }
            #[cfg(feature = "bytes")]
            {
                let bytes = tiers::bytes("", stream.as_bytes(), &cuts, big);
                assert_eq!(bytes.errors, usize::from(!fires), "bytes, cuts {cuts:?}");
                assert_eq!(
                    bytes.outcome.events(),
                    reference.events(),
                    "bytes, cuts {cuts:?}"
                );
            }
        }
    }
}

/// Builds a stream of blocks whose every line is within `LINE` and every block within `EVENT`.
fn within_limits() -> impl Strategy<Value = Vec<u8>> {
    const ALPHABET: &[u8] = b"data:ev ntidry:x\xff\xc3\xa9\0";
    let line = prop::collection::vec(prop::sample::select(ALPHABET), 0..=LINE);
    const ENDS: &[&[u8]] = &[b"\n", b"\r", b"\r\n"];
    let end = prop::sample::select(ENDS);
    let block = prop::collection::vec((line, end.clone()), 0..=2);
    // An LF right after a CR would join it into one line end: write a CR instead then.
    fn push_end(stream: &mut Vec<u8>, end: &[u8]) {
        if stream.last() == Some(&b'\r') && end[0] == b'\n' {
            stream.push(b'\r');
        } else {
            stream.extend_from_slice(end);
        }
    }
    prop::collection::vec((block, end), 0..6).prop_map(|blocks| {
        let mut stream = Vec::new();
        for (lines, blank) in blocks {
            for (line, end) in lines {
                stream.extend_from_slice(&line);
                push_end(&mut stream, end);
            }
            push_end(&mut stream, blank);
        }
        stream
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Input within the limits never errs, at random 3-to-10-way splits, and decodes as the
    /// reference does.
    #[test]
    fn input_within_limits_never_errs(
        stream in within_limits(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 2..=9),
    ) {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
        cuts.sort_unstable();
        let reference = reference::decode(&stream);
        let lines = tiers::lines("", &stream, &cuts, limits());
        prop_assert_eq!(lines.errors, 0);
        prop_assert_eq!(&lines.outcome, &reference);
        let (events, _) = tiers::events("", &stream, &cuts, limits());
        prop_assert_eq!(events, tiers::reference_summary_per_block("", &stream));
        #[cfg(feature = "alloc")]
        {
            let owned = tiers::owned("", &stream, &cuts, limits());
            prop_assert_eq!(owned.errors, 0);
            prop_assert_eq!(&owned.outcome, &reference);
            // The lending decoder's limits count the text it holds, where each invalid
            // sequence (1 to 3 bytes) is U+FFFD's 3 bytes: at most 3 times the input.
            let text_limits = limits()
                .with_max_line_len(3 * LINE)
                .with_max_event_len(3 * EVENT);
            let lending = tiers::lending("", &stream, &cuts, text_limits);
            prop_assert_eq!(lending.errors, 0);
            prop_assert_eq!(&lending.outcome, &reference);
            let feed = tiers::owned_feed("", &stream, &cuts, limits());
            prop_assert_eq!(feed.errors, 0);
            prop_assert_eq!(feed.outcome.observed, reference.events());
        }
        #[cfg(feature = "bytes")]
        {
            let bytes = tiers::bytes("", &stream, &cuts, limits());
            prop_assert_eq!(bytes.errors, 0);
            prop_assert_eq!(&bytes.outcome, &reference);
        }
    }
}
