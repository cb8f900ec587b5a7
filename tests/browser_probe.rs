//! Targeted probes of what the browser tests' single connections cannot see: what each
//! engine sends as `Last-Event-ID` when it reconnects, and how long it waits for a `retry`.
//!
//! Each probe serves a short stream on `/probe/N` and closes the connection; the engine's
//! `EventSource` reconnects, the server records the reconnection's `Last-Event-ID` header (raw,
//! as the bytes came) and the time since the close, and answers 204, which closes the
//! `EventSource` for good. The page runs the probes one after another and reports when each
//! is done (or after a bound, when no reconnection came).
//!
//! Asserted: the `Last-Event-ID` each engine sends, the spec's value except where the
//! engine's known deviation says otherwise (named below). Printed, not asserted (no timed
//! assertions): the measured reconnection delays, which the README's conformance table
//! summarises.
#![cfg(feature = "alloc")]

mod common;
#[path = "common/engine.rs"]
mod engine;
#[path = "common/browser.rs"]
mod judge;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use judge::Engine;

/// A probe: its name and the stream its first connection serves.
const PROBES: &[(&str, &[u8])] = &[
    ("id on an event", b"retry: 1000\nid: 1\ndata: a\n\n"),
    (
        "id-only block after an event",
        b"retry: 1000\nid: 1\ndata: a\n\nid: 2\n\n",
    ),
    ("id-only block first", b"retry: 1000\nid: 2\n\n"),
    (
        "empty id-only block",
        b"retry: 1000\nid: 1\ndata: a\n\nid\n\n",
    ),
    (
        "id with spaces and tabs",
        b"retry: 1000\nid: \t 7 \t\ndata: a\n\n",
    ),
    ("retry: 0", b"retry: 0\ndata: a\n\n"),
    ("retry: 100", b"retry: 100\ndata: a\n\n"),
    ("retry: (empty)", b"retry:\ndata: a\n\n"),
    ("retry: 4294968296", b"retry: 4294968296\ndata: a\n\n"),
    (
        "retry: 99999999999999999999",
        b"retry: 99999999999999999999\ndata: a\n\n",
    ),
    ("retry: +1500", b"retry: +1500\ndata: a\n\n"),
    ("retry: ' 1500 '", b"retry:  1500 \ndata: a\n\n"),
    ("no retry (the default)", b"data: a\n\n"),
];

/// How long the page waits for a reconnection before giving up on a probe, in ms.
const WAIT_MS: u64 = 6500;

/// What the server saw for one probe.
#[derive(Debug, Default, Clone)]
struct Seen {
    closed: Option<Instant>,
    /// The reconnection: its raw `Last-Event-ID` header value (None: no header) and delay.
    reconnect: Option<(Option<Vec<u8>>, Duration)>,
}

struct Shared {
    seen: Mutex<HashMap<usize, Seen>>,
    done: mpsc::Sender<()>,
}

fn page() -> String {
    format!(
        r#"<!doctype html><meta charset="utf-8"><title>sse-wire probe</title><script>
function one(i) {{
  return new Promise((resolve) => {{
    const es = new EventSource('/probe/' + i);
    let done = false;
    const finish = () => {{ if (!done) {{ done = true; es.close(); resolve(); }} }};
    es.onerror = () => {{ if (es.readyState === EventSource.CLOSED) finish(); }};
    setTimeout(finish, {WAIT_MS});
  }});
}}
(async () => {{
  for (let i = 0; i < {}; i++) await one(i);
  await fetch('/done', {{ method: 'POST', body: '' }});
}})();
</script>"#,
        PROBES.len()
    )
}

fn serve(mut conn: TcpStream, shared: &Shared) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(20)));
    let mut reader = BufReader::new(conn.try_clone().expect("clone socket"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut last_event_id = None;
    loop {
        let mut header = Vec::new();
        if reader.read_until(b'\n', &mut header).is_err() || header.trim_ascii().is_empty() {
            break;
        }
        let header = header.strip_suffix(b"\r\n").unwrap_or(&header);
        if let Some(colon) = header.iter().position(|&b| b == b':') {
            if header[..colon].eq_ignore_ascii_case(b"last-event-id") {
                // The raw value: only the separator's one space removed.
                let value = &header[colon + 1..];
                last_event_id = Some(value.strip_prefix(b" ").unwrap_or(value).to_vec());
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    match (method, path) {
        ("GET", "/") => judge::respond(
            &mut conn,
            "200 OK",
            "text/html; charset=utf-8",
            page().as_bytes(),
        ),
        ("GET", p) if p.starts_with("/probe/") => {
            let Some(i) = p["/probe/".len()..]
                .parse::<usize>()
                .ok()
                .filter(|&i| i < PROBES.len())
            else {
                return judge::respond(&mut conn, "404 Not Found", "text/plain", b"");
            };
            let first = {
                let mut seen = shared.seen.lock().expect("seen");
                let entry = seen.entry(i).or_default();
                match entry.closed {
                    None => true,
                    Some(closed) => {
                        entry
                            .reconnect
                            .get_or_insert((last_event_id, closed.elapsed()));
                        false
                    }
                }
            };
            if !first {
                // 204 No Content: the EventSource fails for good, no more reconnections.
                return judge::respond(&mut conn, "204 No Content", "text/plain", b"");
            }
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(PROBES[i].1);
            let _ = conn.flush();
            // Give the engine the events before the close, then close.
            thread::sleep(Duration::from_millis(100));
            let _ = conn.shutdown(std::net::Shutdown::Both);
            shared
                .seen
                .lock()
                .expect("seen")
                .entry(i)
                .or_default()
                .closed = Some(Instant::now());
        }
        ("POST", "/done") => {
            judge::respond(&mut conn, "200 OK", "text/plain", b"ok");
            let _ = shared.done.send(());
        }
        _ => judge::respond(&mut conn, "404 Not Found", "text/plain", b""),
    }
}

/// Runs every probe on `engine`; returns what the server saw per probe.
fn run(engine: Engine) -> Option<Vec<Seen>> {
    let browser = engine.binary_or_skip("browser probe")?;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("address").port();
    let (done, finished) = mpsc::channel();
    let shared = Arc::new(Shared {
        seen: Mutex::new(HashMap::new()),
        done,
    });
    judge::spawn_server(listener, Arc::clone(&shared), serve);
    let profile = judge::profile_dir("probe", engine, port);
    let running = engine.launch(&browser, &profile, &format!("http://127.0.0.1:{port}/"));
    let deadline = Duration::from_millis(WAIT_MS * PROBES.len() as u64 + 60_000);
    let result = finished.recv_timeout(deadline);
    drop(running);
    assert!(
        result.is_ok(),
        "{} did not finish the probes",
        engine.name()
    );
    let seen = shared.seen.lock().expect("seen");
    Some(
        (0..PROBES.len())
            .map(|i| seen.get(&i).cloned().unwrap_or_default())
            .collect(),
    )
}

/// The `Last-Event-ID` the spec sends for each of the first five probes (the ones about IDs),
/// and what each engine sends where it deviates.
fn expected_last_event_id(engine: Engine, probe: usize) -> Option<&'static [u8]> {
    let spec: [Option<&'static [u8]>; 5] = [
        Some(b"1"),
        Some(b"2"),
        Some(b"2"),
        // The last event ID is the empty string: the spec sends no header.
        None,
        Some(b"\t 7 \t"),
    ];
    match (engine, probe) {
        // Firefox and WebKit send the ID of the last event that fired: an ID-only block does
        // not move the resume point.
        (Engine::Firefox | Engine::WebKit, 1) => Some(b"1"),
        (Engine::Firefox | Engine::WebKit, 2) => None,
        (Engine::Firefox | Engine::WebKit, 3) => Some(b"1"),
        // Chromium trims spaces and tabs from the value it sends.
        (Engine::Chromium, 4) => Some(b"7"),
        _ => spec[probe],
    }
}

fn probe(engine: Engine) {
    let Some(seen) = run(engine) else { return };
    let mut wrong = Vec::new();
    println!("probe: {} reconnections", engine.name());
    for (i, ((name, stream), seen)) in PROBES.iter().zip(&seen).enumerate() {
        let (header, delay) = match &seen.reconnect {
            Some((header, delay)) => (
                header.as_ref().map_or("(none)".to_string(), |h| {
                    format!("{:?}", String::from_utf8_lossy(h))
                }),
                format!("{} ms", delay.as_millis()),
            ),
            None => ("-".to_string(), format!("none within {WAIT_MS} ms")),
        };
        println!(
            "probe:   {name:32} {:48} Last-Event-ID {header:10} reconnected after {delay}",
            format!("{:?}", String::from_utf8_lossy(stream))
        );
        if i < 5 {
            let want = expected_last_event_id(engine, i);
            let got = seen.reconnect.as_ref().map(|(h, _)| h.as_deref());
            if got != Some(want) {
                wrong.push(format!(
                    "{name}: sent {got:?}, expected {want:?} (None inside: no header)"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} sent another Last-Event-ID:\n{}",
        engine.name(),
        wrong.join("\n")
    );
}

#[test]
fn chromium_reconnections() {
    probe(Engine::Chromium);
}

#[test]
fn firefox_reconnections() {
    probe(Engine::Firefox);
}

#[test]
fn webkit_reconnections() {
    probe(Engine::WebKit);
}
