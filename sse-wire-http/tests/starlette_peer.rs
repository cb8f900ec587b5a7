//! A third-party peer: our `EventSource` reading an `sse-starlette` (Python) server on
//! uvicorn (`tests/peers/starlette_server.py`), with its ping comments keeping a stream alive
//! past the idle timeout, its stream ends resumed with `Last-Event-ID`, and an LLM-style POST.
//!
//! Needs Python with `sse-starlette` and `uvicorn` (`.ci/run` installs them into a venv and
//! sets `SSE_WIRE_PEER_PYTHON`); without them the tests print `SKIPPED`, unless
//! `SSE_WIRE_REQUIRE_PEERS=1`, when they fail.
#![cfg(feature = "reqwest")]

use std::process::Stdio;
use std::time::Duration;

use futures_util::StreamExt;
use sse_wire_http::client::{Backoff, Error, ErrorKind, Event, EventSource};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BOUND: Duration = Duration::from_secs(30);
const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/peers/starlette_server.py"
);

fn python() -> String {
    std::env::var("SSE_WIRE_PEER_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// The peer server and its URL, or `None` (after printing SKIPPED) when Python lacks it.
async fn start_peer(test: &str) -> Option<(Child, String)> {
    let has_deps = Command::new(python())
        .args(["-c", "import sse_starlette, uvicorn"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|status| status.success());
    if !has_deps {
        if std::env::var("SSE_WIRE_REQUIRE_PEERS").as_deref() == Ok("1") {
            panic!(
                "SSE_WIRE_REQUIRE_PEERS=1 but {} cannot import sse_starlette and uvicorn",
                python()
            );
        }
        println!(
            "SKIPPED {test}: {} cannot import sse_starlette and uvicorn",
            python()
        );
        return None;
    }
    let mut child = Command::new(python())
        .arg(SCRIPT)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the peer server");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(BOUND, lines.next_line())
        .await
        .expect("the peer server started in time")
        .unwrap()
        .expect("the peer server printed its port");
    let port = line.strip_prefix("PORT ").expect("PORT <n>").to_string();
    Some((child, format!("http://127.0.0.1:{port}")))
}

async fn next(events: &mut EventSource) -> Option<Result<Event, Error>> {
    tokio::time::timeout(BOUND, events.next())
        .await
        .expect("an item in time")
}

#[tokio::test]
async fn starlette_ticks_with_pings_outlive_the_idle_timeout_and_resume_across_stream_ends() {
    let Some((_peer, url)) = start_peer("starlette ticks").await else {
        return;
    };
    const N: u64 = 7;
    // Ticks come 600 ms apart, past the 450 ms idle timeout: only the 100 ms pings keep
    // each stream alive. The server ends every stream after three ticks.
    let mut events = EventSource::builder()
        .idle_timeout(Duration::from_millis(450))
        .backoff(Backoff::new().with_initial(1).with_max(10))
        .comments(true)
        .get(format!("{url}/ticks"))
        .unwrap();
    let (mut ids, mut opens, mut pings, mut ends) = (Vec::new(), 0, 0, 0);
    let mut items = 0;
    while (ids.len() as u64) < N {
        items += 1;
        assert!(items < 10_000, "{N} ticks never came: {ids:?}");
        match next(&mut events).await.expect("the source stays open") {
            Ok(Event::Open) => opens += 1,
            Ok(Event::Comment(text)) => pings += u64::from(text.starts_with("ping - ")),
            Ok(Event::Message(message)) => {
                let n: u64 = message.last_event_id().parse().unwrap();
                assert_eq!(message.event_type(), "tick");
                let expected = if n % 3 == 0 {
                    format!("tick {n}\nsecond line")
                } else {
                    format!("tick {n}")
                };
                assert_eq!(message.data(), expected);
                ids.push(n);
            }
            Ok(other) => panic!("unexpected {other:?}"),
            Err(error) => match error.kind() {
                ErrorKind::Ended { mid_event: false } if error.will_reconnect() => ends += 1,
                _ => panic!("unexpected error: {error}"),
            },
        }
    }
    events.close();
    println!("starlette ticks: {N} ticks over {opens} streams, {ends} stream ends, {pings} pings, no idle timeout");
    assert_eq!(
        ids,
        (1..=N).collect::<Vec<_>>(),
        "every tick once, in order, across resumes"
    );
    assert_eq!(ends, (N - 1) / 3, "each stream ended after three ticks");
    assert_eq!(
        opens,
        ends + 1,
        "one open per stream: no idle-timeout reconnects"
    );
    assert!(pings >= N, "pings arrived between the ticks: {pings}");
}

/// Joins the tokens of an LLM-style stream; `Err` with the error that ended it early.
async fn llm_answer(url: &str, cut: bool) -> Result<String, String> {
    let request = reqwest::Client::new()
        .post(format!("{url}/llm{}", if cut { "?cut=1" } else { "" }))
        .header("content-type", "application/json")
        .body(r#"{"prompt": "hello brave new world"}"#);
    let mut events = EventSource::builder()
        .max_attempts(0)
        .build(request)
        .unwrap();
    let mut answer = String::new();
    for _ in 0..1_000 {
        let Some(item) = next(&mut events).await else {
            return Err("ended without an error".into());
        };
        let Event::Message(message) = item.map_err(|e| e.to_string())? else {
            continue;
        };
        if message.data() == "[DONE]" {
            return Ok(answer);
        }
        let chunk: serde_json::Value = serde_json::from_str(message.data()).unwrap();
        answer.push_str(chunk["choices"][0]["delta"]["content"].as_str().unwrap());
    }
    Err("the stream did not end".into())
}

#[tokio::test]
async fn starlette_llm_stream_is_read_to_done_and_a_cut_one_is_an_error() {
    let Some((_peer, url)) = start_peer("starlette llm").await else {
        return;
    };
    assert_eq!(
        llm_answer(&url, false).await.as_deref(),
        Ok("hello brave new world")
    );
    let cut = llm_answer(&url, true).await;
    assert_eq!(
        cut,
        Err("the stream ended; closed".to_string()),
        "no [DONE]: an error, no retry"
    );
}
