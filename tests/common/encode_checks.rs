//! The encoder's verification properties, written once and driven by the fuzz targets
//! `roundtrip` and `encode_slice` (`fuzz/fuzz_targets/`), by proptest
//! (`tests/encode_properties.rs`) and by the regression tests (`tests/fuzz_regressions.rs`).
//! Each `check_*` panics with a message naming the broken property.
//!
//! The expected decoding is computed here from the frames, independently of the library
//! (its `arbitrary::Stream` model is checked against this one when the feature is on):
//! every line break in data and comments becomes LF, a missing or empty type is `message`,
//! invalid UTF-8 becomes U+FFFD, the last event ID persists across events, a `retry` is
//! reported before its event fires, an event fires only if it has data, and a comment yields
//! one comment per line.

use super::reference::{self, Observed, Outcome};
use super::tiers;
use sse_wire::{BufferTooSmall, Comment, Encode, EventRef, EventWriter, Limits, WriteResult};

/// One frame to encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    Event(EventRef<'a>),
    Comment(&'a [u8]),
}

impl Frame<'_> {
    pub fn encode_to_vec(&self, out: &mut Vec<u8>) -> usize {
        match self {
            Frame::Event(event) => event.encode_to_vec(out),
            Frame::Comment(text) => Comment::from_bytes(text).encode_to_vec(out),
        }
    }
}

/// The library's generated frames, borrowed as the checks take them.
#[cfg(feature = "arbitrary")]
pub fn frames_of(stream: &sse_wire::arbitrary::Stream) -> Vec<Frame<'_>> {
    stream
        .frames()
        .iter()
        .map(|frame| match frame {
            sse_wire::arbitrary::Frame::Event(event) => Frame::Event(event.as_event_ref()),
            sse_wire::arbitrary::Frame::Comment(text) => Frame::Comment(text),
        })
        .collect()
}

/// Every CR, LF and CRLF as LF.
pub fn normalise(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\r' => {
                out.push(b'\n');
                if text.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a decoder must report for `frames`, in order (the documented normalisation).
pub fn expected(frames: &[Frame<'_>]) -> Outcome {
    let mut outcome = Outcome::default();
    for frame in frames {
        match frame {
            Frame::Event(event) => {
                if let Some(id) = event.id() {
                    outcome.last_event_id = id.as_str().to_string();
                }
                if let Some(ms) = event.retry() {
                    outcome.observed.push(Observed::Retry(ms));
                }
                if let Some(data) = event.data() {
                    let event_type = match event.event_type().map(|t| t.as_str()) {
                        None | Some("") => "message".to_string(),
                        Some(t) => t.to_string(),
                    };
                    outcome.observed.push(Observed::Event {
                        event_type,
                        data: lossy(&normalise(data)),
                        last_event_id: outcome.last_event_id.clone(),
                    });
                }
            }
            Frame::Comment(text) => {
                for line in normalise(text).split(|&b| b == b'\n') {
                    outcome.observed.push(Observed::Comment(lossy(line)));
                }
            }
        }
    }
    outcome
}

/// Encodes `frames` one after another.
pub fn encode_all(frames: &[Frame<'_>]) -> Vec<u8> {
    let mut stream = Vec::new();
    for frame in frames {
        frame.encode_to_vec(&mut stream);
    }
    stream
}

/// Encode, then decode: the owned tier (at the chunking `cuts`, and one-shot), the bytes
/// tier and the event tier all yield what [`expected`] says, and so does the reference
/// decoder. Every frame ends with a line end, so nothing is left partial.
pub fn check_round_trip(frames: &[Frame<'_>], cuts: &[usize]) {
    let stream = encode_all(frames);
    let want = expected(frames);
    let unlimited = Limits::unlimited();

    assert_eq!(
        reference::decode(&stream),
        want,
        "reference decoder: decode(encode(frames)) != frames after normalisation"
    );
    for cuts in [cuts, &[]] {
        let run = tiers::owned("", &stream, cuts, unlimited);
        assert_eq!(run.errors, 0, "owned tier: errors on an encoded stream");
        assert_eq!(
            run.outcome, want,
            "owned tier at cuts {cuts:?}: decode(encode(frames)) != frames after normalisation"
        );
    }
    let run = tiers::owned_feed("", &stream, cuts, unlimited);
    assert_eq!(
        (run.outcome.observed, run.outcome.last_event_id, run.errors),
        (want.events(), want.last_event_id.clone(), 0),
        "feed: decode(encode(frames)) != frames after normalisation"
    );
    #[cfg(feature = "bytes")]
    {
        let run = tiers::bytes("", &stream, cuts, unlimited);
        assert_eq!(
            (&run.outcome, run.errors),
            (&want, 0),
            "bytes tier: decode(encode(frames)) != frames after normalisation"
        );
    }
    let (summary, _) = tiers::events("", &stream, cuts, unlimited);
    assert_eq!(
        (&summary.events, &summary.last_event_id, summary.errors),
        (&want.events(), &want.last_event_id, 0),
        "event tier: decode(encode(frames)) != frames after normalisation"
    );
    // Comments and retries as the event tier reports them (per block; a comment at the very
    // end of the stream is in a block no blank line ends), judged by the reference.
    assert_eq!(
        summary,
        tiers::reference_summary_per_block("", &stream),
        "event tier != reference on an encoded stream"
    );
}

/// The library's model of a generated stream (`arbitrary::Stream`) agrees with this one and
/// with its own bytes.
#[cfg(feature = "arbitrary")]
pub fn check_arbitrary_stream(stream: &sse_wire::arbitrary::Stream) {
    let frames = frames_of(stream);
    assert_eq!(
        stream.bytes(),
        &encode_all(&frames)[..],
        "Stream::bytes != encoding"
    );
    let want = expected(&frames);
    let events: Vec<Observed> = stream
        .events()
        .iter()
        .map(|event| Observed::Event {
            event_type: event.event_type().to_string(),
            data: event.data().to_string(),
            last_event_id: event.last_event_id().to_string(),
        })
        .collect();
    assert_eq!(events, want.events(), "Stream::events != model");
    assert_eq!(
        stream.last_event_id(),
        want.last_event_id,
        "Stream::last_event_id"
    );
    let last_retry = want.observed.iter().rev().find_map(|o| match o {
        Observed::Retry(ms) => Some(*ms),
        _ => None,
    });
    assert_eq!(
        stream.reconnection_time(),
        last_retry,
        "Stream::reconnection_time"
    );
    for frame in stream.frames() {
        if let sse_wire::arbitrary::Frame::Event(event) = frame {
            assert_eq!(
                sse_wire::arbitrary::OwnedEvent::from(event.as_event_ref()),
                *event,
                "OwnedEvent -> EventRef -> OwnedEvent"
            );
        }
    }
}

/// A byte the encoder never writes by itself at a given spot, to see what it touched.
const UNTOUCHED: u8 = 0xA5;

/// `encode_to_slice` into `out_len` bytes fails exactly when `out_len < encoded_len`, with
/// that length and the buffer untouched; otherwise it writes exactly what `encode_to_vec`
/// writes, and nothing after it. Likewise for `Comment`, `to_bytes` and `encode_to_buf`.
pub fn check_encode_slice(event: &EventRef<'_>, out_len: usize) {
    let len = event.encoded_len();
    assert_eq!(len, event.encoded_len(), "encoded_len: free fn != method");
    let mut vec = Vec::new();
    assert_eq!(event.encode_to_vec(&mut vec), len, "encode_to_vec's count");
    assert_eq!(vec.len(), len, "encode_to_vec wrote encoded_len bytes");
    // Appending to a buffer that holds something keeps it.
    let mut appended = b"prefix".to_vec();
    event.encode_to_vec(&mut appended);
    assert_eq!(&appended[6..], &vec[..], "encode_to_vec appends");

    let mut out = vec![UNTOUCHED; out_len];
    match event.encode_to_slice(&mut out) {
        Ok(n) => {
            assert!(out_len >= len, "succeeded into {out_len} < {len} bytes");
            assert_eq!(n, len, "encode_to_slice's count");
            assert_eq!(&out[..n], &vec[..], "encode_to_slice != encode_to_vec");
            assert!(
                out[n..].iter().all(|&b| b == UNTOUCHED),
                "encode_to_slice wrote past its count"
            );
        }
        Err(BufferTooSmall { needed }) => {
            assert!(out_len < len, "failed into {out_len} >= {len} bytes");
            assert_eq!(needed, len, "BufferTooSmall::needed != encoded_len");
            assert!(
                out.iter().all(|&b| b == UNTOUCHED),
                "a failed encode_to_slice wrote something"
            );
        }
    }
    #[cfg(feature = "bytes")]
    {
        assert_eq!(event.to_bytes(), vec, "to_bytes != encode_to_vec");
        let mut buf = bytes::BytesMut::new();
        assert_eq!(event.encode_to_buf(&mut buf), Ok(len));
        assert_eq!(buf, vec, "encode_to_buf != encode_to_vec");
        // A bounded BufMut: all or nothing, like the slice.
        let mut room = vec![UNTOUCHED; out_len];
        let mut limited: &mut [u8] = &mut room;
        let result = event.encode_to_buf(&mut limited);
        if out_len < len {
            assert_eq!(result, Err(BufferTooSmall { needed: len }));
            assert!(
                room.iter().all(|&b| b == UNTOUCHED),
                "encode_to_buf: partial"
            );
        } else {
            assert_eq!(result, Ok(len));
            assert_eq!(&room[..len], &vec[..], "encode_to_buf(&mut [u8])");
        }
    }
}

/// The same for a comment.
pub fn check_comment_slice(comment: &Comment<'_>, out_len: usize) {
    let len = comment.encoded_len();
    let mut vec = Vec::new();
    assert_eq!(comment.encode_to_vec(&mut vec), len);
    assert_eq!(vec.len(), len);
    let mut out = vec![UNTOUCHED; out_len];
    match comment.encode_to_slice(&mut out) {
        Ok(n) => {
            assert!(
                out_len >= len && n == len,
                "comment: {n} into {out_len}, needs {len}"
            );
            assert_eq!(&out[..n], &vec[..], "comment: slice != vec");
            assert!(out[n..].iter().all(|&b| b == UNTOUCHED));
        }
        Err(BufferTooSmall { needed }) => {
            assert!(
                out_len < len && needed == len,
                "comment: failed into {out_len}"
            );
            assert!(
                out.iter().all(|&b| b == UNTOUCHED),
                "comment: partial write"
            );
        }
    }
    #[cfg(feature = "bytes")]
    assert_eq!(comment.to_bytes(), vec, "comment: to_bytes != vec");
}

/// A writer for `event`'s header fields.
fn writer_for<'a>(event: &EventRef<'a>) -> EventWriter<'a> {
    let mut writer = EventWriter::new();
    if let Some(event_type) = event.event_type() {
        writer = writer.with_event_type(event_type);
    }
    if let Some(id) = event.id() {
        writer = writer.with_id(id);
    }
    if let Some(ms) = event.retry() {
        writer = writer.with_retry(ms);
    }
    writer
}

/// `EventWriter` fed `event`'s data cut at `cuts` (ascending offsets), writing into output
/// buffers of the sizes `out_sizes` (cycled; 0 included), writes exactly what the one-shot
/// encoding of the event writes (with empty data when it has none: a writer's event always
/// fires). Each call makes progress, the `_len` predictions are exact, the `_to_vec` variants
/// agree, and `finish` leaves a fresh writer.
pub fn check_writer(event: &EventRef<'_>, cuts: &[usize], out_sizes: &[usize]) {
    let data = event.data().unwrap_or(b"");
    let mut want = Vec::new();
    event.with_data_bytes(data).encode_to_vec(&mut want);
    let pieces = tiers::chunks(data, cuts);

    let mut sizes = out_sizes.iter().copied().cycle();
    let nonzero = out_sizes.iter().any(|&s| s > 0);
    let mut next_size = move || {
        if nonzero {
            sizes.next().unwrap_or(1)
        } else {
            1
        }
    };
    // Calls allowed: every call with room writes at least a byte or ends a piece.
    let budget = 4 * (want.len() + pieces.len() + 4) * (out_sizes.len() + 1);
    let mut calls = 0;
    let mut stream = Vec::new();
    let mut writer = writer_for(event);
    let mut out = Vec::new();
    for piece in &pieces {
        let mut input: &[u8] = piece;
        loop {
            calls += 1;
            assert!(calls <= budget, "EventWriter::data makes no progress");
            out.clear();
            out.resize(next_size(), UNTOUCHED);
            let predicted = writer.data_len(input);
            let (result, read, written) = writer.data(input, &mut out);
            assert!(read <= input.len() && written <= out.len());
            assert!(
                out[written..].iter().all(|&b| b == UNTOUCHED),
                "data wrote past its count"
            );
            stream.extend_from_slice(&out[..written]);
            match result {
                WriteResult::InputEmpty => {
                    assert_eq!(read, input.len(), "InputEmpty with input left");
                    assert_eq!(written, predicted, "data_len mispredicted");
                    break;
                }
                WriteResult::OutputFull => {
                    assert!(written <= predicted, "wrote more than data_len");
                    input = &input[read..];
                }
            }
        }
    }
    loop {
        calls += 1;
        assert!(calls <= budget, "EventWriter::finish makes no progress");
        out.clear();
        out.resize(next_size(), UNTOUCHED);
        let predicted = writer.finish_len();
        let (result, written) = writer.finish(&mut out);
        stream.extend_from_slice(&out[..written]);
        if result == WriteResult::InputEmpty {
            assert_eq!(written, predicted, "finish_len mispredicted");
            break;
        }
    }
    assert!(
        stream == want,
        "EventWriter in pieces != one-shot encoding:\n{:?}\n{:?}",
        String::from_utf8_lossy(&stream),
        String::from_utf8_lossy(&want)
    );
    assert_eq!(writer, EventWriter::new(), "finish leaves a fresh writer");

    let mut writer = writer_for(event);
    let mut vec = Vec::new();
    for piece in &pieces {
        let predicted = writer.data_len(piece);
        assert_eq!(
            writer.data_to_vec(piece, &mut vec),
            predicted,
            "data_to_vec"
        );
    }
    let predicted = writer.finish_len();
    assert_eq!(writer.finish_to_vec(&mut vec), predicted, "finish_to_vec");
    assert!(vec == want, "EventWriter::data_to_vec != one-shot encoding");
}
