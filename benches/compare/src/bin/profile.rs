//! A small driver for profilers: runs one implementation on one workload, N times.
//!
//! ```sh
//! cargo build --release --manifest-path benches/compare/Cargo.toml --bin profile
//! valgrind --tool=callgrind benches/compare/target/release/profile event chat 4k 3
//! ```
//!
//! Arguments: implementation id (`event`, `owned_decode`, `owned_feed`, `bytes`, `sse_core`,
//! `sse_stream`, `eventsource_stream`, `memchr2`), workload (`llm_tokens`, `chat`,
//! `mib_lines`, `multi_line`, `crlf_chat`, `keepalive`), feed (`whole`, `4k`, `10b`),
//! iterations. The workload scale is `SSE_COMPARE_SCALE` (default 0.1).
//!
//! Floors (`sse_wire_compare::floor`): `floor_owned`, `floor_bytes` or
//! `floor_event_plus_string` in place of the implementation; the workload is always LLM
//! tokens.
//!
//! Encoders: `enc:<encoder>` (`enc:sse_wire`, `enc:sse_stream`, `enc:russe`, `enc:memcpy`),
//! workload (`chat`, `llm_tokens`), iterations; `SSE_ENCODE_EVENTS` events (default 10,000)
//! into a reused buffer, as in the bench. Run with 0 and N iterations and subtract to get the
//! instructions per event without the setup:
//!
//! ```sh
//! valgrind --tool=callgrind benches/compare/target/release/profile enc:sse_wire chat 10
//! ```

use sse_wire_compare::encode::{self as enc, Enc};
use sse_wire_compare::floor::Floor;
use sse_wire_compare::{inputs, Feed, Imp, Touch};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(id) = args.first().and_then(|a| a.strip_prefix("enc:")) {
        return encode(id, &args[1..]);
    }
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    // A floor in place of an implementation: it only knows LLM tokens.
    let floor = Floor::ALL.into_iter().find(|f| f.id() == arg(0, ""));
    let imp = match floor {
        Some(_) => Imp::SseCore,
        None => Imp::ALL
            .into_iter()
            .find(|imp| imp.id() == arg(0, "event"))
            .expect("unknown implementation"),
    };
    let workload = if floor.is_some() {
        "llm_tokens".to_string()
    } else {
        arg(1, "chat")
    };
    let feed = Feed::ALL
        .into_iter()
        .find(|feed| feed.name() == arg(2, "4k"))
        .expect("unknown feed");
    let iterations: usize = arg(3, "3").parse().expect("iterations");
    let scale = std::env::var("SSE_COMPARE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.1);
    let n = |full: f64| ((full * scale) as usize).max(1);
    let w = match workload.as_str() {
        "llm_tokens" => inputs::llm_tokens(n(200_000.0)),
        "chat" => inputs::chat(n(100_000.0)),
        "mib_lines" => inputs::mib_lines(n(100.0)),
        "multi_line" => inputs::multi_line(n(10_000.0)),
        "crlf_chat" => inputs::crlf_chat(n(100_000.0)),
        "keepalive" => inputs::keepalive(n(100_000.0)),
        _ => panic!("unknown workload"),
    };
    let mut events = 0;
    for _ in 0..iterations {
        let touch = &mut Touch::default();
        events += match floor {
            Some(floor) => floor.run(&w.bytes, feed, touch),
            None => imp.run(&w.bytes, feed, touch),
        };
    }
    println!(
        "{} on {} ({} bytes) fed {}: {} events/iteration",
        floor.map_or(imp.name(), Floor::id),
        w.name,
        w.bytes.len(),
        feed.name(),
        events / iterations.max(1)
    );
}

/// Runs one encoder on one workload `iterations` times (arguments after `enc:<encoder>`).
fn encode(id: &str, args: &[String]) {
    let encoder = Enc::ALL
        .into_iter()
        .find(|e| e.id() == id)
        .expect("unknown encoder");
    let events = std::env::var("SSE_ENCODE_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let w = enc::all(events)
        .into_iter()
        .find(|w| w.name == args.first().map_or("chat", String::as_str))
        .expect("unknown workload");
    let iterations: usize = args
        .get(1)
        .map_or("3", String::as_str)
        .parse()
        .expect("iterations");
    let pre = enc::pre_encoded(&w.events);
    let mut out = enc::Out::default();
    let mut bytes = 0;
    for _ in 0..iterations {
        bytes = encoder.run(std::hint::black_box(&w.events), &pre, &mut out);
    }
    println!(
        "{} on {}: {} events, {bytes} bytes/iteration, {iterations} iterations",
        encoder.id(),
        w.name,
        w.events.len()
    );
}
