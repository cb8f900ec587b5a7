//! Decodes a `text/event-stream` from stdin through one fixed 64-byte buffer, the way firmware
//! with a few KiB of RAM would: `LineDecoder::decode_fragment` hands each `data` value out in
//! pieces as they arrive, so events of any size pass; the event type and ID live in small fixed
//! arrays.
//! Nothing is allocated per event, whatever the stream.
//!
//! ```text
//! cargo run --example fixed_buffer < examples/llm.sse
//! ```
//! Prints one line per dispatched event: `event=<type> id=<last event ID> data=<bytes>
//! fnv1a=<hash of the data>`; the data itself is never held.

use std::io::{self, Read, Write};

use sse_wire::decode::{Fragment, Line, LineDecoder};
use sse_wire::{DecodeError, Limits, Status};

/// The whole read buffer.
const BUFFER: usize = 64;
/// The limits that make every stream fit the buffer: lines other than `data` (which stream)
/// must fit it, with their line end; longer ones are skipped (with a message).
const LIMITS: Limits = Limits::for_buffer(BUFFER);
const MAX_LINE: usize = LIMITS.max_line_len();

/// A field value kept in a fixed array (values are bounded by `MAX_LINE`).
struct Small {
    bytes: [u8; MAX_LINE],
    len: usize,
}

impl Small {
    const fn new() -> Self {
        Small {
            bytes: [0; MAX_LINE],
            len: 0,
        }
    }

    fn set(&mut self, value: &[u8]) {
        self.len = value.len().min(MAX_LINE);
        self.bytes[..self.len].copy_from_slice(&value[..self.len]);
    }

    fn get(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// What an `EventSource` keeps while a block is being read: the spec's buffers, minus the
/// data, which is only hashed and counted as it streams by.
struct Event {
    event_type: Small,
    id: Small,
    id_set: bool,
    last_event_id: Small,
    data_lines: usize,
    in_line: bool,
    data_len: usize,
    hash: u64,
}

impl Event {
    fn data(&mut self, piece: &[u8]) {
        for &byte in piece {
            self.hash = (self.hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
        self.data_len += piece.len();
    }
}

fn main() -> io::Result<()> {
    let mut decoder = LineDecoder::with_limits(LIMITS);
    let mut buffer = [0u8; BUFFER];
    let mut held = 0;
    let mut stdin = io::stdin().lock();
    let mut out = io::stdout().lock();
    let mut event = Event {
        event_type: Small::new(),
        id: Small::new(),
        id_set: false,
        last_event_id: Small::new(),
        data_lines: 0,
        in_line: false,
        data_len: 0,
        hash: 0xcbf2_9ce4_8422_2325,
    };
    loop {
        let n = stdin.read(&mut buffer[held..])?;
        if n == 0 {
            // End of stream: an unfinished event is discarded, as the spec says.
            return Ok(());
        }
        held += n;
        let mut start = 0;
        loop {
            let decoded = match decoder.decode_fragment(&buffer[start..held]) {
                Ok(decoded) => decoded,
                Err(DecodeError::LineTooLong { limit }) => {
                    eprintln!("fixed_buffer: skipped a line longer than {limit} bytes");
                    continue;
                }
                Err(other) => return Err(io::Error::other(other)),
            };
            start += decoded.consumed;
            let fragment = match decoded.status {
                Status::Complete(fragment) => fragment,
                Status::Partial => break,
            };
            match fragment {
                Fragment::Data { piece, end } => {
                    if !event.in_line && event.data_lines > 0 {
                        event.data(b"\n");
                    }
                    event.data(piece);
                    event.in_line = !end;
                    event.data_lines += usize::from(end);
                }
                Fragment::Line(Line::Event(value)) => event.event_type.set(value),
                Fragment::Line(Line::Id(value)) => {
                    event.id.set(value);
                    event.id_set = true;
                }
                Fragment::Line(Line::Blank) => {
                    if event.id_set {
                        let id = event.id.len;
                        event.last_event_id.bytes[..id].copy_from_slice(event.id.get());
                        event.last_event_id.len = id;
                    }
                    if event.data_lines > 0 {
                        let event_type = match event.event_type.get() {
                            b"" => &b"message"[..],
                            other => other,
                        };
                        writeln!(
                            out,
                            "event={} id={} data={} fnv1a={:016x}",
                            event_type.escape_ascii(),
                            event.last_event_id.get().escape_ascii(),
                            event.data_len,
                            event.hash
                        )?;
                    }
                    event.event_type.len = 0;
                    event.id_set = false;
                    event.data_lines = 0;
                    event.data_len = 0;
                    event.hash = 0xcbf2_9ce4_8422_2325;
                }
                // Comments, retry and unknown fields: nothing to keep here.
                _ => {}
            }
        }
        // Keep the unconsumed rest (a partial short line) at the front for the next read.
        buffer.copy_within(start..held, 0);
        held -= start;
    }
}
