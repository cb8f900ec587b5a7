//! The classic SSE demo, made real with this crate: a ticking clock with stateless resumption,
//! a chat room with a replay buffer, keep-alive comments, and a page whose `EventSource`s show
//! both. hyper 1.x on tokio.
//!
//! ```text
//! cargo run --example server --features bytes -- [--addr 127.0.0.1:8080] [--interval-ms 1000]
//!     [--keep-alive-ms 15000] [--retry-ms 1000] [--drop-every N] [--silence-after N]
//! ```
//! Then open <http://127.0.0.1:8080/>, or `curl -N localhost:8080/ticks`, or
//! `curl -d 'hello' localhost:8080/chat`. `--drop-every N` aborts each stream after N events
//! (halfway through the next one); `--silence-after N` goes silent, socket open, after N
//! events: faults to watch clients recover from.

#[path = "common/sse_server.rs"]
mod sse_server;

use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("server: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut addr = "127.0.0.1:8080".to_string();
    let mut config = sse_server::Config {
        retry_ms: Some(1000),
        ..Default::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<String, String> {
            args.next().ok_or_else(|| format!("{name} needs a value"))
        };
        let mut number = |name: &str| -> Result<u64, String> {
            value(name)?
                .parse()
                .map_err(|_| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--addr" => addr = value("--addr")?,
            "--interval-ms" => config.interval = Duration::from_millis(number(&arg)?.max(1)),
            "--keep-alive-ms" => config.keep_alive = Duration::from_millis(number(&arg)?.max(1)),
            "--retry-ms" => config.retry_ms = Some(number(&arg)?),
            "--drop-every" => config.drop_every = Some(number(&arg)?.max(1)),
            "--silence-after" => config.silence_after = Some(number(&arg)?),
            "-h" | "--help" => {
                println!(
                    "usage: server [--addr 127.0.0.1:8080] [--interval-ms 1000] \
                     [--keep-alive-ms 15000] [--retry-ms 1000] [--drop-every N] [--silence-after N]"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let addr = addr.parse().map_err(|e| format!("--addr {addr}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = sse_server::bind(addr).map_err(|e| format!("binding {addr}: {e}"))?;
        let app = sse_server::App::new(config);
        eprintln!(
            "server: listening on http://{}/ (GET /ticks, GET /chat, POST /chat)",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        let stats = app.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(10));
            every.tick().await;
            loop {
                every.tick().await;
                let s = &stats.stats;
                eprintln!(
                    "server: {} open streams; {} tick and {} chat streams, {} resumed, {} events, \
                     {} keep-alives, {} drops, {} silences, {} resyncs",
                    s.open_streams.load(Relaxed),
                    s.tick_streams.load(Relaxed),
                    s.chat_streams.load(Relaxed),
                    s.resumed.load(Relaxed),
                    s.events.load(Relaxed),
                    s.keep_alives.load(Relaxed),
                    s.drops.load(Relaxed),
                    s.silences.load(Relaxed),
                    s.resyncs.load(Relaxed),
                );
            }
        });
        sse_server::serve(listener, app)
            .await
            .map_err(|e| format!("accepting: {e}"))
    })
}
