//! The browser judges shared by `tests/browser.rs` (our decoder against each engine on random
//! adversarial streams) and `tests/browser_encode.rs` (streams our encoder wrote, against what
//! was encoded): a tiny HTTP server (std::net, its own threads) serving a page that opens
//! `/stream/0`, `/stream/1`, ... one after another in `EventSource`s, records every
//! `MessageEvent` until the first plain `error` (the connection closed: the page then calls
//! `es.close()`, so no reconnection happens) and POSTs it as JSON to `/result/N`.
//!
//! Three engines judge (`tests/common/engine.rs`), each driven without a driver: the page
//! reports back to this server.
//!
//! Included with `#[path]` by the browser tests only (it needs `serde_json`, which the fuzz
//! crate sharing `tests/common/mod.rs` does not have).

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

pub use crate::engine::Engine;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What an `EventSource` fired: (type, data, lastEventId).
pub type Fired = (String, String, String);
/// A small deterministic PRNG (xorshift64*), so a failing stream can be reproduced by seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick(&mut self, items: &[&'static [u8]]) -> &'static [u8] {
        items[self.below(items.len())]
    }
}

/// The page: opens the streams one after another and reports what each fired.
fn page(types: &[Vec<String>]) -> String {
    let types = serde_json::to_string(types).expect("types serialise");
    format!(
        r#"<!doctype html><meta charset="utf-8"><title>sse-wire judge</title><script>
const TYPES = {types};
async function one(i) {{
  return new Promise((resolve) => {{
    const got = [];
    const es = new EventSource('/stream/' + i);
    let done = false;
    const finish = () => {{ if (!done) {{ done = true; es.close(); resolve(got); }} }};
    const record = (e) => {{
      if (e instanceof MessageEvent) {{ got.push([e.type, e.data, e.lastEventId]); }}
      else if (e.type === 'error') {{ finish(); }}
    }};
    const seen = new Set(['message', 'error']);
    for (const t of TYPES[i]) seen.add(t);
    for (const t of seen) es.addEventListener(t, record);
    setTimeout(finish, 10000);
  }});
}}
(async () => {{
  for (let i = 0; i < TYPES.length; i++) {{
    const got = await one(i);
    await fetch('/result/' + i, {{ method: 'POST', body: JSON.stringify(got) }});
  }}
  await fetch('/done', {{ method: 'POST', body: '' }});
}})();
</script>"#
    )
}

struct Shared {
    streams: Vec<(Vec<u8>, Vec<usize>)>,
    page: String,
    results: Mutex<HashMap<usize, String>>,
    done: mpsc::Sender<()>,
}

pub fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn serve(mut conn: TcpStream, shared: &Shared) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(20)));
    let mut reader = BufReader::new(conn.try_clone().expect("clone socket"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut content_length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; content_length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    match (method, path) {
        ("GET", "/") => respond(
            &mut conn,
            "200 OK",
            "text/html; charset=utf-8",
            shared.page.as_bytes(),
        ),
        ("GET", p) if p.starts_with("/stream/") => {
            let Some((stream, cuts)) = p["/stream/".len()..]
                .parse::<usize>()
                .ok()
                .and_then(|i| shared.streams.get(i))
            else {
                return respond(&mut conn, "404 Not Found", "text/plain", b"");
            };
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
            if conn.write_all(head.as_bytes()).is_err() {
                return;
            }
            let _ = conn.set_nodelay(true);
            for piece in crate::common::tiers::chunks(stream, cuts) {
                if conn.write_all(piece).and_then(|()| conn.flush()).is_err() {
                    return;
                }
                thread::sleep(Duration::from_millis(2));
            }
            // Closing ends the stream: the page sees `error` and stops.
            let _ = conn.shutdown(std::net::Shutdown::Both);
        }
        ("POST", p) if p.starts_with("/result/") => {
            if let Ok(i) = p["/result/".len()..].parse::<usize>() {
                let text = String::from_utf8_lossy(&body).into_owned();
                shared.results.lock().expect("results").insert(i, text);
            }
            respond(&mut conn, "200 OK", "text/plain", b"ok");
        }
        ("POST", "/done") => {
            respond(&mut conn, "200 OK", "text/plain", b"ok");
            let _ = shared.done.send(());
        }
        _ => respond(&mut conn, "404 Not Found", "text/plain", b""),
    }
}

/// Accepts connections on `listener` on a thread of its own, each served by `serve` on a
/// thread of its own, until the test process ends.
pub fn spawn_server<S: Send + Sync + 'static>(
    listener: TcpListener,
    shared: Arc<S>,
    serve: fn(TcpStream, &S),
) {
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let shared = Arc::clone(&shared);
            thread::spawn(move || serve(conn, &shared));
        }
    });
}

/// A fresh profile directory for one launch of `engine` (`tag` names the test).
pub fn profile_dir(tag: &str, engine: Engine, port: u16) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "sse-wire-{tag}-{}-{}-{port}",
        engine.name().to_lowercase(),
        std::process::id()
    ))
}

/// Serves `streams` (each written in the pieces its cuts make) to the engine's `EventSource`,
/// one after another, and returns what it fired for each, and how long it took. `types[i]`
/// lists the event types stream `i` may fire besides `message` (a listener per type). Gives
/// up after `deadline`.
pub fn judge(
    engine: Engine,
    browser: &Path,
    streams: &[(Vec<u8>, Vec<usize>)],
    types: &[Vec<String>],
    deadline: Duration,
) -> (Vec<Vec<Fired>>, Duration) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let (done_tx, done_rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        streams: streams.to_vec(),
        page: page(types),
        results: Mutex::new(HashMap::new()),
        done: done_tx,
    });
    spawn_server(listener, Arc::clone(&shared), serve);
    let profile = profile_dir("judge", engine, port);
    let started = Instant::now();
    let running = engine.launch(browser, &profile, &format!("http://127.0.0.1:{port}/"));
    let finished = done_rx.recv_timeout(deadline);
    drop(running);
    assert!(
        finished.is_ok(),
        "{} did not finish the page within {deadline:?}; got {} results",
        engine.name(),
        shared.results.lock().expect("results").len()
    );

    let results = shared.results.lock().expect("results");
    let fired = (0..streams.len())
        .map(|i| {
            let json = results
                .get(&i)
                .unwrap_or_else(|| panic!("no result for stream {i}"));
            let value: serde_json::Value = serde_json::from_str(json).expect("result JSON");
            value
                .as_array()
                .expect("array")
                .iter()
                .map(|e| {
                    let field = |k: usize| e[k].as_str().expect("string").to_string();
                    (field(0), field(1), field(2))
                })
                .collect()
        })
        .collect();
    (fired, started.elapsed())
}
