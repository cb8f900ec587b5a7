//! A real browser's own `EventSource` against the demo server, under the same faults: Chromium
//! headless opens the demo page in test mode (`/?ticks=N&chat=M`), which reports what it saw
//! to `POST /result`. The server checks the `Last-Event-ID` headers the browser sent.
//!
//! Without Chromium (`/usr/bin/chromium` or `chromium` on `PATH`) the tests print
//! `SKIP: chromium not installed` and return; with `SSE_WIRE_REQUIRE_BROWSER=1` (set by
//! `.ci/run` once it installed Chromium) a missing browser fails instead.
#![cfg(all(feature = "bytes", feature = "std"))]

#[path = "../examples/common/sse_server.rs"]
mod sse_server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

const HARD_TIMEOUT: Duration = Duration::from_secs(60);

fn chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    if fixed.exists() {
        return Some(fixed);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.exists())
}

/// Chromium, killed (and its profile removed) when dropped.
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Browser {
    fn open(binary: &PathBuf, url: &str) -> Browser {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let profile =
            std::env::temp_dir().join(format!("sse-wire-chromium-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&profile).unwrap();
        let child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromium");
        Browser { child, profile }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Some(binary) => Some(binary),
        None if std::env::var_os("SSE_WIRE_REQUIRE_BROWSER").is_some() => {
            panic!("chromium not installed, but SSE_WIRE_REQUIRE_BROWSER is set")
        }
        None => {
            println!(
                "SKIP: chromium not installed (apt-get install chromium); browser test not run"
            );
            None
        }
    }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_event_source_reconnects_through_drops_with_every_tick_and_message_once() {
    let Some(binary) = browser_or_skip() else {
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
        let _browser = Browser::open(
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
             Chromium's EventSource; {} streams dropped, {} tick and {} chat streams opened, {} \
             resumed with the browser's Last-Event-ID; page saw {} tick opens, {} chat opens, {} \
             errors",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_event_source_resumes_ticks_across_server_restarts() {
    let Some(binary) = browser_or_skip() else {
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
        let _browser = Browser::open(&binary, &format!("http://{addr}/?ticks={TICKS}"));
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
            "e2e browser restarts: {TICKS} ticks exactly once in Chromium across {RESTARTS} server \
             kills and restarts on port {}; the browser resumed with Last-Event-ID {resumed_from:?}; \
             page saw {} opens, {} errors",
            addr.port(),
            result["tick_opens"],
            result["errors"],
        );
    })
    .await
    .expect("the browser test exceeded its hard timeout");
}
