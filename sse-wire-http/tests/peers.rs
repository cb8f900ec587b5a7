//! Third-party clients reading OUR server over loopback: the `eventsource` npm package (a
//! WHATWG EventSource for Node, which reconnects by itself with `Last-Event-ID`) and
//! `httpx-sse` (Python; the caller reconnects). Each connection gets at most 3 events, so both
//! resume several times; keep-alives run every 20 ms while they wait for the live events.
//!
//! A missing peer prints `SKIPPED` unless `SSE_WIRE_REQUIRE_PEERS=1` (as `.ci/run` sets once
//! it has installed them: `npm install` into `tests/peers/node_modules`, `pip install httpx
//! httpx-sse`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use common::{bounded, serve_hyper};
use futures::StreamExt;
use serde_json::{json, Value};
use sse_wire_http::server::{last_event_id, Channel, ChannelConfig, Event, KeepAlive, Sse};

/// What the room says: (type, data as sent).
const MESSAGES: [(&str, &str); 10] = [
    ("chat", "hello"),
    ("message", "two\nlines"),
    ("chat", " leading space"),
    ("chat", "unicode é ✓ 🎉"),
    ("message", "{\"json\":true}"),
    ("chat", "data: looks like a field"),
    ("chat", "with\r\ncrlf"),
    ("chat", ":colon first"),
    ("message", "x"),
    ("chat", "last"),
];

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// `Some(program)` when the peer can run; otherwise `SKIPPED` (or a failure when required).
fn peer_or_skip(name: &str, program: &str, check: &[&str]) -> Option<String> {
    let ok = std::process::Command::new(program)
        .args(check)
        .current_dir(peers_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if ok {
        return Some(program.to_string());
    }
    assert!(
        std::env::var_os("SSE_WIRE_REQUIRE_PEERS").is_none_or(|v| v != "1"),
        "{name} is required (SSE_WIRE_REQUIRE_PEERS=1) but not installed"
    );
    println!("SKIPPED: {name} is not installed");
    None
}

struct Room {
    server: common::Server,
    room: Channel,
    resumes: Arc<AtomicU64>,
}

/// A room whose connections end after 3 events (the client must resume), with `retry: 50`.
async fn room() -> Room {
    let room = Channel::with_config(ChannelConfig::new().epoch("peer"));
    let resumes = Arc::new(AtomicU64::new(0));
    let server = serve_hyper({
        let (room, resumes) = (room.clone(), resumes.clone());
        move |request: hyper::Request<hyper::body::Incoming>| {
            let (room, resumes) = (room.clone(), resumes.clone());
            async move {
                let subscription = match last_event_id(request.headers()) {
                    None => room.subscribe_with_history(),
                    Some(id) => {
                        resumes.fetch_add(1, Relaxed);
                        room.subscribe(Some(id))
                            .expect("the peer's ID is in the buffer")
                    }
                };
                Sse::new(subscription.take(3))
                    .retry(Duration::from_millis(50))
                    .keep_alive(KeepAlive::new().interval(Duration::from_millis(20)))
                    .into_response()
            }
        }
    })
    .await;
    Room {
        server,
        room,
        resumes,
    }
}

fn publish(room: &Channel, (event_type, data): (&str, &str)) {
    let event = Event::new().data(data);
    let event = if event_type == "message" {
        event
    } else {
        event.event(event_type)
    };
    room.publish(event).unwrap();
}

/// Runs the peer against the room: 6 messages before it connects, 4 more once it resumed
/// twice, 60 ms apart (keep-alives in between). Returns its JSON lines.
async fn run_peer(room: &Room, program: &str, script: &str) -> Vec<Value> {
    for message in &MESSAGES[..6] {
        publish(&room.room, *message);
    }
    let url = format!("http://{}/chat", room.server.addr);
    let child = tokio::process::Command::new(program)
        .arg(peers_dir().join(script))
        .args([url.as_str(), "10"])
        .current_dir(peers_dir())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    while room.resumes.load(Relaxed) < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for message in &MESSAGES[6..] {
        tokio::time::sleep(Duration::from_millis(60)).await;
        publish(&room.room, *message);
    }
    let output = child.wait_with_output().await.unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{script}: {:?}\n{stdout}",
        output.status
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The events as a spec-following client reports them: line breaks as LF, IDs `peer-n`.
fn expected() -> Vec<Value> {
    MESSAGES
        .iter()
        .enumerate()
        .map(|(k, (event_type, data))| {
            json!({"type": event_type, "data": data.replace("\r\n", "\n"), "id": format!("peer-{}", k + 1)})
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eventsource_npm_package_reads_every_event_once_across_its_own_reconnects() {
    let Some(node) = peer_or_skip(
        "node with the eventsource package (tests/peers/node_modules)",
        "node",
        &["--input-type=module", "-e", "import 'eventsource'"],
    ) else {
        return;
    };
    bounded("eventsource (npm)", async {
        let room = room().await;
        let lines = run_peer(&room, &node, "eventsource_reader.mjs").await;
        let events: Vec<Value> = lines
            .iter()
            .filter(|l| l.get("type").is_some())
            .cloned()
            .collect();
        assert_eq!(events, expected());
        let opens = lines.iter().filter(|l| l.get("open").is_some()).count();
        println!(
            "eventsource (npm): 10 events exactly once in order over {opens} connections, {} \
             resumed with Last-Event-ID",
            room.resumes.load(Relaxed)
        );
        assert!(opens >= 4, "{opens} opens: 3 events per connection");
        assert!(room.resumes.load(Relaxed) >= 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn httpx_sse_reads_every_event_once_resuming_with_the_last_id() {
    // The same interpreter as the sse-starlette peer's (`.ci/run` installs both in one venv).
    let program = std::env::var("SSE_WIRE_PEER_PYTHON").unwrap_or_else(|_| "python3".into());
    let Some(python) = peer_or_skip(
        "python3 with httpx-sse",
        &program,
        &["-c", "import httpx, httpx_sse"],
    ) else {
        return;
    };
    bounded("httpx-sse", async {
        let room = room().await;
        let lines = run_peer(&room, &python, "httpx_sse_reader.py").await;
        let opens: Vec<Value> = lines
            .iter()
            .filter(|l| l.get("open").is_some())
            .cloned()
            .collect();
        for open in &opens {
            assert_eq!(open["content_type"], "text/event-stream");
        }
        // httpx-sse yields the `retry` block at the start of each connection as an event with
        // empty data (a browser fires nothing for it); each carries 50.
        let (retries, events): (Vec<Value>, Vec<Value>) = lines
            .into_iter()
            .filter(|l| l.get("type").is_some())
            .partition(|l| !l["retry"].is_null());
        assert_eq!(retries.len(), opens.len());
        assert!(
            retries.iter().all(|r| r["retry"] == 50 && r["data"] == ""),
            "{retries:?}"
        );
        let events: Vec<Value> = events
            .into_iter()
            .map(|mut e| {
                e.as_object_mut().unwrap().remove("retry");
                e
            })
            .collect();
        assert_eq!(events, expected());
        println!(
            "httpx-sse: 10 events exactly once in order over {} connections, {} resumed with \
             Last-Event-ID",
            opens.len(),
            room.resumes.load(Relaxed)
        );
        assert!(opens.len() >= 4);
    })
    .await;
}
