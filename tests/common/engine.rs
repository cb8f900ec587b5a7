//! The three browser engines that judge the crate, each with its Debian package's binary, its
//! launch command and a fresh profile: Chromium (Blink) headless, Firefox ESR (Gecko) headless
//! with a `user.js` that turns off first-run pages, updates, telemetry and network lookups, and
//! WebKitGTK's `MiniBrowser` (WebKit) in private mode under `xvfb-run`. Each runs in its own
//! process group, killed whole when dropped. No driver: the pages they open report back to the
//! test's own server.
//!
//! Included with `#[path]` by the browser tests (`tests/browser*.rs`, `tests/e2e_browser.rs`).

#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

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
