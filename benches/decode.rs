//! Decode throughput of every tier on SSE-shaped inputs generated in code (issue 2).
//!
//! ```sh
//! cargo bench --bench decode --features bytes   # all tiers (bytes tier needs `bytes`)
//! cargo bench --bench decode -- chat/           # one workload
//! ```
//!
//! Each group is one workload; its benches are `tier/feed`, where feed is `whole` (the
//! input in one buffer), `4k` (4 KiB chunks appended to a buffer as a socket reader would) or
//! `10b` (10-byte chunks, owned tier only). `memchr2/*` walks the same bytes line end by line
//! end with `memchr::memchr2`: the speed of light for any line-based decoder.
//!
//! Every bench checks once, before timing, that it decoded the expected number of events and
//! data bytes, so a fast wrong answer cannot pass.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sse_wire::{Decoder, EventDecoder, Item, RawEvent, Status};

#[path = "common/inputs.rs"]
mod inputs;

use inputs::Workload;

/// What a realistic consumer sees: event count and data bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    events: usize,
    data_bytes: usize,
}

impl Tally {
    #[inline]
    fn raw(&mut self, event: RawEvent<'_>) {
        if event.fires() {
            self.events += 1;
            self.data_bytes += event.data_len();
            black_box(event.data_single());
        }
    }

    #[inline]
    fn data(&mut self, data: &[u8]) {
        self.events += 1;
        self.data_bytes += data.len();
        black_box(data);
    }
}

const KIB4: usize = 4096;

/// Event tier over the whole input in one buffer.
fn event_whole(input: &[u8]) -> Tally {
    let mut tally = Tally::default();
    let mut decoder = EventDecoder::new();
    let mut rest = input;
    loop {
        let decoded = decoder.decode(rest).expect("no limit is hit");
        rest = &rest[decoded.consumed..];
        match decoded.status {
            Status::Complete(event) => tally.raw(event),
            Status::Partial => return tally,
        }
    }
}

/// Event tier fed `chunk`-byte reads: a caller buffer that keeps the unconsumed bytes.
fn event_chunked(input: &[u8], chunk: usize) -> Tally {
    let mut tally = Tally::default();
    let mut decoder = EventDecoder::new();
    let mut buf: Vec<u8> = Vec::with_capacity(4 * chunk);
    for piece in input.chunks(chunk) {
        buf.extend_from_slice(piece);
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&buf[start..]).expect("no limit is hit");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(event) => tally.raw(event),
                Status::Partial => break,
            }
        }
        buf.drain(..start);
    }
    tally
}

/// Owned tier, `decode` over a caller buffer fed `chunk`-byte reads (`None`: whole input).
fn owned_decode(input: &[u8], chunk: Option<usize>) -> Tally {
    let mut tally = Tally::default();
    let mut decoder = Decoder::new();
    let mut buf: Vec<u8> = Vec::new();
    for piece in inputs::chunks(input, chunk) {
        // Whole input: decode straight from it, no copy.
        let whole = chunk.is_none();
        if !whole {
            buf.extend_from_slice(piece);
        }
        let src: &[u8] = if whole { piece } else { &buf };
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&src[start..]).expect("no limit is hit");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Item::Event(event)) => tally.data(event.data().as_bytes()),
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        if !whole {
            buf.drain(..start);
        }
    }
    tally
}

/// Owned tier, `feed` with `chunk`-byte chunks (`None`: whole input).
fn owned_feed(input: &[u8], chunk: Option<usize>) -> Tally {
    let mut tally = Tally::default();
    let mut decoder = Decoder::new();
    for piece in inputs::chunks(input, chunk) {
        for event in decoder.feed(piece) {
            tally.data(event.expect("no limit is hit").data().as_bytes());
        }
    }
    tally
}

/// Owned tier, `feed_items` (events, comments, retries) with `chunk`-byte chunks.
fn owned_feed_items(input: &[u8], chunk: Option<usize>) -> Tally {
    let mut tally = Tally::default();
    let mut decoder = Decoder::new();
    for piece in inputs::chunks(input, chunk) {
        for item in decoder.feed_items(piece) {
            if let Item::Event(event) = item.expect("no limit is hit") {
                tally.data(event.data().as_bytes());
            }
        }
    }
    tally
}

/// Bytes tier: a `BytesMut` read buffer fed `chunk`-byte reads (`None`: whole input).
#[cfg(feature = "bytes")]
fn bytes_tier(input: &[u8], chunk: Option<usize>) -> Tally {
    let mut tally = Tally::default();
    let mut decoder = sse_wire::BytesDecoder::new();
    let mut buf = bytes::BytesMut::with_capacity(chunk.unwrap_or(input.len()));
    for piece in inputs::chunks(input, chunk) {
        buf.extend_from_slice(piece);
        while let Some(item) = decoder.decode(&mut buf).expect("no limit is hit") {
            if let Item::Event(event) = item {
                tally.data(event.data());
            }
        }
    }
    tally
}

/// The speed of light: every line end found with `memchr2`, chunk by chunk.
fn memchr2_lines(input: &[u8], chunk: Option<usize>) -> usize {
    let mut lines = 0;
    for piece in inputs::chunks(input, chunk) {
        let mut at = 0;
        while let Some(i) = memchr::memchr2(b'\n', b'\r', &piece[at..]) {
            lines += 1;
            at += i + 1;
        }
    }
    lines
}

type Run = fn(&[u8]) -> Tally;

fn runs() -> Vec<(&'static str, Run)> {
    #[cfg_attr(not(feature = "bytes"), allow(unused_mut))]
    let mut runs: Vec<(&'static str, Run)> = vec![
        ("event/whole", event_whole),
        ("event/4k", |i| event_chunked(i, KIB4)),
        ("owned_decode/whole", |i| owned_decode(i, None)),
        ("owned_decode/4k", |i| owned_decode(i, Some(KIB4))),
        ("owned_feed/whole", |i| owned_feed(i, None)),
        ("owned_feed/4k", |i| owned_feed(i, Some(KIB4))),
        ("owned_feed/10b", |i| owned_feed(i, Some(10))),
        ("owned_feed_items/4k", |i| owned_feed_items(i, Some(KIB4))),
    ];
    #[cfg(feature = "bytes")]
    runs.extend([
        ("bytes/whole", (|i| bytes_tier(i, None)) as Run),
        ("bytes/4k", |i| bytes_tier(i, Some(KIB4))),
    ]);
    runs
}

/// Sizes for this bench: about 1-4 MiB per workload, so the default run stays short.
fn workloads() -> Vec<Workload> {
    vec![
        inputs::llm_tokens(20_000),
        inputs::chat(10_000),
        inputs::mib_lines(4),
        inputs::multi_line(500),
        inputs::crlf_chat(10_000),
        inputs::keepalive(10_000),
    ]
}

fn decode(c: &mut Criterion) {
    for w in workloads() {
        let expected = Tally {
            events: w.events,
            data_bytes: w.data_bytes,
        };
        let mut group = c.benchmark_group(w.name);
        group.throughput(Throughput::Bytes(w.bytes.len() as u64));
        for (id, run) in runs() {
            assert_eq!(run(&w.bytes), expected, "{}: {id} decoded wrongly", w.name);
            group.bench_function(id, |b| b.iter(|| run(black_box(&w.bytes))));
        }
        let lines = w
            .bytes
            .iter()
            .filter(|&&b| b == b'\n' || b == b'\r')
            .count();
        for (feed, chunk) in [("whole", None), ("4k", Some(KIB4))] {
            assert_eq!(memchr2_lines(&w.bytes, chunk), lines);
            group.bench_function(BenchmarkId::new("memchr2", feed), |b| {
                b.iter(|| memchr2_lines(black_box(&w.bytes), chunk))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = decode
}
criterion_main!(benches);
