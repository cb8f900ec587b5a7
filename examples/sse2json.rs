//! Decodes a `text/event-stream` from stdin and prints one JSON object per line:
//! `{"event":…,"data":…,"id":…}` per dispatched event, `{"retry":ms}` per accepted `retry`,
//! and `{"last_event_id":…}` once at the end.
//!
//! ```text
//! cargo run --release --example sse2json -- [--chunk N] [--max-event-bytes N] < examples/llm.sse
//! ```
//! `--chunk N` feeds the decoder N bytes at a time (0 or absent: as read), to show that the
//! output does not depend on the chunking.

use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use sse_wire::{Decoder, Item, Limits, Status};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sse2json: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut chunk_size = 0usize;
    let mut max_event = 1usize << 30;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--chunk" => chunk_size = value("--chunk")?,
            "--max-event-bytes" => max_event = value("--max-event-bytes")?,
            "-h" | "--help" => {
                println!("usage: sse2json [--chunk N] [--max-event-bytes N] < stream");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let limits = Limits::new()
        .with_max_line_len(max_event)
        .with_max_event_len(max_event);
    let mut decoder = Decoder::with_limits(limits);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut stdin = io::stdin().lock();
    let mut read_buf = vec![0u8; 64 * 1024];
    // The bytes not consumed yet: at most one partial line.
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let n = stdin
            .read(&mut read_buf)
            .map_err(|e| format!("reading stdin: {e}"))?;
        if n == 0 {
            break;
        }
        let step = if chunk_size == 0 { n } else { chunk_size };
        for piece in read_buf[..n].chunks(step) {
            pending.extend_from_slice(piece);
            let mut start = 0;
            loop {
                match decoder.decode(&pending[start..]) {
                    Ok(decoded) => {
                        start += decoded.consumed;
                        match decoded.status {
                            Status::Complete(item) => print_item(&mut out, &item)?,
                            Status::Partial => break,
                        }
                    }
                    Err(error) => eprintln!("sse2json: {error} (event skipped)"),
                }
            }
            pending.drain(..start);
        }
    }
    decoder.finish();
    writeln!(
        out,
        "{{\"last_event_id\":{}}}",
        json(decoder.last_event_id())
    )
    .map_err(io_error)?;
    out.flush().map_err(io_error)
}

fn print_item(out: &mut impl Write, item: &Item<sse_wire::Event, &[u8]>) -> Result<(), String> {
    match item {
        Item::Event(event) => writeln!(
            out,
            "{{\"event\":{},\"data\":{},\"id\":{}}}",
            json(event.event_type()),
            json(event.data()),
            json(event.last_event_id())
        ),
        Item::Retry(ms) => writeln!(out, "{{\"retry\":{ms}}}"),
        _ => Ok(()),
    }
    .map_err(io_error)
}

fn io_error(error: io::Error) -> String {
    format!("writing stdout: {error}")
}

/// A JSON string literal, escaped by serde_json.
fn json(text: &str) -> serde_json::Value {
    serde_json::Value::from(text)
}
