//! Hostile input at scale, through the owned decoder's `decode` over a caller buffer, chunks
//! generated on the fly (nothing is ever allocated at the stream's size):
//!
//! - a 1 GiB line in 64 KiB chunks under the default limits;
//! - millions of blank lines, millions of comment lines;
//! - a stream that never ends a line;
//! - the encoder: a 64 MiB payload with mixed line breaks through `EventWriter` in 64 KiB
//!   pieces into one small reused output buffer, decoded as it is written.
//!
//! Memory: the caller's buffer never holds more than the limit plus one chunk. Time: linear,
//! shown by counting, not timing. Every call either reports an item, an error, or `Partial`
//! after consuming what it can; the counts below pin the number of calls and bytes to the
//! input's size. That the decoder never rescans the partial line it leaves in the buffer is
//! shown black-box with a probe: after each call, a byte of the retained (already examined)
//! partial line is overwritten with LF. A decoder that looked at those bytes again would find
//! the LF and complete a line; ours must not. (The in-crate unit tests in
//! `src/decode/linear_tests.rs` also count the scanner's `memchr2` bytes exactly.)
#![cfg(feature = "alloc")]

use sse_wire::{DecodeError, Decoder, Item, Limits, Status};

const CHUNK: usize = 64 << 10;

/// Counts of one run.
#[derive(Debug, Default)]
struct Counts {
    calls: usize,
    bytes_fed: u64,
    consumed: u64,
    errors: Vec<DecodeError>,
    events: Vec<String>,
    comments: usize,
    /// The most bytes the caller's buffer held (after appending a chunk).
    max_buffer: usize,
}

/// Feeds the chunks `next_chunk` yields to a `Decoder` over a caller buffer, the way a
/// network reader would; `probe` poisons the retained partial line after every call.
fn run(limits: Limits, probe: bool, mut next_chunk: impl FnMut() -> Option<Vec<u8>>) -> Counts {
    let mut decoder = Decoder::with_limits(limits);
    let mut counts = Counts::default();
    let mut buffer: Vec<u8> = Vec::new();
    while let Some(chunk) = next_chunk() {
        counts.bytes_fed += chunk.len() as u64;
        buffer.extend_from_slice(&chunk);
        counts.max_buffer = counts.max_buffer.max(buffer.len());
        let mut start = 0;
        loop {
            counts.calls += 1;
            match decoder.decode(&buffer[start..]) {
                Ok(decoded) => {
                    start += decoded.consumed;
                    counts.consumed += decoded.consumed as u64;
                    match decoded.status {
                        Status::Complete(Item::Event(event)) => {
                            counts.events.push(event.data().to_string())
                        }
                        Status::Complete(Item::Comment(_)) => counts.comments += 1,
                        Status::Complete(_) => {}
                        Status::Partial => break,
                    }
                }
                Err(error) => counts.errors.push(error),
            }
        }
        buffer.drain(..start);
        if probe && buffer.len() > 2 {
            // Every byte kept here was examined already and held no line break.
            let at = buffer.len() / 2;
            buffer[at] = b'\n';
        }
    }
    decoder.finish();
    counts
}

/// `data: ` and then `len` bytes of `x` in `CHUNK`-sized pieces, then `tail`.
fn long_line(len: u64, tail: &'static [u8]) -> impl FnMut() -> Option<Vec<u8>> {
    let filler = vec![b'x'; CHUNK];
    let mut left = len;
    let mut state = 0;
    move || match state {
        0 => {
            state = 1;
            Some(b"data: ".to_vec())
        }
        1 if left > 0 => {
            let n = left.min(CHUNK as u64) as usize;
            left -= n as u64;
            Some(filler[..n].to_vec())
        }
        1 => {
            state = 2;
            Some(tail.to_vec())
        }
        _ => None,
    }
}

fn over_long_line(len: u64) {
    let limits = Limits::default();
    let limit = limits.max_line_len();
    assert!(len > limit as u64);
    let tail = b"\n\ndata: ok\n\n";
    let counts = run(limits, true, long_line(len, tail));
    assert_eq!(
        counts.errors,
        [DecodeError::LineTooLong { limit }],
        "exactly one error"
    );
    assert_eq!(counts.events, ["ok"], "recovery on the next event");
    assert!(
        counts.max_buffer <= limit + CHUNK,
        "the buffer held {} bytes, over the limit plus one chunk",
        counts.max_buffer
    );
    // Linear: every byte consumed exactly once, and a bounded number of calls per chunk
    // (one `Partial` per chunk, plus the error, the event and the calls after them).
    assert_eq!(counts.consumed, counts.bytes_fed);
    let chunks = len.div_ceil(CHUNK as u64) as usize + 2;
    assert!(
        counts.calls <= chunks + 4,
        "{} calls for {chunks} chunks",
        counts.calls
    );
}

/// About 6 s in a debug build on this machine, 0.1 s in release: no need to ignore it.
#[test]
fn over_long_line_of_1_gib_is_bounded_and_recovers() {
    over_long_line(1 << 30);
}

/// `count` copies of `unit`, in `CHUNK`-sized pieces cut wherever they fall.
fn repeated(unit: &'static [u8], count: usize) -> impl FnMut() -> Option<Vec<u8>> {
    let per_chunk = CHUNK / unit.len();
    let mut left = count;
    move || {
        if left == 0 {
            return None;
        }
        let n = left.min(per_chunk);
        left -= n;
        Some(unit.repeat(n))
    }
}

#[test]
fn millions_of_blank_lines_cost_one_call_per_chunk() {
    // LF, CR LF and a lone CR: a CRLF is split at every chunk boundary where it falls.
    let unit: &[u8] = b"\n\r\n\r";
    let count = 1_000_000; // 4 million blank lines
    let counts = run(Limits::default(), false, repeated(unit, count));
    assert!(counts.errors.is_empty() && counts.events.is_empty());
    assert_eq!(counts.consumed, counts.bytes_fed);
    let chunks = (unit.len() * count).div_ceil(CHUNK / unit.len() * unit.len());
    assert_eq!(
        counts.calls, chunks,
        "blank lines produce no item: one call per chunk"
    );
    assert_eq!(counts.max_buffer, CHUNK / unit.len() * unit.len());
}

#[test]
fn millions_of_comment_lines_cost_one_call_per_comment() {
    // Keep-alives as servers send them: each comment is a block of its own.
    let unit: &[u8] = b": keep-alive\n\n";
    let count = 2_000_000;
    let counts = run(Limits::default(), false, repeated(unit, count));
    assert_eq!(counts.comments, count);
    assert!(counts.errors.is_empty() && counts.events.is_empty());
    assert_eq!(counts.consumed, counts.bytes_fed);
    let chunks = (unit.len() * count).div_ceil(CHUNK / unit.len() * unit.len());
    assert_eq!(
        counts.calls,
        count + chunks,
        "one call per comment, plus one Partial per chunk"
    );
}

#[test]
fn millions_of_comment_lines_without_a_blank_line_are_one_event_bounded_by_the_limit() {
    // Comment lines with no blank line between them are lines of one block: after
    // `max_event_len` bytes the block offends, once, and the rest of it is dropped.
    let unit: &[u8] = b": keep-alive\n";
    let count = 2_000_000;
    let limits = Limits::default();
    let limit = limits.max_event_len();
    let counts = run(limits, false, repeated(unit, count));
    assert_eq!(counts.errors, [DecodeError::EventTooLong { limit }]);
    // Comment k+1 ends at 13k + 12: the first past the limit is not reported.
    assert_eq!(counts.comments, (limit - 12) / 13 + 1);
    assert_eq!(counts.consumed, counts.bytes_fed);
    let chunks = (unit.len() * count).div_ceil(CHUNK / unit.len() * unit.len());
    assert!(counts.calls <= counts.comments + chunks + 1);
}

#[test]
fn a_stream_that_never_ends_a_line_is_bounded_by_the_limit() {
    let limit = 1 << 20;
    let limits = Limits::default()
        .with_max_line_len(limit)
        .with_max_event_len(limit);
    // 256 MiB of one unterminated line: an error once, then the rest is dropped as it comes.
    let filler = vec![b'y'; CHUNK];
    let mut left = 4096;
    let counts = run(limits, true, move || {
        (left > 0).then(|| {
            left -= 1;
            filler.clone()
        })
    });
    assert_eq!(counts.errors.len(), 1, "one error: {:?}", counts.errors);
    assert!(counts.max_buffer <= limit + CHUNK);
    assert_eq!(counts.consumed, counts.bytes_fed);
    assert!(counts.calls <= 4096 + 2, "{} calls", counts.calls);
    assert!(counts.events.is_empty());
}

/// Encoder, hostile payload: 64 MiB of data with CR, LF and CRLF mixed (also CRLF split across
/// pieces, and runs of breaks), written through `EventWriter` in 64 KiB pieces into one reused
/// 1 KiB output buffer and decoded as it is written. The writer holds no buffer of its own,
/// every call fits the output buffer, the output equals the one-shot encoding byte for byte,
/// and the decoder yields the data with every line break as LF.
#[test]
fn encoder_64_mib_payload_in_64_kib_pieces_through_a_small_buffer() {
    use sse_wire::{Encode, EventId, EventRef, EventType, EventWriter, WriteResult};

    const SIZE: usize = 64 << 20;
    const OUT: usize = 1 << 10;
    let units: [&[u8]; 8] = [
        b"token ",
        b"\r\n",
        b"\xc3\xbc\0",
        b"\r",
        b"\n\n",
        b" {\"k\":1}",
        b"abcdefghijklmnopqrstuvwxyz0123456789",
        b"\r\r\n",
    ];
    let mut data = Vec::with_capacity(SIZE + 64);
    let mut i = 0usize;
    while data.len() < SIZE {
        data.extend_from_slice(units[i % units.len()]);
        i = i.wrapping_mul(7).wrapping_add(3) % 1_000_003;
    }
    data.truncate(SIZE);
    // A CRLF straddling a piece boundary.
    data[CHUNK - 1] = b'\r';
    data[CHUNK] = b'\n';

    let event_type = EventType::from_static("bulk");
    let id = EventId::from_static("64m");
    let mut one_shot = Vec::new();
    EventRef::new()
        .with_event_type(event_type)
        .with_id(id)
        .with_data_bytes(&data)
        .encode_to_vec(&mut one_shot);

    // The writer is a small state machine: no buffer grows with the input.
    assert!(std::mem::size_of::<EventWriter<'_>>() <= 128);
    let mut writer = EventWriter::new().with_event_type(event_type).with_id(id);
    let mut out = [0u8; OUT];
    let mut compared = 0usize; // bytes of `one_shot` matched so far
    let mut decoder = Decoder::with_limits(Limits::unlimited());
    let mut pending: Vec<u8> = Vec::new();
    let mut max_pending = 0;
    let mut events = Vec::new();
    let mut sink = |written: &[u8], pending: &mut Vec<u8>, max_pending: &mut usize| {
        assert!(
            one_shot[compared..].starts_with(written),
            "streamed output differs from one-shot at byte {compared}"
        );
        compared += written.len();
        pending.extend_from_slice(written);
        *max_pending = (*max_pending).max(pending.len());
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&pending[start..]).expect("unlimited");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Item::Event(event)) => events.push(event),
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        pending.drain(..start);
    };
    let mut calls = 0usize;
    for piece in data.chunks(CHUNK) {
        let mut input = piece;
        loop {
            calls += 1;
            let (result, read, written) = writer.data(input, &mut out);
            sink(&out[..written], &mut pending, &mut max_pending);
            input = &input[read..];
            if result == WriteResult::InputEmpty {
                break;
            }
            assert!(written > 0, "OutputFull with nothing written");
        }
    }
    loop {
        let (result, written) = writer.finish(&mut out);
        sink(&out[..written], &mut pending, &mut max_pending);
        if result == WriteResult::InputEmpty {
            break;
        }
    }
    assert_eq!(
        compared,
        one_shot.len(),
        "streamed output is the whole one-shot"
    );
    assert!(pending.is_empty());
    // Work is linear: about one call per output buffer filled, plus one per piece.
    assert!(
        calls <= one_shot.len() / OUT + SIZE / CHUNK + 2,
        "{calls} calls"
    );
    // The longest line of this payload is short: the decoder's caller buffer never held much
    // more than one output buffer.
    assert!(
        max_pending <= 2 * OUT,
        "caller buffer held {max_pending} bytes"
    );
    drop(one_shot);

    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!((event.event_type(), event.last_event_id()), ("bulk", "64m"));
    // The data with every line break as LF (valid UTF-8 here), compared without a copy.
    let got = event.data().as_bytes();
    let mut at = 0;
    let mut j = 0;
    while j < data.len() {
        let (byte, step) = match data[j] {
            b'\r' if data.get(j + 1) == Some(&b'\n') => (b'\n', 2),
            b'\r' => (b'\n', 1),
            b => (b, 1),
        };
        assert_eq!(
            got.get(at),
            Some(&byte),
            "decoded data differs at byte {at}"
        );
        at += 1;
        j += step;
    }
    assert_eq!(
        at,
        got.len(),
        "decoded data is longer than the normalised payload"
    );
}
