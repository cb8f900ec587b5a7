//! The browser judges shared by `tests/browser.rs` (our decoder against each engine on random
//! adversarial streams) and `tests/browser_encode.rs` (streams our encoder wrote, against what
//! was encoded): a tiny HTTP server (std::net, its own threads) serving a page that opens
//! `/stream/0`, `/stream/1`, ... one after another in `EventSource`s, records every
//! `MessageEvent` until the first plain `error` (the connection closed: the page then calls
//! `es.close()`, so no reconnection happens) and POSTs it as JSON to `/result/N`.
//!
//! Three engines judge, each driven without a driver (the page reports back to the test's own
//! server): Chromium (Blink) headless, Firefox ESR (Gecko) headless with a fresh profile whose
//! `user.js` turns off first-run pages, updates, telemetry and network lookups, and WebKitGTK's
//! `MiniBrowser` (WebKit) in private mode under `xvfb-run`. Each runs in its own process group,
//! killed whole at the end.
//!
//! Included with `#[path]` by the browser tests only (it needs `serde_json`, which the fuzz
//! crate sharing `tests/common/mod.rs` does not have).

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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

/// A browser engine that judges, with its Debian package's binary and launch command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Blink, Debian's `chromium`.
    Chromium,
    /// Gecko, Debian's `firefox-esr`.
    Firefox,
    /// WebKit, WebKitGTK's `MiniBrowser` (Debian's `libwebkit2gtk-4.1-0`) under `xvfb-run`.
    WebKit,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKit",
        }
    }

    /// (variable naming another binary, the Debian binary, the package, the variable that
    /// makes a missing engine a failure).
    fn install(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Engine::Chromium => (
                "SSE_WIRE_CHROMIUM",
                "/usr/bin/chromium",
                "chromium",
                "SSE_WIRE_REQUIRE_BROWSER",
            ),
            Engine::Firefox => (
                "SSE_WIRE_FIREFOX",
                "/usr/bin/firefox-esr",
                "firefox-esr",
                "SSE_WIRE_REQUIRE_FIREFOX",
            ),
            Engine::WebKit => (
                "SSE_WIRE_MINIBROWSER",
                "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
                "libwebkit2gtk-4.1-0 xvfb",
                "SSE_WIRE_REQUIRE_WEBKIT",
            ),
        }
    }

    /// The engine's binary, when installed (and for WebKit, `xvfb-run` too).
    pub fn binary(self) -> Option<PathBuf> {
        let (var, fixed, _, _) = self.install();
        let path = std::env::var_os(var).map_or_else(|| PathBuf::from(fixed), PathBuf::from);
        let display = self != Engine::WebKit || Path::new("/usr/bin/xvfb-run").exists();
        (path.exists() && display).then_some(path)
    }

    /// The binary, or `None` after saying the test skipped. `SSE_WIRE_REQUIRE_BROWSER`,
    /// `SSE_WIRE_REQUIRE_FIREFOX` and `SSE_WIRE_REQUIRE_WEBKIT` (set by `.ci/run` once it has
    /// installed the engine) make a missing engine a failure instead.
    pub fn binary_or_skip(self, what: &str) -> Option<PathBuf> {
        let (var, fixed, package, require) = self.install();
        let binary = self.binary();
        if binary.is_none() {
            assert!(
                std::env::var_os(require).is_none(),
                "{require} is set but {} was not found at {fixed} (or {var})",
                self.name()
            );
            println!(
                "SKIPPED {what} on {}: not installed at {fixed} (set {var}, or \
                 apt-get install -y {package})",
                self.name()
            );
            eprintln!("SKIPPED {what} on {}: not installed", self.name());
        }
        binary
    }

    /// Starts the engine on `url` with a fresh profile in `profile`, in its own process group.
    pub fn launch(self, binary: &Path, profile: &Path, url: &str) -> Running {
        std::fs::create_dir_all(profile).expect("profile dir");
        let mut command = match self {
            Engine::Chromium => {
                let mut command = Command::new(binary);
                command
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
                    .arg(format!("--user-data-dir={}", profile.display()));
                command
            }
            Engine::Firefox => {
                std::fs::write(profile.join("user.js"), FIREFOX_USER_JS).expect("user.js");
                let mut command = Command::new(binary);
                command
                    .args(["--headless", "--no-remote", "--profile"])
                    .arg(profile)
                    .env("MOZ_CRASHREPORTER_DISABLE", "1");
                command
            }
            Engine::WebKit => {
                let mut command = Command::new("/usr/bin/xvfb-run");
                command
                    .args(["-a", "-s", "-nolisten tcp -screen 0 800x600x24"])
                    .arg(binary)
                    .arg("--private")
                    // Its caches and data go to the throwaway directory, not $HOME.
                    .env("HOME", profile)
                    .env("XDG_CACHE_HOME", profile.join("cache"))
                    .env("XDG_DATA_HOME", profile.join("data"))
                    .env("XDG_CONFIG_HOME", profile.join("config"))
                    .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
                command
            }
        };
        let child = command
            .arg(url)
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.name()));
        Running {
            child,
            profile: profile.to_path_buf(),
        }
    }
}

/// Firefox profile preferences: no first-run or what's-new pages, no updates, telemetry,
/// safe-browsing, captive-portal or connectivity lookups, no remote settings; nothing but the
/// test's own server is contacted.
const FIREFOX_USER_JS: &str = r#"
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.startup.page", 0);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.sessionstore.resume_from_crash", false);
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.normandy.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.firstRunURL", "");
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.server", "");
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.provider.google4.updateURL", "");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("services.settings.server", "http://127.0.0.1:9/");
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.discovery.enabled", false);
user_pref("dom.max_script_run_time", 0);
"#;

/// A running engine: its whole process group is killed, and its profile removed, on drop.
pub struct Running {
    child: Child,
    profile: PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        // The group holds the engine's helpers (and for WebKit, xvfb-run's Xvfb).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
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

    let profile = std::env::temp_dir().join(format!(
        "sse-wire-{}-{}-{port}",
        engine.name().to_lowercase(),
        std::process::id()
    ));
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
