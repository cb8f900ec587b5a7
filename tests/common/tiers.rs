//! Drivers that run each decoder tier over a stream delivered in chunks, the way a caller
//! would (a buffer of unconsumed bytes, appended to as chunks arrive), and report what an
//! `EventSource` would observe.
//!
//! Every driver takes the last event ID the connection starts with (`""` for a first
//! connection; the previous connection's for a reconnection), counts limit errors (and keeps
//! decoding after them, as the contract says), and records the most bytes the caller's buffer
//! ever held, so the limit tests can bound it.

use super::reference::{Observed, Outcome};
use sse_wire::{DecodeError, EventDecoder, Fragment, Limits, Line, LineDecoder, Status};

/// The pieces of `stream` cut at `cuts` (ascending offsets).
pub fn chunks<'a>(stream: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        let cut = cut.min(stream.len());
        if cut >= start {
            pieces.push(&stream[start..cut]);
            start = cut;
        }
    }
    pieces.push(&stream[start..]);
    pieces
}

/// One tier's run over one stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    pub outcome: Outcome,
    /// Limit errors reported.
    pub errors: usize,
    /// The most bytes the caller's buffer held at any time (0 where the decoder keeps them).
    pub max_buffer: usize,
}

/// What the tiers are compared on when a tier cannot order retries among comments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub events: Vec<Observed>,
    pub comments: Vec<String>,
    pub retries: Vec<u64>,
    pub last_event_id: String,
    pub errors: usize,
}

pub fn summarize(outcome: &Outcome) -> Summary {
    let mut summary = Summary {
        last_event_id: outcome.last_event_id.clone(),
        ..Summary::default()
    };
    for observed in &outcome.observed {
        match observed {
            Observed::Event { .. } => summary.events.push(observed.clone()),
            Observed::Comment(text) => summary.comments.push(text.clone()),
            Observed::Retry(ms) => summary.retries.push(*ms),
        }
    }
    summary
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The owned tier through `decode`, over a caller buffer. Errors are counted, then skipped.
#[cfg(feature = "alloc")]
pub fn owned(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    let mut decoder = sse_wire::Decoder::with_limits(limits);
    decoder.set_last_event_id(start_id);
    let mut run = Run::default();
    let mut buffer: Vec<u8> = Vec::new();
    for chunk in chunks(stream, cuts) {
        buffer.extend_from_slice(chunk);
        run.max_buffer = run.max_buffer.max(buffer.len());
        let mut start = 0;
        loop {
            match decoder.decode(&buffer[start..]) {
                Ok(decoded) => {
                    start += decoded.consumed;
                    match decoded.status {
                        Status::Complete(sse_wire::Item::Event(event)) => {
                            run.outcome.observed.push(observe(&event))
                        }
                        Status::Complete(sse_wire::Item::Comment(text)) => {
                            run.outcome.observed.push(Observed::Comment(lossy(text)))
                        }
                        Status::Complete(sse_wire::Item::Retry(ms)) => {
                            assert_eq!(decoder.reconnection_time(), Some(ms));
                            run.outcome.observed.push(Observed::Retry(ms))
                        }
                        Status::Complete(_) => unreachable!("no other items exist"),
                        Status::Partial => break,
                    }
                }
                Err(_) => run.errors += 1,
            }
        }
        buffer.drain(..start);
    }
    decoder.finish();
    run.outcome.last_event_id = decoder.last_event_id().to_string();
    run
}

/// The lending owned path (`LendingDecoder`): chunks pushed in, every item taken through
/// `next_item`. Errors are counted, then skipped. IDs are bounded by the line limit only
/// here, as in the other owned tiers, so every stream compares with the reference.
#[cfg(feature = "alloc")]
pub fn lending(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    let limits = limits.with_max_id_len(limits.max_line_len());
    let mut decoder = sse_wire::decode::LendingDecoder::with_limits(limits);
    decoder.set_last_event_id(start_id);
    let mut run = Run::default();
    let mut last_retry = None;
    for chunk in chunks(stream, cuts) {
        decoder.push(chunk);
        while let Some(item) = decoder.next_item() {
            match item {
                Ok(sse_wire::Item::Event(event)) => {
                    let owned = event.to_owned();
                    assert_eq!(
                        (owned.event_type(), owned.data(), owned.last_event_id()),
                        (event.event_type(), event.data(), event.last_event_id())
                    );
                    run.outcome.observed.push(observe(&owned))
                }
                Ok(sse_wire::Item::Comment(text)) => run
                    .outcome
                    .observed
                    .push(Observed::Comment(text.to_string())),
                Ok(sse_wire::Item::Retry(ms)) => {
                    last_retry = Some(ms);
                    run.outcome.observed.push(Observed::Retry(ms))
                }
                Ok(_) => unreachable!("no other items exist"),
                Err(_) => run.errors += 1,
            }
        }
    }
    decoder.finish();
    // The unfinished block's complete lines: their comments and retries still count.
    while let Some(item) = decoder.next_item() {
        match item {
            Ok(sse_wire::Item::Comment(text)) => run
                .outcome
                .observed
                .push(Observed::Comment(text.to_string())),
            Ok(sse_wire::Item::Retry(ms)) => {
                last_retry = Some(ms);
                run.outcome.observed.push(Observed::Retry(ms))
            }
            Ok(_) => panic!("an unfinished event fired"),
            Err(_) => run.errors += 1,
        }
    }
    assert_eq!(decoder.reconnection_time(), last_retry);
    run.outcome.last_event_id = decoder.last_event_id().to_string();
    run
}

/// The lending decoder's events only (`next_event`): comments skipped unlent, retries
/// applied. Every other event is taken through `next_item` instead, so switching between the
/// two loops mid-stream is checked too.
#[cfg(feature = "alloc")]
pub fn lending_events(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    let limits = limits.with_max_id_len(limits.max_line_len());
    let mut decoder = sse_wire::decode::LendingDecoder::with_limits(limits);
    decoder.set_last_event_id(start_id);
    let mut run = Run::default();
    let mut by_item = false;
    for chunk in chunks(stream, cuts) {
        decoder.push(chunk);
        loop {
            let event = if by_item {
                match decoder.next_item() {
                    Some(Ok(sse_wire::Item::Event(event))) => Some(Ok(event.to_owned())),
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => Some(Err(error)),
                    None => None,
                }
            } else {
                decoder
                    .next_event()
                    .map(|event| event.map(|event| event.to_owned()))
            };
            match event {
                Some(Ok(event)) => {
                    run.outcome.observed.push(observe(&event));
                    by_item = !by_item;
                }
                Some(Err(_)) => run.errors += 1,
                None => break,
            }
        }
    }
    decoder.finish();
    assert!(decoder.next_event().is_none(), "an unfinished event fired");
    run.outcome.last_event_id = decoder.last_event_id().to_string();
    run
}

/// The blocking reader (`EventReader`) over a reader that returns the chunks one per `read`
/// (and an `Interrupted` error before each, which the reader retries).
#[cfg(feature = "std")]
pub fn reader(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    struct Chunked<'a> {
        chunks: std::collections::VecDeque<&'a [u8]>,
        interrupt: bool,
    }
    impl std::io::Read for Chunked<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let Some(chunk) = self.chunks.pop_front() else {
                return Ok(0);
            };
            let n = chunk.len().min(out.len());
            out[..n].copy_from_slice(&chunk[..n]);
            if n < chunk.len() {
                self.chunks.push_front(&chunk[n..]);
            }
            Ok(n)
        }
    }
    let limits = limits.with_max_id_len(limits.max_line_len());
    let chunks = chunks(stream, cuts)
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    let mut reader = sse_wire::decode::EventReader::with_limits(
        Chunked {
            chunks,
            interrupt: false,
        },
        limits,
    );
    let mut run = Run::default();
    reader.decoder_mut().set_last_event_id(start_id);
    for event in reader.by_ref() {
        match event {
            Ok(event) => run.outcome.observed.push(observe(&event)),
            Err(_) => run.errors += 1,
        }
    }
    run.outcome.last_event_id = reader.decoder().last_event_id().to_string();
    run
}

/// The owned tier through `feed`: only events (comments and retries are not yielded).
#[cfg(feature = "alloc")]
pub fn owned_feed(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    let mut decoder = sse_wire::Decoder::with_limits(limits);
    decoder.set_last_event_id(start_id);
    let mut run = Run::default();
    for chunk in chunks(stream, cuts) {
        for event in decoder.feed(chunk) {
            match event {
                Ok(event) => run.outcome.observed.push(observe(&event)),
                Err(_) => run.errors += 1,
            }
        }
    }
    decoder.finish();
    run.outcome.last_event_id = decoder.last_event_id().to_string();
    run
}

/// The owned tier through `feed_items`: every item in stream order, as `decode` reports them.
#[cfg(feature = "alloc")]
pub fn owned_feed_items(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    feed_items_through(start_id, stream, cuts, limits, false)
}

/// [`owned_feed_items`], taking one item per call and dropping the iterator with the rest of
/// the chunk undecoded; empty chunks then drain what is left. Must equal [`owned_feed_items`].
#[cfg(feature = "alloc")]
pub fn owned_feed_items_one_at_a_time(
    start_id: &str,
    stream: &[u8],
    cuts: &[usize],
    limits: Limits,
) -> Run {
    feed_items_through(start_id, stream, cuts, limits, true)
}

#[cfg(feature = "alloc")]
fn feed_items_through(
    start_id: &str,
    stream: &[u8],
    cuts: &[usize],
    limits: Limits,
    one_at_a_time: bool,
) -> Run {
    let mut decoder = sse_wire::Decoder::with_limits(limits);
    decoder.set_last_event_id(start_id);
    let mut run = Run::default();
    // Takes the chunk's items (only the first if `one_at_a_time`); whether there was one.
    let mut take = |decoder: &mut sse_wire::Decoder, chunk: &[u8]| {
        let mut any = false;
        for item in decoder.feed_items(chunk) {
            any = true;
            match item {
                Ok(sse_wire::Item::Event(event)) => run.outcome.observed.push(observe(&event)),
                Ok(sse_wire::Item::Comment(text)) => {
                    run.outcome.observed.push(Observed::Comment(text))
                }
                Ok(sse_wire::Item::Retry(ms)) => run.outcome.observed.push(Observed::Retry(ms)),
                Ok(_) => unreachable!("no other items exist"),
                Err(_) => run.errors += 1,
            }
            if one_at_a_time {
                break;
            }
        }
        any
    };
    for chunk in chunks(stream, cuts) {
        take(&mut decoder, chunk);
    }
    let mut calls = 0;
    while one_at_a_time && take(&mut decoder, &[]) {
        calls += 1;
        assert!(
            calls <= 2 * stream.len() + 2,
            "feed_items(&[]) keeps yielding"
        );
    }
    let last_retry = run
        .outcome
        .observed
        .iter()
        .rev()
        .find_map(|item| match item {
            Observed::Retry(ms) => Some(*ms),
            _ => None,
        });
    assert_eq!(decoder.reconnection_time(), last_retry, "retries applied");
    decoder.finish();
    run.outcome.last_event_id = decoder.last_event_id().to_string();
    run
}

/// An owned tier's event as the checks compare it.
#[cfg(feature = "alloc")]
pub fn observe(event: &sse_wire::Event) -> Observed {
    Observed::Event {
        event_type: event.event_type().to_string(),
        data: event.data().to_string(),
        last_event_id: event.last_event_id().to_string(),
    }
}

/// The owned tier through `feed`, taking one item (an event or an error) per call and dropping
/// the iterator with the rest of the chunk undecoded; empty chunks then drain what is left.
/// Must equal [`owned_feed`]: a dropped `Feed` loses nothing, even mid-error.
#[cfg(feature = "alloc")]
pub fn owned_feed_one_at_a_time(
    start_id: &str,
    stream: &[u8],
    cuts: &[usize],
    limits: Limits,
) -> Run {
    let mut decoder = sse_wire::Decoder::with_limits(limits);
    decoder.set_last_event_id(start_id);
    let mut run = Run::default();
    let mut take_one = |decoder: &mut sse_wire::Decoder, chunk: &[u8]| {
        match decoder.feed(chunk).next() {
            Some(Ok(event)) => run.outcome.observed.push(observe(&event)),
            Some(Err(_)) => run.errors += 1,
            None => return false,
        }
        true
    };
    for chunk in chunks(stream, cuts) {
        take_one(&mut decoder, chunk);
    }
    let mut calls = 0;
    while take_one(&mut decoder, &[]) {
        calls += 1;
        assert!(calls <= 2 * stream.len() + 2, "feed(&[]) keeps yielding");
    }
    decoder.finish();
    run.outcome.last_event_id = decoder.last_event_id().to_string();
    run
}

/// The bytes tier, over a `BytesMut` the chunks are appended to.
#[cfg(feature = "bytes")]
pub fn bytes(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    bytes_through(
        start_id,
        stream,
        cuts,
        limits,
        sse_wire::BytesDecoder::decode,
    )
}

/// The bytes tier through `decode_event` (events only), over a `BytesMut` read buffer.
#[cfg(feature = "bytes")]
pub fn bytes_events(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    bytes_through(start_id, stream, cuts, limits, |decoder, buffer| {
        Ok(decoder.decode_event(buffer)?.map(sse_wire::Item::Event))
    })
}

/// What a `BytesDecoder` method returns, as [`sse_wire::BytesDecoder::decode`] returns it.
#[cfg(feature = "bytes")]
type BytesItem = Option<sse_wire::Item<sse_wire::Event<bytes::Bytes>, bytes::Bytes>>;

/// Drives a `BytesDecoder` through `decode` (one of its decoding methods) over a `BytesMut`.
#[cfg(feature = "bytes")]
fn bytes_through(
    start_id: &str,
    stream: &[u8],
    cuts: &[usize],
    limits: Limits,
    mut decode: impl FnMut(
        &mut sse_wire::BytesDecoder,
        &mut bytes::BytesMut,
    ) -> Result<BytesItem, DecodeError>,
) -> Run {
    let mut decoder = sse_wire::BytesDecoder::with_limits(limits);
    decoder.set_last_event_id(start_id);
    let mut run = Run::default();
    let mut buffer = bytes::BytesMut::new();
    for chunk in chunks(stream, cuts) {
        buffer.extend_from_slice(chunk);
        run.max_buffer = run.max_buffer.max(buffer.len());
        loop {
            match decode(&mut decoder, &mut buffer) {
                Ok(Some(sse_wire::Item::Event(event))) => {
                    run.outcome.observed.push(Observed::Event {
                        event_type: event.event_type().to_string(),
                        data: String::from_utf8(event.data().to_vec())
                            .expect("bytes tier data is UTF-8"),
                        last_event_id: event.last_event_id().to_string(),
                    })
                }
                Ok(Some(sse_wire::Item::Comment(text))) => {
                    run.outcome.observed.push(Observed::Comment(lossy(&text)))
                }
                Ok(Some(sse_wire::Item::Retry(ms))) => {
                    run.outcome.observed.push(Observed::Retry(ms))
                }
                Ok(Some(_)) => unreachable!("no other items exist"),
                Ok(None) => break,
                Err(_) => run.errors += 1,
            }
        }
    }
    decoder.finish();
    run.outcome.last_event_id = decoder.last_event_id().to_string();
    run
}

/// The spec's interpretation applied to the line tier's output (test-side, to check lines).
#[derive(Default)]
struct LineInterpreter {
    outcome: Outcome,
    data: Vec<u8>,
    data_lines: usize,
    event_type: Vec<u8>,
    id_buffer: Option<Vec<u8>>,
    last_event_id: Vec<u8>,
}

impl LineInterpreter {
    fn line(&mut self, line: Line<'_>) {
        match line {
            Line::Blank => {
                if let Some(id) = self.id_buffer.take() {
                    self.last_event_id = id;
                }
                if self.data_lines > 0 {
                    let event_type = if self.event_type.is_empty() {
                        "message".to_string()
                    } else {
                        lossy(&self.event_type)
                    };
                    self.outcome.observed.push(Observed::Event {
                        event_type,
                        data: lossy(&self.data),
                        last_event_id: lossy(&self.last_event_id),
                    });
                }
                self.data.clear();
                self.data_lines = 0;
                self.event_type.clear();
            }
            Line::Comment(text) => self.outcome.observed.push(Observed::Comment(lossy(text))),
            Line::Data(value) => {
                if self.data_lines > 0 {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.data_lines += 1;
            }
            Line::Event(value) => self.event_type = value.to_vec(),
            Line::Id(value) => self.id_buffer = Some(value.to_vec()),
            Line::Retry(ms) => self.outcome.observed.push(Observed::Retry(ms)),
            Line::Ignored { .. } => {}
            _ => unreachable!("no other lines exist"),
        }
    }
}

/// Feeds `stream`, cut at `cuts`, through a caller buffer to a line-level tier: `step`
/// decodes from the unconsumed bytes (and handles what it got), returning how many it consumed
/// and whether it needs more input. A `LineTooLong` is counted and decoding goes on.
fn through_buffer(
    stream: &[u8],
    cuts: &[usize],
    run: &mut Run,
    tier: &str,
    mut step: impl FnMut(&[u8]) -> Result<(usize, bool), DecodeError>,
) {
    let mut buffer: Vec<u8> = Vec::new();
    for chunk in chunks(stream, cuts) {
        buffer.extend_from_slice(chunk);
        run.max_buffer = run.max_buffer.max(buffer.len());
        let mut start = 0;
        loop {
            match step(&buffer[start..]) {
                Ok((consumed, partial)) => {
                    start += consumed;
                    if partial {
                        break;
                    }
                }
                Err(DecodeError::LineTooLong { .. }) => run.errors += 1,
                Err(other) => panic!("the {tier} tier reported {other}"),
            }
        }
        buffer.drain(..start);
    }
}

/// The line tier, over a caller buffer. A line error drops that line only (this tier has no
/// notion of events), so compare it with the reference only within limits.
pub fn lines(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    let mut decoder = LineDecoder::with_limits(limits);
    let mut interpreter = LineInterpreter {
        last_event_id: start_id.as_bytes().to_vec(),
        ..LineInterpreter::default()
    };
    let mut run = Run::default();
    through_buffer(stream, cuts, &mut run, "line", |input| {
        let decoded = decoder.decode(input)?;
        let partial = match decoded.status {
            Status::Complete(line) => {
                interpreter.line(line);
                false
            }
            Status::Partial => true,
        };
        Ok((decoded.consumed, partial))
    });
    run.outcome = interpreter.outcome;
    run.outcome.last_event_id = lossy(&interpreter.last_event_id);
    run
}

/// The streaming line tier, over a caller buffer: data pieces are joined test-side into the
/// value of their line. Line errors are counted and skipped, as for the line tier.
pub fn fragments(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Run {
    let mut decoder = LineDecoder::with_limits(limits);
    let mut interpreter = LineInterpreter {
        last_event_id: start_id.as_bytes().to_vec(),
        ..LineInterpreter::default()
    };
    let mut run = Run::default();
    let mut value: Vec<u8> = Vec::new();
    through_buffer(stream, cuts, &mut run, "streaming line", |input| {
        let decoded = decoder.decode_fragment(input)?;
        match decoded.status {
            Status::Complete(Fragment::Data { piece, end }) => {
                assert!(end || !piece.is_empty(), "an empty piece before the end");
                value.extend_from_slice(piece);
                if end {
                    interpreter.line(Line::Data(&value));
                    value.clear();
                }
            }
            Status::Complete(Fragment::Line(line)) => {
                assert!(!matches!(line, Line::Data(_)), "data as a whole line");
                interpreter.line(line);
            }
            Status::Complete(_) => unreachable!("no other fragments exist"),
            Status::Partial => return Ok((decoded.consumed, true)),
        }
        Ok((decoded.consumed, false))
    });
    run.outcome = interpreter.outcome;
    run.outcome.last_event_id = lossy(&interpreter.last_event_id);
    run
}

/// The event tier, over a caller buffer, with the stream state kept test-side. Within a block
/// this tier reports the last `retry` only, and comments apart from fields, so it is compared
/// on a [`Summary`]. Returns the most bytes the caller's buffer held, too.
pub fn events(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> (Summary, usize) {
    let mut decoder = EventDecoder::with_limits(limits);
    let mut summary = Summary::default();
    let mut last_event_id: Vec<u8> = start_id.as_bytes().to_vec();
    let mut buffer: Vec<u8> = Vec::new();
    let mut max_buffer = 0;
    for chunk in chunks(stream, cuts) {
        buffer.extend_from_slice(chunk);
        max_buffer = max_buffer.max(buffer.len());
        let mut start = 0;
        loop {
            let decoded = match decoder.decode(&buffer[start..]) {
                Ok(decoded) => decoded,
                Err(DecodeError::LineTooLong { .. } | DecodeError::EventTooLong { .. }) => {
                    summary.errors += 1;
                    continue;
                }
                Err(other) => panic!("unexpected error {other}"),
            };
            start += decoded.consumed;
            let Status::Complete(block) = decoded.status else {
                break;
            };
            summary.comments.extend(block.comments().map(lossy));
            assert_eq!(block.comments().count(), block.comment_count());
            if let Some(ms) = block.retry() {
                summary.retries.push(ms);
            }
            if let Some(id) = block.id() {
                last_event_id = id.to_vec();
            }
            if block.fires() {
                let mut joined = vec![0; block.data_len()];
                let n = block.copy_data_to(&mut joined).expect("sized by data_len");
                assert_eq!(n, block.data_len());
                if block.data_len() > 0 {
                    assert!(block.copy_data_to(&mut joined[1..]).is_err());
                }
                let lines: Vec<&[u8]> = block.data_lines().collect();
                assert_eq!(lines.len(), block.data_line_count());
                assert_eq!(lines.join(&b'\n'), joined);
                // Appended after what the buffer holds, which it keeps.
                let mut appended = b"kept".to_vec();
                assert_eq!(block.append_data_to(&mut appended), block.data_len());
                assert_eq!(
                    (&appended[..4], &appended[4..]),
                    (&b"kept"[..], &joined[..])
                );
                assert_eq!(block.data_single().is_some(), block.data_line_count() == 1);
                if let Some(single) = block.data_single() {
                    assert_eq!(single, &joined[..]);
                }
                let event_type = match block.event_type() {
                    None | Some(b"") => "message".to_string(),
                    Some(t) => lossy(t),
                };
                summary.events.push(Observed::Event {
                    event_type,
                    data: lossy(&joined),
                    last_event_id: lossy(&last_event_id),
                });
            }
        }
        buffer.drain(..start);
    }
    summary.last_event_id = lossy(&last_event_id);
    (summary, max_buffer)
}

/// The block tier (`BlockDecoder`), over a caller buffer: the stream state is the decoder's
/// (type default, last event ID, reconnection time), nothing kept test-side. Compared on a
/// [`Summary`], as the event tier. `None` if the stream holds a line too long for any ID to
/// be sure to fit the decoder's inline ID buffer (the matrix then skips this tier).
pub fn blocks(start_id: &str, stream: &[u8], cuts: &[usize], limits: Limits) -> Option<Summary> {
    use sse_wire::decode::BlockDecoder;
    if super::reference::lines(stream)
        .iter()
        .any(|line| line.len() > BlockDecoder::ID_CAPACITY)
    {
        return None;
    }
    let mut decoder = BlockDecoder::with_limits(limits);
    decoder
        .set_last_event_id(start_id.as_bytes())
        .expect("a short start ID");
    let mut summary = Summary::default();
    let mut buffer: Vec<u8> = Vec::new();
    let mut last_retry = None;
    for chunk in chunks(stream, cuts) {
        buffer.extend_from_slice(chunk);
        let mut start = 0;
        loop {
            let decoded = match decoder.decode(&buffer[start..]) {
                Ok(decoded) => decoded,
                Err(DecodeError::LineTooLong { .. } | DecodeError::EventTooLong { .. }) => {
                    summary.errors += 1;
                    continue;
                }
                Err(other) => panic!("unexpected error {other}"),
            };
            start += decoded.consumed;
            let Status::Complete(block) = decoded.status else {
                break;
            };
            summary.comments.extend(block.comments().map(lossy));
            if let Some(ms) = block.retry() {
                summary.retries.push(ms);
                last_retry = Some(ms);
            }
            if block.fires() {
                let mut joined = vec![0; block.data_len()];
                let n = block.copy_data_to(&mut joined).expect("sized by data_len");
                if let Some(single) = block.data_single() {
                    assert_eq!(single, &joined[..n]);
                }
                let mut appended = Vec::new();
                assert_eq!(block.append_data_to(&mut appended), n);
                assert_eq!(appended, &joined[..n]);
                summary.events.push(Observed::Event {
                    event_type: lossy(block.event_type()),
                    data: lossy(&joined[..n]),
                    last_event_id: lossy(block.last_event_id()),
                });
            }
        }
        buffer.drain(..start);
    }
    assert_eq!(decoder.reconnection_time(), last_retry, "reconnection time");
    summary.last_event_id = lossy(decoder.last_event_id());
    Some(summary)
}

/// The reference's summary with only the last retry of each block kept, as the event tier
/// reports it.
pub fn reference_summary_per_block(start_id: &str, stream: &[u8]) -> Summary {
    // The event tier keeps one retry per block: rebuild the reference's retries block by block.
    let mut summary = summarize(&super::reference::decode_from(start_id, stream));
    (summary.retries, summary.comments) = per_block(stream);
    summary
}

/// The last valid retry of each complete block, and the comments of complete blocks,
/// computed with the reference's line rules.
fn per_block(stream: &[u8]) -> (Vec<u64>, Vec<String>) {
    let mut retries = Vec::new();
    let mut comments = Vec::new();
    let mut block_comments = Vec::new();
    let mut block_retry = None;
    for line in super::reference::lines(stream) {
        if line.is_empty() {
            if let Some(ms) = block_retry.take() {
                retries.push(ms);
            }
            comments.append(&mut block_comments);
            continue;
        }
        if let Some(comment) = line.strip_prefix(':') {
            block_comments.push(comment.strip_prefix(' ').unwrap_or(comment).to_string());
            continue;
        }
        let (name, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_str(), ""),
        };
        if name == "retry" && !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(ms) = value.parse::<u64>() {
                block_retry = Some(ms);
            }
        }
    }
    (retries, comments)
}
