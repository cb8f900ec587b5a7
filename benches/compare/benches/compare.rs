//! sse-wire beside other SSE decoders, in one process and one run (issue 5).
//!
//! ```sh
//! cargo bench --manifest-path benches/compare/Cargo.toml --bench compare
//! SSE_COMPARE_SCALE=1.0 cargo bench ...   # the full sizes of issue 5 (default 0.1)
//! ```
//!
//! Groups are `workload/feed`; benches are implementations (`Imp::id`). Before any timing
//! every implementation's output is checked against ours (count and every event's type, data
//! and id), so a fast wrong answer cannot pass.
//!
//! Floors: groups `floor/llm_tokens/{4k,10b}` (`-- floor` runs only those) times sse-core and our owned
//! and bytes tiers beside the least work any decoder whose events own their data must do
//! (`sse_wire_compare::floor`), so the tier targets can be read against what is possible.
//!
//! Encoder comparisons: groups `encode/<workload>` (`-- encode` runs only those), N events
//! (`SSE_ENCODE_EVENTS`, default 10,000) into a reused buffer, reported in events/s; every
//! encoder's output is decoded back and checked against the source events before timing.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sse_wire_compare::encode::{self as enc, Enc};
use sse_wire_compare::floor::{self, Floor};
use sse_wire_compare::{check, inputs, reference, Feed, Imp, Touch};

/// Workload scale, relative to the sizes of issue 5: `SSE_COMPARE_SCALE` (default 0.1).
fn scale() -> f64 {
    std::env::var("SSE_COMPARE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.1)
}

fn decode(c: &mut Criterion) {
    for w in inputs::all(scale()) {
        let reference = reference(&w.bytes);
        assert_eq!(reference.len(), w.events, "{}: reference count", w.name);
        for feed in Feed::ALL {
            let mut group = c.benchmark_group(format!("{}/{}", w.name, feed.name()));
            group.throughput(Throughput::Bytes(w.bytes.len() as u64));
            for imp in Imp::ALL {
                if let Some(why) = imp.skip(w.name, feed) {
                    eprintln!("skipped {}/{}/{}: {why}", w.name, feed.name(), imp.id());
                    continue;
                }
                if let Err(error) = check(imp, &w.bytes, feed, &reference) {
                    panic!("{}: {error}", w.name);
                }
                group.bench_function(imp.id(), |b| {
                    b.iter(|| imp.run(black_box(&w.bytes), feed, &mut Touch::default()))
                });
            }
            group.finish();
        }
    }
}

/// Groups `floor/llm_tokens/{4k,10b}`: sse-core, our tiers and the floors, each checked
/// against the reference first.
fn floors(c: &mut Criterion) {
    let w = inputs::llm_tokens(((200_000.0 * scale()) as usize).max(1));
    let reference = reference(&w.bytes);
    for feed in [Feed::Chunks(4096), Feed::Chunks(10)] {
        let mut group = c.benchmark_group(format!("floor/{}/{}", w.name, feed.name()));
        group.throughput(Throughput::Bytes(w.bytes.len() as u64));
        for imp in [Imp::SseCore, Imp::OwnedFeed, Imp::Bytes, Imp::Event] {
            if let Err(error) = check(imp, &w.bytes, feed, &reference) {
                panic!("floor: {error}");
            }
            group.bench_function(imp.id(), |b| {
                b.iter(|| imp.run(black_box(&w.bytes), feed, &mut Touch::default()))
            });
        }
        for f in Floor::ALL {
            if let Err(error) = floor::check(f, &w.bytes, feed, &reference) {
                panic!("floor: {error}");
            }
            group.bench_function(f.id(), |b| {
                b.iter(|| f.run(black_box(&w.bytes), feed, &mut Touch::default()))
            });
        }
        group.finish();
    }
}

/// Events per encode iteration (`SSE_ENCODE_EVENTS`, default 10,000).
fn encode_events() -> usize {
    std::env::var("SSE_ENCODE_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

/// Groups `encode/<workload>`: N events encoded into a reused buffer (cleared per iteration),
/// throughput in events. Every encoder's output is first decoded back with `sse_wire::Decoder`
/// and checked equal to the source events.
fn encode(c: &mut Criterion) {
    for w in enc::all(encode_events()) {
        let pre = enc::pre_encoded(&w.events);
        let mut group = c.benchmark_group(format!("encode/{}", w.name));
        group.throughput(Throughput::Elements(w.events.len() as u64));
        for imp in Enc::ALL {
            if let Err(error) = enc::check(imp, &w.events, &pre) {
                panic!("encode/{}: {error}", w.name);
            }
            let mut out = enc::Out::default();
            group.bench_function(imp.id(), |b| {
                b.iter(|| imp.run(black_box(&w.events), &pre, &mut out))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1));
    targets = decode, floors, encode
}
criterion_main!(benches);
