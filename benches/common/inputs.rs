//! SSE-shaped inputs generated in code, shared by `benches/decode.rs` and `benches/compare`.
//!
//! Every workload knows how many events it fires and how many data bytes they carry, so a
//! bench can check (outside its timed loop) that a decoder got the right answer.

#![allow(dead_code)]

/// One generated input.
pub struct Workload {
    /// Short name, used in bench ids.
    pub name: &'static str,
    /// The stream.
    pub bytes: Vec<u8>,
    /// Events an `EventSource` fires for it.
    pub events: usize,
    /// Total data length of those events (lines joined with LF).
    pub data_bytes: usize,
}

impl Workload {
    fn new(name: &'static str) -> Self {
        Workload {
            name,
            bytes: Vec::new(),
            events: 0,
            data_bytes: 0,
        }
    }

    fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
    }
}

const WORDS: [&str; 16] = [
    "The",
    " quick",
    " brown",
    " fox",
    " jumps",
    " over",
    " the",
    " lazy",
    " dog",
    ".",
    "\\n",
    " Hello",
    ",",
    " world",
    "!",
    " \\\"quoted\\\"",
];

/// The events of an LLM token stream (one small JSON object per token, OpenAI style).
fn llm_event(w: &mut Workload, i: usize, eol: &str) {
    let data = llm_json(i);
    w.events += 1;
    w.data_bytes += data.len();
    w.push(format!("data: {data}{eol}{eol}").as_bytes());
}

/// The data of LLM token event `i`: `{"id":..,"choices":[{"index":0,"delta":{"content":"tok"}}]}`.
pub fn llm_json(i: usize) -> String {
    format!(
        "{{\"id\":\"chatcmpl-{:06}\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{}\"}}}}]}}",
        i % 1000,
        WORDS[i % WORDS.len()]
    )
}

/// LLM tokens: `n` events of `data: {"id":..,"choices":[{"delta":{"content":"tok"}}]}`.
pub fn llm_tokens(n: usize) -> Workload {
    let mut w = Workload::new("llm_tokens");
    for i in 0..n {
        llm_event(&mut w, i, "\n");
    }
    w.push(b"data: [DONE]\n\n");
    w.events += 1;
    w.data_bytes += 6;
    w
}

/// A chat message as JSON, about 80 bytes.
pub fn chat_json(i: usize) -> String {
    let text = WORDS[i % WORDS.len()].trim_start();
    let mut s = format!(
        "{{\"room\":\"general\",\"user\":\"user{:04}\",\"seq\":{i},\"text\":\"{text}",
        i % 7919
    );
    while s.len() < 78 {
        s.push('~');
    }
    s.push_str("\"}");
    s
}

/// The event type of chat event `i`.
pub fn chat_kind(i: usize) -> &'static str {
    if i % 10 == 9 {
        "presence"
    } else {
        "message"
    }
}

fn chat_into(w: &mut Workload, n: usize, eol: &str) {
    for i in 0..n {
        let data = chat_json(i);
        w.events += 1;
        w.data_bytes += data.len();
        let kind = chat_kind(i);
        w.push(format!("id: {i}{eol}event: {kind}{eol}data: {data}{eol}{eol}").as_bytes());
    }
}

/// Chat: `n` events, each with `id`, `event` and ~80 B of JSON `data`.
pub fn chat(n: usize) -> Workload {
    let mut w = Workload::new("chat");
    chat_into(&mut w, n, "\n");
    w
}

/// The chat workload with CRLF line ends.
pub fn crlf_chat(n: usize) -> Workload {
    let mut w = Workload::new("crlf_chat");
    chat_into(&mut w, n, "\r\n");
    w
}

/// One-MiB lines: `n` events whose single data line is 1 MiB long.
pub fn mib_lines(n: usize) -> Workload {
    let mut w = Workload::new("mib_lines");
    let mut line = Vec::with_capacity(1 << 20);
    // Base64-looking payload: no CR, LF or NUL.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x: u32 = 0x1234_5678;
    while line.len() < 1 << 20 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        line.push(alphabet[(x % 64) as usize]);
    }
    for i in 0..n {
        w.push(format!("id: {i}\ndata: ").as_bytes());
        w.push(&line);
        w.push(b"\n\n");
        w.events += 1;
        w.data_bytes += line.len();
    }
    w
}

/// Multi-line: `n` events of 50 data lines of 40 bytes each.
pub fn multi_line(n: usize) -> Workload {
    let mut w = Workload::new("multi_line");
    for i in 0..n {
        for j in 0..50 {
            // 40 bytes of value.
            let value = format!("{i:>8} | line {j:02} of a multi-line evt..");
            assert_eq!(value.len(), 40);
            w.push(b"data: ");
            w.push(value.as_bytes());
            w.push(b"\n");
        }
        w.push(b"\n");
        w.events += 1;
        w.data_bytes += 50 * 40 + 49;
    }
    w
}

/// Keep-alive heavy: a block of comments (a keep-alive a proxy-friendly server sends while
/// idle) before every LLM token event.
pub fn keepalive(n: usize) -> Workload {
    let mut w = Workload::new("keepalive");
    for i in 0..n {
        w.push(b": keep-alive\n: ping\n: ping\n\n");
        llm_event(&mut w, i, "\n");
    }
    w
}

/// The six workloads at the given scale (1.0 = the sizes of issue 5).
pub fn all(scale: f64) -> Vec<Workload> {
    let n = |full: usize| ((full as f64 * scale) as usize).max(1);
    vec![
        llm_tokens(n(200_000)),
        chat(n(100_000)),
        mib_lines(n(100)),
        multi_line(n(10_000)),
        crlf_chat(n(100_000)),
        keepalive(n(100_000)),
    ]
}

/// Splits `input` into chunks of `size` bytes (`None`: the whole input at once).
pub fn chunks(input: &[u8], size: Option<usize>) -> std::slice::Chunks<'_, u8> {
    input.chunks(size.unwrap_or(input.len()).max(1))
}
