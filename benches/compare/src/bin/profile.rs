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

use sse_wire_compare::{inputs, Feed, Imp, Touch};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let imp = Imp::ALL
        .into_iter()
        .find(|imp| imp.id() == arg(0, "event"))
        .expect("unknown implementation");
    let workload = arg(1, "chat");
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
        events += imp.run(&w.bytes, feed, &mut Touch::default());
    }
    println!(
        "{} on {} ({} bytes) fed {}: {} events/iteration",
        imp.name(),
        w.name,
        w.bytes.len(),
        feed.name(),
        events / iterations.max(1)
    );
}
