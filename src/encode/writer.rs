//! The streaming writer: one event whose data arrives in pieces.

use super::field::{EventId, EventType};
use super::sink::{digits, Counter, Sink, SliceSink};

/// What stopped an [`EventWriter`] call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteResult {
    /// All input was consumed (for [`EventWriter::finish`]: the event is complete). Give the
    /// writer the next piece, or finish.
    InputEmpty,
    /// The output buffer is full: send or keep what was written, then call again with a fresh
    /// buffer and the input not consumed yet.
    OutputFull,
}

/// Writes one event whose data arrives in pieces (an LLM token stream being relayed, a large
/// payload), sans-IO: you pass input and output slices, it reports how much of each it used.
///
/// Set the header fields, call [`data`](Self::data) with pieces of any size (empty too), then
/// [`finish`](Self::finish). The output is exactly what [`EventRef`](crate::EventRef) writes
/// for the same fields and the concatenated data: line breaks become `data:` line
/// boundaries, and a CR ending one piece with an LF starting the next is one line break. An
/// event written this way always fires (it has at least one `data:` line, empty if no data
/// came), since a decoder dispatches only what it has seen end with a blank line.
///
/// Output is resumable at any byte (like csv-core's `Writer`), so any output buffer size
/// works; bytes already written are part of the stream, and an unfinished event is
/// discarded by the client if the connection ends before [`finish`](Self::finish).
///
/// ```
/// use sse_wire::{EventType, EventWriter, WriteResult};
///
/// let mut writer = EventWriter::new().with_event_type(EventType::from_static("completion"));
/// let mut stream = Vec::new();
/// let mut out = [0u8; 16];
/// for token in ["Hel", "lo\r", "\nworld"] {
///     let mut input = token.as_bytes();
///     loop {
///         let (result, read, written) = writer.data(input, &mut out);
///         stream.extend_from_slice(&out[..written]); // send it
///         input = &input[read..];
///         if result == WriteResult::InputEmpty {
///             break;
///         }
///     }
/// }
/// let (result, written) = writer.finish(&mut out);
/// assert_eq!(result, WriteResult::InputEmpty);
/// stream.extend_from_slice(&out[..written]);
/// assert_eq!(stream, b"event: completion\ndata: Hello\ndata: world\n\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventWriter<'a> {
    event_type: Option<EventType<'a>>,
    id: Option<EventId<'a>>,
    retry: Option<u64>,
    /// Bytes of the header (the fields before `data`) written so far.
    header_written: usize,
    header_done: bool,
    /// The rest of a fixed part not yet written (a line prefix, a line end, the terminator).
    pending: &'static [u8],
    /// A `data:` line was started and not ended.
    line_open: bool,
    /// The last data byte was a CR: an LF right after it (even in the next piece) belongs to it.
    pending_cr: bool,
    /// `finish` has queued the terminator; once it is written the writer starts afresh.
    finishing: bool,
}

impl Default for EventWriter<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> EventWriter<'a> {
    /// A writer for an event without type, ID or retry.
    pub const fn new() -> Self {
        EventWriter {
            event_type: None,
            id: None,
            retry: None,
            header_written: 0,
            header_done: false,
            pending: b"",
            line_open: false,
            pending_cr: false,
            finishing: false,
        }
    }

    /// Sets the event type. Header fields are written before the first data.
    #[must_use]
    pub const fn with_event_type(mut self, event_type: EventType<'a>) -> Self {
        self.event_type = Some(event_type);
        self
    }

    /// Sets the event ID.
    #[must_use]
    pub const fn with_id(mut self, id: EventId<'a>) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the reconnection time in milliseconds.
    #[must_use]
    pub const fn with_retry(mut self, milliseconds: u64) -> Self {
        self.retry = Some(milliseconds);
        self
    }

    /// Encodes the next piece of data into `output`.
    ///
    /// Returns why it stopped, how many bytes of `input` it consumed and how many of `output`
    /// it wrote. On [`WriteResult::OutputFull`], call again with the rest of the input and a
    /// fresh output buffer. After [`finish`](Self::finish) the writer starts a new event with
    /// no header fields.
    pub fn data(&mut self, input: &[u8], output: &mut [u8]) -> (WriteResult, usize, usize) {
        let mut sink = SliceSink {
            buf: output,
            pos: 0,
        };
        let (result, read) = self.data_into(input, &mut sink);
        (result, read, sink.pos)
    }

    /// Ends the event (writes the last line end and the blank line) into `output`.
    ///
    /// Returns [`WriteResult::InputEmpty`] when the event is complete, and the number of bytes
    /// written; on [`WriteResult::OutputFull`] call again with a fresh buffer (at most 8 bytes
    /// plus any header not yet written remain). Then the writer is ready for a new event with
    /// no header fields, as [`EventWriter::new`] would be.
    pub fn finish(&mut self, output: &mut [u8]) -> (WriteResult, usize) {
        let mut sink = SliceSink {
            buf: output,
            pos: 0,
        };
        let result = self.finish_into(&mut sink);
        (result, sink.pos)
    }

    /// The exact number of bytes [`data`](Self::data) would write for `input` given unlimited
    /// room.
    pub fn data_len(&self, input: &[u8]) -> usize {
        let mut counter = Counter(0);
        self.clone().data_into(input, &mut counter);
        counter.0
    }

    /// The exact number of bytes [`finish`](Self::finish) would write given unlimited room.
    pub fn finish_len(&self) -> usize {
        let mut counter = Counter(0);
        self.clone().finish_into(&mut counter);
        counter.0
    }

    /// Appends the encoding of the next piece to `out` with one `reserve`; returns the
    /// number of bytes appended. Into a buffer with room this allocates nothing.
    #[cfg(feature = "alloc")]
    pub fn data_to_vec(&mut self, input: &[u8], out: &mut alloc::vec::Vec<u8>) -> usize {
        let needed = self.data_len(input);
        out.reserve(needed);
        self.data_into(input, out);
        needed
    }

    /// Appends the end of the event to `out`; returns the number of bytes appended.
    #[cfg(feature = "alloc")]
    pub fn finish_to_vec(&mut self, out: &mut alloc::vec::Vec<u8>) -> usize {
        let needed = self.finish_len();
        out.reserve(needed);
        self.finish_into(out);
        needed
    }

    fn data_into<S: Sink>(&mut self, input: &[u8], sink: &mut S) -> (WriteResult, usize) {
        let mut read = 0;
        loop {
            if !self.flush(sink) {
                return (WriteResult::OutputFull, read);
            }
            if self.finishing {
                // The previous event is complete: what follows starts a new one.
                *self = EventWriter::new();
            }
            let Some(&byte) = input.get(read) else {
                return (WriteResult::InputEmpty, read);
            };
            if self.pending_cr {
                self.pending_cr = false;
                if byte == b'\n' {
                    read += 1;
                    continue;
                }
            }
            if byte == b'\r' || byte == b'\n' {
                self.pending = if self.line_open { b"\n" } else { b"data:\n" };
                self.line_open = false;
                self.pending_cr = byte == b'\r';
                read += 1;
                continue;
            }
            if !self.line_open {
                self.pending = b"data: ";
                self.line_open = true;
                continue;
            }
            let rest = &input[read..];
            let end = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
            let n = end.min(sink.room());
            sink.put(&rest[..n]);
            read += n;
            if n < end {
                return (WriteResult::OutputFull, read);
            }
        }
    }

    fn finish_into<S: Sink>(&mut self, sink: &mut S) -> WriteResult {
        loop {
            if !self.flush(sink) {
                return WriteResult::OutputFull;
            }
            if self.finishing {
                *self = EventWriter::new();
                return WriteResult::InputEmpty;
            }
            self.pending = if self.line_open {
                b"\n\n"
            } else {
                b"data:\n\n"
            };
            self.finishing = true;
        }
    }

    /// Writes what is owed before anything else: the header, then the pending part. Returns
    /// whether all of it fit.
    fn flush<S: Sink>(&mut self, sink: &mut S) -> bool {
        if !self.header_done {
            if !self.flush_header(sink) {
                return false;
            }
            self.header_done = true;
        }
        let n = self.pending.len().min(sink.room());
        sink.put(&self.pending[..n]);
        self.pending = &self.pending[n..];
        self.pending.is_empty()
    }

    fn flush_header<S: Sink>(&mut self, sink: &mut S) -> bool {
        let mut buf = [0; 20];
        let retry = self.retry.map(|ms| digits(ms, &mut buf));
        let [a, b, c] = field_parts(b"event: ", b"event:\n", self.event_type.map(|t| t.as_str()));
        let [d, e, f] = field_parts(b"id: ", b"id:\n", self.id.map(|i| i.as_str()));
        let [g, h, i] = field_parts_bytes(b"retry: ", b"retry:\n", retry);
        let mut start = 0;
        for part in [a, b, c, d, e, f, g, h, i] {
            let end = start + part.len();
            if self.header_written < end {
                let from = self.header_written - start;
                let n = (part.len() - from).min(sink.room());
                sink.put(&part[from..from + n]);
                self.header_written += n;
                if self.header_written < end {
                    return false;
                }
            }
            start = end;
        }
        true
    }
}

fn field_parts<'v>(with_space: &'v [u8], bare: &'v [u8], value: Option<&'v str>) -> [&'v [u8]; 3] {
    field_parts_bytes(with_space, bare, value.map(str::as_bytes))
}

/// The pieces of one field line, as `super::sink::put_field` writes it (nothing if absent).
fn field_parts_bytes<'v>(
    with_space: &'v [u8],
    bare: &'v [u8],
    value: Option<&'v [u8]>,
) -> [&'v [u8]; 3] {
    match value {
        None => [b"", b"", b""],
        Some(b"") => [bare, b"", b""],
        Some(value) => [with_space, value, b"\n"],
    }
}
