//! Hostile input at scale, through the owned decoder's `decode` over a caller buffer, chunks
//! generated on the fly (nothing is ever allocated at the stream's size):
//!
//! - a 1 GiB line in 64 KiB chunks under the default limits;
//! - millions of blank lines, millions of comment lines;
//! - a stream that never ends a line.
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
