//! Encodes JSON lines from stdin into a `text/event-stream` on stdout, one frame per line:
//!
//! ```text
//! {"event":"update","id":"7","retry":3000,"data":"hello\nworld","comment":"note"}
//! ```
//! Every key is optional (`null` counts as absent; other keys are ignored, so `sse2json`'s
//! `last_event_id` line passes through harmlessly). A `comment` is written first, as `:`
//! lines; then, if any of `event`, `id`, `retry`, `data` is present, one event block. Without
//! `data` no event fires on the client, but `id` and `retry` still apply. So
//! `sse2json < stream | json2sse | sse2json` prints what `sse2json < stream` prints.
//!
//! ```text
//! cargo run --example sse2json < examples/llm.sse | cargo run --example json2sse
//! ```
//! An invalid line (bad JSON, an `event` holding CR/LF, an `id` holding CR/LF/NUL) is
//! reported on stderr with its line number and nothing of it is written; the exit status is
//! then 1.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use serde_json::Value;
use sse_wire::{Comment, Encode, EventId, EventRef, EventType};

fn main() -> ExitCode {
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut buf = Vec::with_capacity(4096);
    let mut failed = false;
    for (index, line) in stdin.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                eprintln!("json2sse: reading stdin: {error}");
                return ExitCode::FAILURE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        buf.clear();
        if let Err(message) = encode_line(&line, &mut buf) {
            eprintln!("json2sse: line {}: {message}", index + 1);
            failed = true;
            continue;
        }
        // Flush per frame: a relay must not hold events back.
        if let Err(error) = out.write_all(&buf).and_then(|()| out.flush()) {
            eprintln!("json2sse: writing stdout: {error}");
            return ExitCode::FAILURE;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Appends the frames for one JSON line to `buf`, or nothing if the line is invalid.
fn encode_line(line: &str, buf: &mut Vec<u8>) -> Result<(), String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(object) = value else {
        return Err("expected a JSON object".into());
    };
    let text = |key: &str| -> Result<Option<&str>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!("`{key}` must be a string, not {other}")),
        }
    };
    let comment = text("comment")?;
    let event_type = text("event")?;
    let id = text("id")?;
    let data = text("data")?;
    let retry = match object.get("retry") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_u64()
                .ok_or_else(|| format!("`retry` must be a non-negative integer, not {value}"))?,
        ),
    };

    // Validate everything before writing anything.
    let mut event = EventRef::new();
    if let Some(event_type) = event_type {
        event = event.with_event_type(EventType::new(event_type).map_err(|e| e.to_string())?);
    }
    if let Some(id) = id {
        event = event.with_id(EventId::new(id).map_err(|e| e.to_string())?);
    }
    if let Some(ms) = retry {
        event = event.with_retry(ms);
    }
    if let Some(data) = data {
        event = event.with_data(data);
    }
    if let Some(comment) = comment {
        Comment::new(comment).encode_to_vec(buf);
    }
    if event != EventRef::new() {
        event.encode_to_vec(buf);
    }
    Ok(())
}
