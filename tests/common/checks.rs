//! The verification properties, written once and driven three ways: by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs`), by proptest (`tests/properties.rs`) and by the regression tests
//! that replay fuzz findings (`tests/fuzz_regressions.rs`). Each `check_*` panics with a
//! message naming the broken property.
//!
//! Encoder properties (round trip, slice == vec encoding) belong here too once the encoder
//! lands: add `check_round_trip` beside these and a fuzz target that calls it.

use super::reference::{self, Observed, Outcome};
use super::tiers::Summary;
use drivers as tiers;
use sse_wire::{DecodeError, Decoder, EventDecoder, Item, Limits, Line, LineDecoder, Status};

/// The tier drivers' results in the shapes these checks compare: each stream starts with no
/// last event ID.
pub mod drivers {
    use super::super::reference::{Observed, Outcome};
    use super::super::tiers::{self, Summary};
    use sse_wire::Limits;

    pub use tiers::chunks;

    pub fn owned(stream: &[u8], cuts: &[usize], limits: Limits) -> (Outcome, usize) {
        let run = tiers::owned("", stream, cuts, limits);
        (run.outcome, run.errors)
    }

    pub fn lending(stream: &[u8], cuts: &[usize], limits: Limits) -> (Outcome, usize) {
        let run = tiers::lending("", stream, cuts, limits);
        (run.outcome, run.errors)
    }

    pub fn lending_events(
        stream: &[u8],
        cuts: &[usize],
        limits: Limits,
    ) -> (Vec<Observed>, String, usize) {
        let run = tiers::lending_events("", stream, cuts, limits);
        (run.outcome.observed, run.outcome.last_event_id, run.errors)
    }

    #[cfg(feature = "std")]
    pub fn reader(stream: &[u8], cuts: &[usize], limits: Limits) -> (Vec<Observed>, String, usize) {
        let run = tiers::reader("", stream, cuts, limits);
        (run.outcome.observed, run.outcome.last_event_id, run.errors)
    }

    pub fn blocks(stream: &[u8], cuts: &[usize], limits: Limits) -> Option<Summary> {
        tiers::blocks("", stream, cuts, limits)
    }

    pub fn owned_feed_items(stream: &[u8], cuts: &[usize], limits: Limits) -> (Outcome, usize) {
        let run = tiers::owned_feed_items("", stream, cuts, limits);
        (run.outcome, run.errors)
    }

    pub fn owned_feed(
        stream: &[u8],
        cuts: &[usize],
        limits: Limits,
    ) -> (Vec<Observed>, String, usize) {
        let run = tiers::owned_feed("", stream, cuts, limits);
        (run.outcome.observed, run.outcome.last_event_id, run.errors)
    }

    #[cfg(feature = "bytes")]
    pub fn bytes(stream: &[u8], cuts: &[usize], limits: Limits) -> (Outcome, usize) {
        let run = tiers::bytes("", stream, cuts, limits);
        (run.outcome, run.errors)
    }

    #[cfg(feature = "bytes")]
    pub fn bytes_events(
        stream: &[u8],
        cuts: &[usize],
        limits: Limits,
    ) -> (Vec<Observed>, String, usize) {
        let run = tiers::bytes_events("", stream, cuts, limits);
        (run.outcome.observed, run.outcome.last_event_id, run.errors)
    }

    pub fn lines(stream: &[u8], cuts: &[usize]) -> Outcome {
        tiers::lines("", stream, cuts, Limits::unlimited()).outcome
    }

    pub fn fragments(stream: &[u8], cuts: &[usize]) -> Outcome {
        tiers::fragments("", stream, cuts, Limits::unlimited()).outcome
    }

    pub fn events(stream: &[u8], cuts: &[usize], limits: Limits) -> Summary {
        tiers::events("", stream, cuts, limits).0
    }

    pub fn reference_summary_per_block(stream: &[u8]) -> Summary {
        tiers::reference_summary_per_block("", stream)
    }
}

/// Calls a decoder makes on one buffer before the drivers below call it stuck. Every call
/// either consumes bytes, reports an item, or says `Partial`; an error is followed by progress.
const MAX_CALLS_PER_BYTE: usize = 8;

/// Feeds `stream`, cut at `cuts`, through a caller buffer the way a caller would: after each
/// chunk is appended, `decode` gets the unconsumed bytes until it needs more input. `decode`
/// returns `Some((consumed, partial))`, or `None` for an error (which is followed by another
/// call on the same bytes). Fails if a decoder makes no progress; returns the most bytes the
/// buffer kept between chunks.
fn pump(
    stream: &[u8],
    cuts: &[usize],
    what: &str,
    mut decode: impl FnMut(&[u8]) -> Option<(usize, bool)>,
) -> usize {
    let mut buffer: Vec<u8> = Vec::new();
    let mut retained_max = 0;
    for chunk in tiers::chunks(stream, cuts) {
        buffer.extend_from_slice(chunk);
        let mut start = 0;
        let mut calls = 0;
        loop {
            calls += 1;
            assert!(
                calls <= MAX_CALLS_PER_BYTE * (buffer.len() + 2),
                "{what} stuck"
            );
            if let Some((consumed, partial)) = decode(&buffer[start..]) {
                start += consumed;
                if partial {
                    break;
                }
            }
        }
        buffer.drain(..start);
        retained_max = retained_max.max(buffer.len());
    }
    retained_max
}

/// One fuzz or property case: a stream, where it is cut into chunks, and the limits.
#[derive(Debug, Clone)]
pub struct Case<'a> {
    pub stream: &'a [u8],
    pub cuts: Vec<usize>,
    pub limits: Limits,
}

impl<'a> Case<'a> {
    /// Reads a case from fuzzer bytes: `data[0] % 8` chunk sizes follow (each `0..=31`, used
    /// in turn; 0 makes an empty chunk); then, if `with_limits`, two bytes choosing the line
    /// and event limits (`0..=63`, or 255 for unlimited); the rest is the stream.
    pub fn from_fuzz(data: &'a [u8], with_limits: bool) -> Self {
        let (&head, mut rest) = data.split_first().unwrap_or((&0, &[]));
        let n = usize::from(head % 8).min(rest.len());
        let sizes: Vec<usize> = rest[..n].iter().map(|&b| usize::from(b % 32)).collect();
        rest = &rest[n..];
        let mut limits = Limits::unlimited();
        if with_limits && rest.len() >= 2 {
            let pick = |b: u8| {
                if b == 255 {
                    usize::MAX
                } else {
                    usize::from(b % 64)
                }
            };
            limits = limits
                .with_max_line_len(pick(rest[0]))
                .with_max_event_len(pick(rest[1]));
            rest = &rest[2..];
        }
        Case {
            stream: rest,
            cuts: cuts_from_sizes(rest.len(), &sizes),
            limits,
        }
    }
}

/// Cut offsets for chunks of the given sizes, used in turn until the stream is covered.
/// Sizes of 0 make empty chunks; if every size is 0, the stream is one chunk.
pub fn cuts_from_sizes(len: usize, sizes: &[usize]) -> Vec<usize> {
    let mut cuts = Vec::new();
    if sizes.iter().all(|&s| s == 0) {
        cuts.extend(sizes.iter().map(|_| 0));
        return cuts;
    }
    let mut at = 0;
    for &size in sizes.iter().cycle() {
        if at >= len {
            break;
        }
        at += size;
        cuts.push(at.min(len));
    }
    cuts
}

/// Chunked decoding equals one-shot decoding, at the owned tier (through `decode` and `feed`),
/// the bytes tier and the event tier, under any limits.
pub fn check_chunked(case: &Case<'_>) {
    let Case {
        stream,
        cuts,
        limits,
    } = case;
    let whole = tiers::owned(stream, &[], *limits);
    let chunked = tiers::owned(stream, cuts, *limits);
    assert_eq!(chunked, whole, "owned tier: chunked != one-shot");

    let whole_feed = tiers::owned_feed(stream, &[], *limits);
    let chunked_feed = tiers::owned_feed(stream, cuts, *limits);
    assert_eq!(chunked_feed, whole_feed, "feed: chunked != one-shot");

    assert_eq!(
        tiers::owned_feed_items(stream, cuts, *limits),
        whole,
        "feed_items: chunked != owned one-shot"
    );

    let whole_events = tiers::events(stream, &[], *limits);
    let chunked_events = tiers::events(stream, cuts, *limits);
    assert_eq!(
        chunked_events, whole_events,
        "event tier: chunked != one-shot"
    );

    #[cfg(feature = "bytes")]
    assert_eq!(
        tiers::bytes(stream, cuts, *limits),
        tiers::bytes(stream, &[], *limits),
        "bytes tier: chunked != one-shot"
    );
    if *limits == Limits::unlimited() {
        assert_eq!(
            tiers::lines(stream, cuts),
            tiers::lines(stream, &[]),
            "line tier: chunked != one-shot"
        );
    }
}

/// The fast owned decoder equals the reference decoder, whole and chunked.
pub fn check_reference(stream: &[u8], cuts: &[usize]) {
    let expected = reference::decode(stream);
    for limits in [Limits::unlimited(), Limits::default()] {
        let (outcome, errors) = tiers::owned(stream, cuts, limits);
        assert_eq!(errors, 0, "errors without a limit being reached");
        assert_eq!(outcome, expected, "owned tier != reference");
    }
    let (outcome, errors) = tiers::owned(stream, &[], Limits::unlimited());
    assert_eq!(errors, 0);
    assert_eq!(outcome, expected, "owned tier (one-shot) != reference");
}

/// Every tier agrees with every other tier (and so with the reference) without limits; under
/// the given limits the stateful tiers agree on events, last event ID and error count.
pub fn check_tiers(case: &Case<'_>) {
    let Case { stream, cuts, .. } = case;
    let unlimited = Limits::unlimited();
    let expected = reference::decode(stream);

    let (owned, errors) = tiers::owned(stream, cuts, unlimited);
    assert_eq!((&owned, errors), (&expected, 0), "owned tier != reference");
    #[cfg(feature = "bytes")]
    {
        let (bytes, errors) = tiers::bytes(stream, cuts, unlimited);
        assert_eq!((&bytes, errors), (&expected, 0), "bytes tier != owned tier");
    }
    assert_eq!(
        tiers::lines(stream, cuts),
        expected,
        "line tier != owned tier"
    );
    assert_eq!(
        tiers::fragments(stream, cuts),
        expected,
        "streaming line tier != owned tier"
    );
    let (items, errors) = tiers::owned_feed_items(stream, cuts, unlimited);
    assert_eq!((&items, errors), (&expected, 0), "feed_items != reference");
    let (feed, id, errors) = tiers::owned_feed(stream, cuts, unlimited);
    assert_eq!(
        (feed, id, errors),
        (expected.events(), expected.last_event_id.clone(), 0),
        "feed != owned tier"
    );
    assert_eq!(
        tiers::events(stream, cuts, unlimited),
        tiers::reference_summary_per_block(stream),
        "event tier != owned tier"
    );
    let (lending, errors) = tiers::lending(stream, cuts, unlimited);
    assert_eq!(
        (&lending, errors),
        (&expected, 0),
        "lending decoder != reference"
    );
    assert_eq!(
        tiers::lending_events(stream, cuts, unlimited),
        (expected.events(), expected.last_event_id.clone(), 0),
        "lending decoder's next_event != reference"
    );
    #[cfg(feature = "std")]
    assert_eq!(
        tiers::reader(stream, cuts, unlimited),
        (expected.events(), expected.last_event_id.clone(), 0),
        "event reader != reference"
    );
    if let Some(blocks) = tiers::blocks(stream, cuts, unlimited) {
        assert_eq!(
            blocks,
            tiers::reference_summary_per_block(stream),
            "block tier != reference"
        );
    }

    // Under limits: the event tier drops an offending block whole (its comments and retry
    // too), the streaming tiers report the comments and retries before the offending line, so
    // these tiers are compared on what they all report alike.
    let limits = case.limits;
    let (owned, owned_errors) = tiers::owned(stream, cuts, limits);
    #[cfg(feature = "bytes")]
    {
        let (bytes, bytes_errors) = tiers::bytes(stream, cuts, limits);
        assert_eq!(
            (&bytes, bytes_errors),
            (&owned, owned_errors),
            "bytes tier != owned tier under {limits:?}"
        );
        assert_eq!(
            tiers::bytes_events(stream, cuts, limits),
            (owned.events(), owned.last_event_id.clone(), owned_errors),
            "bytes decode_event != owned tier under {limits:?}"
        );
    }
    let (feed, id, feed_errors) = tiers::owned_feed(stream, cuts, limits);
    assert_eq!(
        (feed, id, feed_errors),
        (owned.events(), owned.last_event_id.clone(), owned_errors),
        "feed != owned tier under {limits:?}"
    );
    assert_eq!(
        tiers::owned_feed_items(stream, cuts, limits),
        (owned.clone(), owned_errors),
        "feed_items != owned tier under {limits:?}"
    );
    let one = super::tiers::owned_feed_items_one_at_a_time("", stream, cuts, limits);
    assert_eq!(
        (&one.outcome, one.errors),
        (&owned, owned_errors),
        "feed_items, one item per call, != owned tier under {limits:?}"
    );
    let one = super::tiers::owned_feed_one_at_a_time("", stream, cuts, limits);
    assert_eq!(
        (one.outcome.observed, one.outcome.last_event_id, one.errors),
        (owned.events(), owned.last_event_id.clone(), owned_errors),
        "feed, one item per call, != owned tier under {limits:?}"
    );
    let events = tiers::events(stream, cuts, limits);
    assert_eq!(
        (events.events, events.last_event_id, events.errors),
        (owned.events(), owned.last_event_id.clone(), owned_errors),
        "event tier != owned tier under {limits:?}"
    );
}

/// One line of a stream as the decoders see it: content and terminator, as bytes.
struct RawLine<'a> {
    content: &'a [u8],
    terminated: bool,
    /// Bytes of the terminator (0, 1 or 2).
    terminator_len: usize,
}

/// Splits a stream into lines the spec's way (after stripping one leading BOM), on bytes.
fn raw_lines(stream: &[u8]) -> (bool, Vec<RawLine<'_>>) {
    let bom = stream.starts_with(b"\xEF\xBB\xBF");
    let mut rest = if bom { &stream[3..] } else { stream };
    let mut lines = Vec::new();
    while !rest.is_empty() {
        match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
            Some(end) => {
                let terminator_len = if rest[end..].starts_with(b"\r\n") {
                    2
                } else {
                    1
                };
                lines.push(RawLine {
                    content: &rest[..end],
                    terminated: true,
                    terminator_len,
                });
                rest = &rest[end + terminator_len..];
            }
            None => {
                lines.push(RawLine {
                    content: rest,
                    terminated: false,
                    terminator_len: 0,
                });
                rest = &[];
            }
        }
    }
    (bom, lines)
}

/// What the limits mean, stated on the reference: the stream with every offending event
/// removed. An event block (its non-blank lines up to a blank line, or to the end of the
/// stream) offends when one of its lines is longer than `max_line_len`, or when, counted from
/// the start of its first line, the end of a line's content lies past `max_event_len`. Lines
/// of an offending block before the offending one that the decoder reports as they go
/// (comments, `retry`) stay; its `data`, `event` and `id` lines and everything from the
/// offending line to the blank line go. Returns the filtered stream (line ends normalised to
/// LF, which the reference reads alike) and the number of offending blocks: one error each.
///
/// One exception, which no streaming decoder can avoid: a stream that is only a proper prefix
/// of the BOM has no line at all, not an over-long one.
pub fn remove_offending_events(stream: &[u8], limits: Limits) -> (Vec<u8>, usize) {
    let (bom, lines) = raw_lines(stream);
    let mut out = Vec::with_capacity(stream.len());
    if bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    if b"\xEF\xBB\xBF".starts_with(stream) {
        return (stream.to_vec(), 0);
    }
    let mut offending = 0;
    // Lines of the current block, kept until we know whether it offends.
    let mut block: Vec<&RawLine<'_>> = Vec::new();
    let mut block_len = 0usize;
    let mut discarding = false;
    let flush = |out: &mut Vec<u8>, block: &mut Vec<&RawLine<'_>>, offended: bool| {
        for line in block.drain(..) {
            let keep =
                !offended || matches!(Line::parse(line.content), Line::Comment(_) | Line::Retry(_));
            if keep {
                out.extend_from_slice(line.content);
                if line.terminated {
                    out.push(b'\n');
                }
            }
        }
    };
    for line in &lines {
        if line.content.is_empty() && line.terminated {
            // A blank line ends the block.
            flush(&mut out, &mut block, discarding);
            out.push(b'\n');
            block_len = 0;
            discarding = false;
            continue;
        }
        if discarding {
            continue;
        }
        let line_end = block_len.saturating_add(line.content.len());
        if line.content.len() > limits.max_line_len() || line_end > limits.max_event_len() {
            offending += 1;
            discarding = true;
            continue;
        }
        block_len = line_end.saturating_add(line.terminator_len);
        block.push(line);
    }
    flush(&mut out, &mut block, discarding);
    (out, offending)
}

/// Items of the owned tier through `decode`, with the most bytes the caller's buffer ever
/// held after dropping what was consumed (before the next chunk is appended).
fn owned_bounded(stream: &[u8], cuts: &[usize], limits: Limits) -> (Outcome, usize, usize) {
    let mut decoder = Decoder::with_limits(limits);
    let mut outcome = Outcome::default();
    let mut errors = 0;
    let retained_max = pump(stream, cuts, "decoder", |input| {
        match decoder.decode(input) {
            Ok(decoded) => {
                let partial = decoded.status.is_partial();
                match decoded.status {
                    Status::Complete(Item::Event(event)) => {
                        outcome.observed.push(super::tiers::observe(&event))
                    }
                    Status::Complete(Item::Comment(text)) => outcome
                        .observed
                        .push(Observed::Comment(String::from_utf8_lossy(text).into())),
                    Status::Complete(Item::Retry(ms)) => outcome.observed.push(Observed::Retry(ms)),
                    Status::Complete(_) => unreachable!("no other items exist"),
                    Status::Partial => {}
                }
                Some((decoded.consumed, partial))
            }
            Err(DecodeError::LineTooLong { limit }) => {
                assert_eq!(limit, limits.max_line_len());
                errors += 1;
                None
            }
            Err(DecodeError::EventTooLong { limit }) => {
                assert_eq!(limit, limits.max_event_len());
                errors += 1;
                None
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    });
    decoder.finish();
    outcome.last_event_id = decoder.last_event_id().to_string();
    (outcome, errors, retained_max)
}

/// The most bytes the bytes tier leaves in its `BytesMut` between chunks.
#[cfg(feature = "bytes")]
fn bytes_retained(stream: &[u8], cuts: &[usize], limits: Limits) -> usize {
    let mut decoder = sse_wire::BytesDecoder::with_limits(limits);
    let mut buffer = bytes::BytesMut::new();
    let mut retained_max = 0;
    for chunk in tiers::chunks(stream, cuts) {
        buffer.extend_from_slice(chunk);
        let mut calls = 0;
        // The buffer shrinks as the decoder consumes: budget from its length now.
        let budget = MAX_CALLS_PER_BYTE * (buffer.len() + 2);
        loop {
            calls += 1;
            assert!(calls <= budget, "bytes decoder stuck");
            // Errors and items alike are followed by another call.
            if let Ok(None) = decoder.decode(&mut buffer) {
                break;
            }
        }
        retained_max = retained_max.max(buffer.len());
    }
    retained_max
}

/// The most bytes the event tier needs kept between chunks.
fn events_retained(stream: &[u8], cuts: &[usize], limits: Limits) -> usize {
    let mut decoder = EventDecoder::with_limits(limits);
    pump(stream, cuts, "event decoder", |input| {
        let decoded = decoder.decode(input).ok()?;
        Some((decoded.consumed, decoded.status.is_partial()))
    })
}

/// What follows every stream in [`check_limits`]: ends whatever line and event is open, then
/// one small event, which must come out whenever the limits allow 8-byte lines and events.
pub const RECOVERY: &[u8] = b"\n\ndata: ok\n\n";

/// Under small limits: the caller's buffer stays bounded (so it never holds more than the
/// limit plus one chunk), every error is followed by recovery, and the output is exactly the
/// reference's output with the offending events removed ([`remove_offending_events`]).
pub fn check_limits(case: &Case<'_>) {
    let limits = case.limits;
    let mut stream = case.stream.to_vec();
    stream.extend_from_slice(RECOVERY);
    let cuts = &case.cuts;

    let (outcome, errors, retained) = owned_bounded(&stream, cuts, limits);
    // A partial line is kept only while it is within both limits; the first two bytes of a
    // possible BOM wait for the third.
    let bound = limits.max_line_len().min(limits.max_event_len()).max(2);
    assert!(
        retained <= bound,
        "owned tier kept {retained} bytes, over {bound}"
    );
    #[cfg(feature = "bytes")]
    {
        let retained = bytes_retained(&stream, cuts, limits);
        assert!(
            retained <= bound,
            "bytes tier kept {retained} bytes, over {bound}"
        );
    }
    // The event tier keeps the block: within the event limit, plus the last line's CRLF.
    let event_bound = limits.max_event_len().saturating_add(2);
    let retained = events_retained(&stream, cuts, limits);
    assert!(
        retained <= event_bound,
        "event tier kept {retained} bytes, over {event_bound}"
    );

    let (filtered, offending) = remove_offending_events(&stream, limits);
    let expected = reference::decode(&filtered);
    assert_eq!(errors, offending, "one error per offending event");
    assert_eq!(
        outcome, expected,
        "owned tier under {limits:?} != reference without the offending events"
    );
    if limits.max_line_len() >= 8 && limits.max_event_len() >= 8 {
        assert_eq!(
            outcome.events().last(),
            Some(&Observed::Event {
                event_type: "message".into(),
                data: "ok".into(),
                last_event_id: outcome.last_event_id.clone(),
            }),
            "no recovery after the stream"
        );
    }
}

/// No tier panics or gets stuck on any input, at any limits (including 0 and 1).
pub fn check_no_panic(case: &Case<'_>) {
    let Case {
        stream,
        cuts,
        limits,
    } = case;
    let _ = owned_bounded(stream, cuts, *limits);
    #[cfg(feature = "bytes")]
    let _ = bytes_retained(stream, cuts, *limits);
    let _ = events_retained(stream, cuts, *limits);
    let _ = tiers::owned_feed(stream, cuts, *limits);
    let _: Summary = tiers::events(stream, cuts, *limits);
    // The line tier under limits (the shared driver runs it unlimited only).
    let mut decoder = LineDecoder::with_limits(*limits);
    let retained = pump(stream, cuts, "line decoder", |input| {
        let decoded = decoder.decode(input).ok()?;
        Some((decoded.consumed, decoded.status.is_partial()))
    });
    assert!(retained <= limits.max_line_len().max(2));
}
