//! A real browser as the judge: random adversarial streams, served over TCP on 127.0.0.1 in
//! small, randomly cut writes, must make Chromium's `EventSource` fire exactly the events our
//! decoder produces (type, data, lastEventId).
//!
//! Runs when Chromium is installed (`/usr/bin/chromium`, or the path in `SSE_WIRE_CHROMIUM`);
//! `.ci/run` installs Debian's `chromium`. Without it the test prints that it skipped. It
//! installs nothing itself.
//!
//! How: a tiny HTTP server (std::net, its own threads) serves a page that opens
//! `/stream/0`, `/stream/1`, ... one after another. For each stream the page records every
//! `MessageEvent` until the first plain `error` event (the connection closed: the page then
//! calls `es.close()`, so the automatic reconnect never happens), and POSTs what it recorded
//! as JSON to `/result/N`. Chromium runs headless with a fresh profile and is killed at the end.
//!
//! Known deviation (Chromium), normalised exactly and counted: see [`chromium_bom_deviation`].
//! Our decoder is held to the spec (the reference decoder) on every stream regardless.
#![cfg(feature = "alloc")]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::reference;
use sse_wire::{Decoder, Item, Status};

/// How many streams one browser session compares.
const STREAMS: usize = 240;
/// The whole test gives up after this long (a hung browser must not hang CI).
const DEADLINE: Duration = Duration::from_secs(180);

/// What an `EventSource` fired: (type, data, lastEventId).
type Fired = (String, String, String);

/// A small deterministic PRNG (xorshift64*), so a failing stream can be reproduced by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick(&mut self, items: &[&'static [u8]]) -> &'static [u8] {
        items[self.below(items.len())]
    }
}

const TEXTS: &[&[u8]] = &[
    b"",
    b"hello",
    b" leading space",
    b"  two spaces",
    b"a:b: c",
    b"x",
    b"{\"token\":\"hi\"}",
    "h\u{e9}llo \u{1F600}".as_bytes(),
    b"nul\0inside",
    b"bad \xFF utf8",
    b"cut \xE2\x82",
    b"surrogate \xED\xA0\x80",
    b"\xEF\xBB\xBFbom in value",
    b"tab\there",
];
const TYPES: &[&[u8]] = &[
    b"",
    b"message",
    b"add",
    b"tick",
    b"a b",
    b"\xC3\xA9",
    b"error",
    b"open",
    b"x\xFFy",
];
const TERMINATORS: &[&[u8]] = &[b"\n", b"\r", b"\r\n"];

/// One random adversarial stream.
fn random_stream(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.below(5) == 0 {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let lines = rng.below(24);
    for _ in 0..lines {
        match rng.below(16) {
            0..=4 => {
                out.extend_from_slice(rng.pick(&[&b"data: "[..], b"data:", b"data"]));
                out.extend_from_slice(rng.pick(TEXTS));
            }
            5 => {
                out.extend_from_slice(b"event: ");
                out.extend_from_slice(rng.pick(TYPES));
            }
            6 => {
                out.extend_from_slice(rng.pick(&[&b"id: "[..], b"id:", b"id"]));
                out.extend_from_slice(rng.pick(TEXTS));
            }
            7 => {
                out.extend_from_slice(b"retry: ");
                out.extend_from_slice(rng.pick(&[
                    &b"1000"[..],
                    b"x",
                    b"",
                    b"99999999999999999999",
                ]));
            }
            8 => {
                out.push(b':');
                out.extend_from_slice(rng.pick(TEXTS));
            }
            9 => out.extend_from_slice(rng.pick(&[
                &b"foo: bar"[..],
                b"data : no",
                b"DATA: no",
                b" data: no",
            ])),
            10 => {
                // Garbage without line breaks.
                for _ in 0..rng.below(6) {
                    let b = rng.next() as u8;
                    if b != b'\r' && b != b'\n' {
                        out.push(b);
                    }
                }
            }
            11 => out.extend_from_slice(b"\xEF\xBB\xBF"),
            _ => {} // a blank line
        }
        out.extend_from_slice(rng.pick(TERMINATORS));
    }
    // Sometimes an unterminated tail, which must be discarded.
    if rng.below(4) == 0 {
        out.extend_from_slice(b"data: tail");
    }
    out
}

/// Cut points for the TCP writes: random, and right after every CR at least sometimes.
fn random_cuts(rng: &mut Rng, stream: &[u8]) -> Vec<usize> {
    let mut cuts = BTreeSet::new();
    for _ in 0..rng.below(6) {
        cuts.insert(rng.below(stream.len() + 1));
    }
    for (i, &b) in stream.iter().enumerate() {
        if (b == b'\r' || i < 3) && rng.below(3) == 0 {
            cuts.insert(i + 1);
        }
    }
    cuts.into_iter().collect()
}

/// What our owned decoder fires for the stream delivered in these pieces.
fn decode(stream: &[u8], cuts: &[usize]) -> Vec<Fired> {
    let mut decoder = Decoder::new();
    let mut fired = Vec::new();
    let mut buffer = Vec::new();
    for piece in common::tiers::chunks(stream, cuts) {
        buffer.extend_from_slice(piece);
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&buffer[start..]).expect("default limits");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Item::Event(event)) => fired.push((
                    event.event_type().to_string(),
                    event.data().to_string(),
                    event.last_event_id().to_string(),
                )),
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        buffer.drain(..start);
    }
    fired
}

fn reference_fired(stream: &[u8]) -> Vec<Fired> {
    reference::decode(stream)
        .events()
        .into_iter()
        .map(|observed| match observed {
            reference::Observed::Event {
                event_type,
                data,
                last_event_id,
            } => (event_type, data, last_event_id),
            _ => unreachable!("events only"),
        })
        .collect()
}

/// **Chromium deviation: a line break right after the leading BOM is not a line break.**
///
/// Spec ("Interpreting an event stream" decodes the stream with *UTF-8 decode*, which strips
/// one leading BOM, and only then splits lines on CRLF, LF or CR): in `BOM LF id: 1 LF`, the
/// LF is an empty line and `id: 1` is a field. Chromium's `EventSourceParser::AddBytes`
/// recognises the BOM when it looks at the byte after it, then `continue`s past that byte
/// without checking it for a line break: a CR or LF there becomes the first byte of the first
/// line, whose field name then starts with it and is ignored (`id: 1` above is lost; Chromium
/// drops the line break *and* the line after it). So Chromium reads such a stream as the spec
/// reads it with that byte replaced by an ordinary byte (`-`), which makes the line an
/// ignored field just the same. Returns that replacement, when the stream has the pattern.
fn chromium_bom_deviation(stream: &[u8]) -> Option<Vec<u8>> {
    let rest = stream.strip_prefix(b"\xEF\xBB\xBF")?;
    if !rest.starts_with(b"\r") && !rest.starts_with(b"\n") {
        return None;
    }
    let mut adjusted = stream.to_vec();
    adjusted[3] = b'-';
    Some(adjusted)
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

/// Every event type a stream could fire: every `event` field value, and what we decoded.
fn candidate_types(stream: &[u8], ours: &[Fired]) -> Vec<String> {
    let mut types: BTreeSet<String> = ours.iter().map(|(t, _, _)| t.clone()).collect();
    for line in stream.split(|&b| b == b'\r' || b == b'\n') {
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if let Some(value) = line.strip_prefix(b"event:") {
            let value = value.strip_prefix(b" ").unwrap_or(value);
            types.insert(String::from_utf8_lossy(value).into_owned());
        }
    }
    types.into_iter().filter(|t| !t.is_empty()).collect()
}

struct Shared {
    streams: Vec<(Vec<u8>, Vec<usize>)>,
    page: String,
    results: Mutex<HashMap<usize, String>>,
    done: mpsc::Sender<()>,
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
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
            for piece in common::tiers::chunks(stream, cuts) {
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

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("SSE_WIRE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

#[test]
fn chromium_event_source_agrees_with_the_decoder() {
    let Some(browser) = chromium() else {
        // `.ci/run` sets this once it has installed Chromium: then a skip would hide a bug.
        assert!(
            std::env::var_os("SSE_WIRE_REQUIRE_BROWSER").is_none(),
            "SSE_WIRE_REQUIRE_BROWSER is set but no Chromium was found"
        );
        println!(
            "SKIPPED browser test: no Chromium at /usr/bin/chromium (set SSE_WIRE_CHROMIUM, or \
             apt-get install -y chromium)"
        );
        eprintln!("SKIPPED browser test: Chromium not installed");
        return;
    };

    let seed = std::env::var("SSE_WIRE_BROWSER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2026_u64);
    let mut rng = Rng(seed | 1);
    let mut streams = Vec::new();
    let mut types = Vec::new();
    let mut expected = Vec::new();
    for _ in 0..STREAMS {
        let stream = random_stream(&mut rng);
        let cuts = random_cuts(&mut rng, &stream);
        let ours = decode(&stream, &cuts);
        // Our decoder follows the spec, whatever the browser does.
        assert_eq!(
            ours,
            reference_fired(&stream),
            "decoder != reference on {stream:?}"
        );
        types.push(candidate_types(&stream, &ours));
        expected.push(ours);
        streams.push((stream, cuts));
    }

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let (done_tx, done_rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        streams: streams.clone(),
        page: page(&types),
        results: Mutex::new(HashMap::new()),
        done: done_tx,
    });
    {
        let shared = Arc::clone(&shared);
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let shared = Arc::clone(&shared);
                thread::spawn(move || serve(conn, &shared));
            }
        });
    }

    let profile =
        std::env::temp_dir().join(format!("sse-wire-chromium-{}-{}", std::process::id(), port));
    std::fs::create_dir_all(&profile).expect("profile dir");
    let started = Instant::now();
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("http://127.0.0.1:{port}/"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let finished = done_rx.recv_timeout(DEADLINE);
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        finished.is_ok(),
        "the page did not finish within {DEADLINE:?}; got {} results",
        shared.results.lock().expect("results").len()
    );

    let results = shared.results.lock().expect("results");
    let mut compared = 0;
    let mut deviating = 0;
    for (i, ((stream, cuts), ours)) in streams.iter().zip(&expected).enumerate() {
        let json = results
            .get(&i)
            .unwrap_or_else(|| panic!("no result for stream {i}"));
        let value: serde_json::Value = serde_json::from_str(json).expect("result JSON");
        let fired: Vec<Fired> = value
            .as_array()
            .expect("array")
            .iter()
            .map(|e| {
                let field = |k: usize| e[k].as_str().expect("string").to_string();
                (field(0), field(1), field(2))
            })
            .collect();
        let judged = match chromium_bom_deviation(stream) {
            Some(adjusted) if fired != *ours => {
                deviating += 1;
                reference_fired(&adjusted)
            }
            _ => ours.clone(),
        };
        assert_eq!(
            fired,
            judged,
            "stream {i} (seed {seed:#x}) {:?} cut at {cuts:?}: Chromium fired something else",
            String::from_utf8_lossy(stream)
        );
        compared += 1;
    }
    println!(
        "browser: {compared} streams compared with Chromium ({deviating} differed only by the \
         known BOM + line break deviation) in {:.1?}",
        started.elapsed()
    );
    assert_eq!(compared, STREAMS);
}
