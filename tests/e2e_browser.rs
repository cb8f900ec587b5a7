//! Each browser engine's own `EventSource` (Chromium, Firefox, WebKit: `tests/common/engine.rs`)
//! against the demo server, under the same faults: the engine opens the demo page in test
//! mode (`/?ticks=N&chat=M`), which reports what it saw to `POST /result`. The server checks
//! the `Last-Event-ID` headers the browser sent.
//!
//! Without an engine the test prints `SKIPPED` and returns; once `.ci/run` installed it
//! (`SSE_WIRE_REQUIRE_BROWSER`, `SSE_WIRE_REQUIRE_FIREFOX`, `SSE_WIRE_REQUIRE_WEBKIT`) a missing
//! engine fails instead.
#![cfg(all(feature = "bytes", feature = "std"))]

#[path = "common/engine.rs"]
mod engine;
#[path = "../examples/common/sse_server.rs"]
mod sse_server;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use engine::Engine;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

const HARD_TIMEOUT: Duration = Duration::from_secs(60);

/// The engine's binary, or `None` after saying the test skipped (a failure instead when
/// `.ci/run` installed the engine: `SSE_WIRE_REQUIRE_BROWSER`, `_FIREFOX`, `_WEBKIT`).
fn browser_or_skip(engine: Engine) -> Option<PathBuf> {
    engine.binary_or_skip("e2e browser test")
}

/// Opens `url` in `engine` with a fresh profile; the engine is killed when the guard drops.
fn open(engine: Engine, binary: &Path, url: &str) -> engine::Running {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let profile = std::env::temp_dir().join(format!(
        "sse-wire-e2e-{}-{}-{nanos}",
        engine.name().to_lowercase(),
        std::process::id()
    ));
    engine.launch(binary, &profile, url)
}

fn start(
    addr: SocketAddr,
    config: sse_server::Config,
) -> (
    SocketAddr,
    Arc<sse_server::App>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = sse_server::bind(addr).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = sse_server::App::new(config);
    let task = sse_server::spawn(listener, app.clone());
    (addr, app, task)
}

fn ids(result: &Value, key: &str) -> Vec<u64> {
    result[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} in {result}"))
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

async fn reconnects_through_drops_with_every_tick_and_message_once(engine: Engine) {
    let Some(binary) = browser_or_skip(engine) else {
        return;
    };
    tokio::time::timeout(HARD_TIMEOUT, async {
        const TICKS: u64 = 60;
        const MESSAGES: u64 = 30;
        let config = sse_server::Config {
            interval: Duration::from_millis(20),
            keep_alive: Duration::from_millis(500),
            drop_every: Some(4),
            retry_ms: Some(50),
            results: true,
            ..Default::default()
        };
        let (addr, app, task) = start("127.0.0.1:0".parse().unwrap(), config);
        let _browser = open(
            engine,
            &binary,
            &format!("http://{addr}/?ticks={TICKS}&chat={MESSAGES}"),
        );
        // Chat while the browser is connecting, connected and reconnecting.
        let poster = tokio::spawn({
            let app = app.clone();
            async move {
                for k in 1..=MESSAGES {
                    app.post(&format!("message {k}"));
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
            }
        });
        let result: Value = serde_json::from_str(&app.next_result().await).unwrap();
        poster.await.unwrap();
        task.abort();
        assert_eq!(
            ids(&result, "ticks"),
            (1..=TICKS).collect::<Vec<_>>(),
            "{result}"
        );
        assert_eq!(
            ids(&result, "chat"),
            (1..=MESSAGES).collect::<Vec<_>>(),
            "{result}"
        );
        let stats = &app.stats;
        println!(
            "e2e browser drops: {TICKS} ticks and {MESSAGES} chat messages, each exactly once, in \
             {}'s EventSource; {} streams dropped, {} tick and {} chat streams opened, {} \
             resumed with the browser's Last-Event-ID; page saw {} tick opens, {} chat opens, {} \
             errors",
            engine.name(),
            stats.drops.load(Relaxed),
            stats.tick_streams.load(Relaxed),
            stats.chat_streams.load(Relaxed),
            stats.resumed.load(Relaxed),
            result["tick_opens"],
            result["chat_opens"],
            result["errors"],
        );
        assert!(result["tick_opens"].as_u64().unwrap() >= TICKS / 4);
        assert!(
            stats.resumed.load(Relaxed) >= TICKS / 4 - 1,
            "the browser sent Last-Event-ID"
        );
        assert_eq!(stats.resyncs.load(Relaxed), 0);
    })
    .await
    .expect("the browser test exceeded its hard timeout");
}

async fn resumes_ticks_across_server_restarts(engine: Engine) {
    let Some(binary) = browser_or_skip(engine) else {
        return;
    };
    tokio::time::timeout(HARD_TIMEOUT, async {
        const TICKS: u64 = 80;
        const RESTARTS: u64 = 2;
        let config = sse_server::Config {
            interval: Duration::from_millis(20),
            keep_alive: Duration::from_millis(500),
            retry_ms: Some(50),
            results: true,
            ..Default::default()
        };
        let (addr, mut app, mut task) = start("127.0.0.1:0".parse().unwrap(), config.clone());
        let _browser = open(engine, &binary, &format!("http://{addr}/?ticks={TICKS}"));
        let mut resumed_from = Vec::new();
        for restart in 1..=RESTARTS {
            // Let some ticks through, then kill the server and start a new one on the port.
            while app.stats.events.load(Relaxed) < 20 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            task.abort();
            let _ = (&mut task).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            (_, app, task) = start(addr, config.clone());
            while app.stats.tick_streams.load(Relaxed) == 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert_eq!(app.stats.resumed.load(Relaxed), 1, "restart {restart}: Last-Event-ID");
            resumed_from.push(app.stats.last_resume_id.load(Relaxed));
        }
        let result: Value = serde_json::from_str(&app.next_result().await).unwrap();
        task.abort();
        assert_eq!(ids(&result, "ticks"), (1..=TICKS).collect::<Vec<_>>(), "{result}");
        println!(
            "e2e browser restarts: {TICKS} ticks exactly once in {} across {RESTARTS} server \
             kills and restarts on port {}; the browser resumed with Last-Event-ID {resumed_from:?}; \
             page saw {} opens, {} errors",
            engine.name(),
            addr.port(),
            result["tick_opens"],
            result["errors"],
        );
    })
    .await
    .expect("the browser test exceeded its hard timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_event_source_reconnects_through_drops_with_every_tick_and_message_once() {
    reconnects_through_drops_with_every_tick_and_message_once(Engine::Chromium).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_event_source_reconnects_through_drops_with_every_tick_and_message_once() {
    reconnects_through_drops_with_every_tick_and_message_once(Engine::Firefox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webkit_event_source_reconnects_through_drops_with_every_tick_and_message_once() {
    reconnects_through_drops_with_every_tick_and_message_once(Engine::WebKit).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_event_source_resumes_ticks_across_server_restarts() {
    resumes_ticks_across_server_restarts(Engine::Chromium).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_event_source_resumes_ticks_across_server_restarts() {
    resumes_ticks_across_server_restarts(Engine::Firefox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webkit_event_source_resumes_ticks_across_server_restarts() {
    resumes_ticks_across_server_restarts(Engine::WebKit).await;
}
