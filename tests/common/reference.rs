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
        match field(&line) {
            Field::Comment(comment) => outcome
                .observed
                .push(Observed::Comment(comment.to_string())),
            Field::Event(value) => event_type = value.to_string(),
            Field::Data(value) => {
                data.push_str(value);
                data.push('\n');
            }
            Field::Id(value) => last_event_id_buffer = value.to_string(),
            Field::Retry(ms) => outcome.observed.push(Observed::Retry(ms)),
            Field::Ignored { .. } => {}
        }
    }
    // End of stream: any pending data is discarded.
    outcome
}

/// What one non-empty line is, by the spec's steps ("process the field").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<'a> {
    /// A line starting with a colon: the text after it, without one leading space.
    Comment(&'a str),
    Data(&'a str),
    Event(&'a str),
    /// An `id` value without NUL (one with NUL is ignored).
    Id(&'a str),
    /// A `retry` value of ASCII digits only that fits `u64`.
    Retry(u64),
    /// Anything else, which the spec ignores.
    Ignored {
        name: &'a str,
        value: &'a str,
    },
}

/// The spec's steps for one non-empty line: the field name is everything before the first
/// colon (the whole line if none), the value what follows it without one leading space; an
/// empty name is a comment.
pub fn field(line: &str) -> Field<'_> {
    let (name, value) = match line.find(':') {
        Some(colon) => {
            let value = &line[colon + 1..];
            (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
        }
        // The empty value at the line's end (a slice of it, like every value).
        None => (line, &line[line.len()..]),
    };
    match name {
        "" => Field::Comment(value),
        "event" => Field::Event(value),
        "data" => Field::Data(value),
        "id" if !value.contains('\0') => Field::Id(value),
        // Values too large for u64 are ignored, as browsers do.
        "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
            match value.parse::<u64>() {
                Ok(ms) => Field::Retry(ms),
                Err(_) => Field::Ignored { name, value },
            }
        }
        _ => Field::Ignored { name, value },
    }
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
