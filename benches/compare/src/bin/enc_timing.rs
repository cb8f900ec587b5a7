//! Encoder timing that holds still on a busy machine: each encoder's fastest of N runs
//! (interleaved, so load changes hit every encoder alike) over the bench's workloads.
//!
//! ```sh
//! cargo run --release --manifest-path benches/compare/Cargo.toml --bin enc_timing -- 200
//! ```
//!
//! Prints markdown: ns per event (minimum over the runs) and the ratio of sse-stream's time to
//! each encoder's, so higher is faster, as in the criterion tables. A minimum is what the code
//! costs when nothing else runs; criterion's medians include the machine's noise.

use std::hint::black_box;
use std::time::Instant;

use sse_wire_compare::encode::{self as enc, Enc};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map_or(200, |n| n.parse().expect("runs"));
    let events = std::env::var("SSE_ENCODE_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    println!("ns per event, fastest of {runs} runs (× sse-stream's speed)\n");
    println!("| encoder | chat | llm_tokens |");
    println!("|---|---|---|");
    let mut rows = vec![String::new(); Enc::ALL.len()];
    for w in enc::all(events) {
        let pre = enc::pre_encoded(&w.events);
        let mut out = enc::Out::default();
        let mut best = [f64::MAX; Enc::ALL.len()];
        for _ in 0..runs {
            for (i, encoder) in Enc::ALL.into_iter().enumerate() {
                let start = Instant::now();
                black_box(encoder.run(black_box(&w.events), &pre, &mut out));
                best[i] = best[i].min(start.elapsed().as_secs_f64());
            }
        }
        let stream = best[Enc::ALL.iter().position(|&e| e == Enc::SseStream).unwrap()];
        for (i, b) in best.iter().enumerate() {
            let ns = b * 1e9 / w.events.len() as f64;
            rows[i] += &format!(" {ns:.1} ({:.2}×) |", stream / b);
        }
    }
    for (encoder, row) in Enc::ALL.into_iter().zip(rows) {
        println!("| {} |{row}", encoder.id());
    }
}
