//! A small, obviously correct decoder written straight from the spec ("Interpreting an event
//! stream", WHATWG HTML), to judge the fast tiers against. Clarity over speed: the whole
//! stream is decoded to a `String` first and split into `String` lines.

#![allow(dead_code)]
// The spec's steps read better as written there.
#![allow(clippy::collapsible_match, clippy::collapsible_if)]

/// What an `EventSource` observes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// A dispatched event.
    Event {
        event_type: String,
        data: String,
        last_event_id: String,
    },
    /// A `retry` field that set the reconnection time.
    Retry(u64),
    /// A comment line's text (after the colon, without one leading space).
    Comment(String),
}

/// Everything a complete stream produces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub observed: Vec<Observed>,
    /// The last event ID string at the end of the stream.
    pub last_event_id: String,
}

impl Outcome {
    /// Only the dispatched events.
    pub fn events(&self) -> Vec<Observed> {
        self.observed
            .iter()
            .filter(|o| matches!(o, Observed::Event { .. }))
            .cloned()
            .collect()
    }

    /// Events and retries, without comments.
    pub fn without_comments(&self) -> Vec<Observed> {
        self.observed
            .iter()
            .filter(|o| !matches!(o, Observed::Comment(_)))
            .cloned()
            .collect()
    }
}

/// Decodes a complete stream (the connection then closed).
pub fn decode(stream: &[u8]) -> Outcome {
    decode_from("", stream)
}

/// Decodes a complete stream on a connection opened with `last_event_id` already set (a
/// reconnection: the `EventSource` keeps its last event ID string across connections).
///
/// The new stream's last event ID buffer starts out equal to that string, so an event without
/// `id` on the new connection still carries it. This is what WPT `format-field-id.any.js` and
/// `format-field-id-2.any.js` assert (and what browsers and this crate do). The spec text
/// says the buffers of a newly parsed stream "must be initialized to the empty string", which
/// read literally would make the first dispatch on a reconnection reset the ID to "".
pub fn decode_from(last_event_id: &str, stream: &[u8]) -> Outcome {
    let mut outcome = Outcome {
        last_event_id: last_event_id.to_string(),
        ..Outcome::default()
    };
    let mut data = String::new();
    let mut event_type = String::new();
    let mut last_event_id_buffer = last_event_id.to_string();

    for line in lines(stream) {
        if line.is_empty() {
            // Dispatch the event.
            outcome.last_event_id = last_event_id_buffer.clone();
            if data.is_empty() {
                data.clear();
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            let event_type_out = if event_type.is_empty() {
                "message".to_string()
            } else {
                event_type.clone()
            };
            outcome.observed.push(Observed::Event {
                event_type: event_type_out,
                data: std::mem::take(&mut data),
                last_event_id: outcome.last_event_id.clone(),
            });
            event_type.clear();
            continue;
        }
        if let Some(comment) = line.strip_prefix(':') {
            let comment = comment.strip_prefix(' ').unwrap_or(comment);
            outcome
                .observed
                .push(Observed::Comment(comment.to_string()));
            continue;
        }
        let (name, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_str(), ""),
        };
        match name {
            "event" => event_type = value.to_string(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "id" => {
                if !value.contains('\0') {
                    last_event_id_buffer = value.to_string();
                }
            }
            "retry" => {
                if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                    // Values too large for u64 are ignored, as browsers do.
                    if let Ok(ms) = value.parse::<u64>() {
                        outcome.observed.push(Observed::Retry(ms));
                    }
                }
            }
            _ => {}
        }
    }
    // End of stream: any pending data is discarded.
    outcome
}

/// The stream's complete lines, as the spec reads them: "streams must be decoded using the
/// UTF-8 decode algorithm" (invalid sequences become U+FFFD, one leading BOM is stripped),
/// then split at CRLF, LF or CR. Text after the last line end is not a line.
pub fn lines(stream: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(stream);
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut line));
            }
            '\n' => lines.push(std::mem::take(&mut line)),
            c => line.push(c),
        }
    }
    lines
}
