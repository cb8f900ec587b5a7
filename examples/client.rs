//! A reconnecting SSE client: `sse_wire_http::client::EventSource` over reqwest (reconnection
//! time, backoff with jitter, `Last-Event-ID`, idle timeout; `https` with rustls). Prints each
//! event as a JSON line, like `sse2json`.
//!
//! ```text
//! cargo run --example client -- URL [--idle-timeout-ms N] [--max-events N]
//! ```
//! For example, against the demo server (`cargo run --example server --features bytes --
//! --drop-every 5`): `cargo run --example client -- http://127.0.0.1:8080/ticks
//! --idle-timeout-ms 5000 --max-events 20` prints 20 ticks, each once, in order, across the
//! drops. A summary of connections, drops and idle timeouts goes to stderr.

#[path = "common/sse_client.rs"]
mod sse_client;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("client: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut options = sse_client::Options {
        verbose: true,
        ..Default::default()
    };
    let mut url = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--idle-timeout-ms" => options.idle_timeout_ms = Some(number(&arg)?),
            "--max-events" => options.max_events = Some(number(&arg)?),
            "-h" | "--help" => {
                println!("usage: client URL [--idle-timeout-ms N] [--max-events N]");
                return Ok(());
            }
            other if url.is_none() && !other.starts_with("--") => url = Some(other.to_string()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let url = url.ok_or("usage: client URL [--idle-timeout-ms N] [--max-events N]")?;
    options.url = url.parse().map_err(|e| format!("{url}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    let outcome = runtime.block_on(sse_client::run(options, |event| {
        let line = serde_json::json!({
            "event": event.event_type(),
            "data": event.data(),
            "id": event.last_event_id(),
        });
        // A closed stdout (`| head`) ends the client.
        writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
    }));
    let stats = outcome.stats;
    eprintln!(
        "client: {} events; {} connects ({} opened), {} disconnects, {} idle timeouts, {} connect errors",
        stats.events, stats.connects, stats.opened, stats.disconnects, stats.idle_timeouts, stats.connect_errors
    );
    match outcome.closed {
        None => Ok(()),
        Some(reason) => Err(reason.to_string()),
    }
}
