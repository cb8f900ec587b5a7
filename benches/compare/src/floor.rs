//! Floors: the least work any owned or `Bytes` decoder must do per event, measured.
//!
//! Issue 5 asks the owned tier for 1.5x and the bytes tier for 2x sse-core. These are not
//! decoders: they only know single-line `data` events (LLM tokens, where every event is one),
//! and do only what an event that owns its data costs whatever the parser:
//!
//! - every line end found with `memchr2` (the speed of light), over reads (4 KiB or
//!   10 bytes) with a partial line carried over, as any incremental decoder must;
//! - per event, for an owned event: the data copied once into its own `String` (one
//!   allocation, one UTF-8 check, one free); for a `Bytes` event: the data split off the read
//!   buffer as `Bytes` (a reference count up and down, one UTF-8 check).
//!
//! A spec-complete decoder does all of this and more (field names, BOM, CR, limits, `id`), so
//! a tier target above its floor's rate cannot be met on this machine by any decoder whose
//! events own their data. `EventPlusString` is our parser with the owned copy added: what the
//! owned tier would cost if its own plumbing were free.

use bytes::{Buf, BytesMut};

use crate::{event_tier, Collect, Feed, Owned, Sink};

/// A floor under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// `memchr2` lines, one `String` per event.
    Owned,
    /// `memchr2` lines, one `Bytes` split off the read buffer per event.
    Bytes,
    /// The event tier, then one `String` per event.
    EventPlusString,
}

impl Floor {
    pub const ALL: [Floor; 3] = [Floor::Owned, Floor::Bytes, Floor::EventPlusString];

    /// A name without spaces, for bench ids.
    pub fn id(self) -> &'static str {
        match self {
            Floor::Owned => "floor_owned",
            Floor::Bytes => "floor_bytes",
            Floor::EventPlusString => "floor_event_plus_string",
        }
    }

    /// Runs the floor over `input` (single-line `data` events only) fed as `feed`; returns
    /// the number of events.
    pub fn run(self, input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
        match self {
            Floor::Owned => owned(input, feed, sink),
            Floor::Bytes => bytes(input, feed, sink),
            Floor::EventPlusString => event_tier(input, feed, &mut Owning(sink)),
        }
    }
}

/// Checks the floor's events against the reference (count, and every event's data; the
/// floors report no type or id, and LLM tokens have none), so a fast wrong floor cannot pass.
pub fn check(floor: Floor, input: &[u8], feed: Feed, reference: &[Owned]) -> Result<(), String> {
    let mut out = Collect::default();
    let n = floor.run(input, feed, &mut out);
    if n != reference.len() || out.0.len() != n {
        return Err(format!(
            "{}: {n} events, expected {}",
            floor.id(),
            reference.len()
        ));
    }
    match (0..n).find(|&i| out.0[i] != reference[i]) {
        Some(i) => Err(format!("{}: event {i} differs", floor.id())),
        None => Ok(()),
    }
}

/// One `String` per event: a partial line carried across reads, each `data: ` line's value
/// appended to the event's data, which a blank line moves into a `String`.
fn owned(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut carry: Vec<u8> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    for read in feed.chunks(input) {
        let mut rest = read;
        while let Some(end) = memchr::memchr2(b'\n', b'\r', rest) {
            let line: &[u8] = if carry.is_empty() {
                &rest[..end]
            } else {
                carry.extend_from_slice(&rest[..end]);
                &carry
            };
            if line.is_empty() {
                if !data.is_empty() {
                    // Moved, not copied: the data was copied once, into its own allocation.
                    let event = String::from_utf8(std::mem::take(&mut data)).expect("UTF-8");
                    n += 1;
                    sink.event(None, event.as_bytes(), None);
                }
            } else if let Some(value) = line.strip_prefix(b"data: ") {
                data.extend_from_slice(value);
            }
            carry.clear();
            rest = &rest[end + 1..];
        }
        carry.extend_from_slice(rest);
    }
    n
}

/// One `Bytes` per event: reads appended to a `BytesMut`; an event (`data: ` line, then a
/// blank line) has its value split off, its other bytes advanced over.
fn bytes(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut buf = BytesMut::with_capacity(8192);
    // How far the event's first line was searched in earlier reads.
    let mut searched = 0;
    for read in feed.chunks(input) {
        buf.extend_from_slice(read);
        loop {
            if buf.first() == Some(&b'\n') {
                buf.advance(1);
                continue;
            }
            let Some(found) = memchr::memchr2(b'\n', b'\r', &buf[searched..]) else {
                searched = buf.len();
                break;
            };
            let end = searched + found;
            let Some(&after) = buf.get(end + 1) else {
                searched = end;
                break;
            };
            assert!(
                after == b'\n' && buf.starts_with(b"data: "),
                "not a single-line data event"
            );
            buf.advance(6);
            let data = buf.split_to(end - 6).freeze();
            std::str::from_utf8(&data).expect("UTF-8");
            n += 1;
            sink.event(None, &data, None);
            buf.advance(2);
            searched = 0;
        }
    }
    n
}

/// Hands each event on after copying its data into a `String` of its own.
struct Owning<'a, S>(&'a mut S);

impl<S: Sink> Sink for Owning<'_, S> {
    fn event(&mut self, event_type: Option<&[u8]>, data: &[u8], id: Option<&[u8]>) {
        let data = String::from_utf8(data.to_vec()).expect("UTF-8");
        self.0.event(event_type, data.as_bytes(), id);
    }

    fn piece(&mut self, piece: &[u8]) {
        self.0.piece(piece);
    }

    fn event_from_pieces(&mut self, event_type: Option<&[u8]>, id: Option<&[u8]>) {
        self.0.event_from_pieces(event_type, id);
    }
}
