//! Drivers that run each SSE decoder (our tiers and the peers) over the same input, fed the
//! same way, into the same sink. Used by the criterion bench (`benches/compare.rs`), the
//! counting-allocator report (`src/bin/memory.rs`) and the profiling driver
//! (`src/bin/profile.rs`).

use std::convert::Infallible;
use std::hint::black_box;
use std::num::NonZeroUsize;

use futures::StreamExt;
use sse_wire::decode::{EventDecoder, Fragment, Line, LineDecoder};
use sse_wire::{Decoder, Item, Status};

pub mod floor;
#[path = "../../common/inputs.rs"]
pub mod inputs;

/// How the input reaches the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// The whole input in one buffer.
    Whole,
    /// Chunks of this many bytes, as reads from a socket.
    Chunks(usize),
}

impl Feed {
    pub const ALL: [Feed; 3] = [Feed::Whole, Feed::Chunks(4096), Feed::Chunks(10)];

    pub fn name(self) -> &'static str {
        match self {
            Feed::Whole => "whole",
            Feed::Chunks(4096) => "4k",
            Feed::Chunks(10) => "10b",
            Feed::Chunks(_) => "chunks",
        }
    }

    pub fn size(self) -> Option<usize> {
        match self {
            Feed::Whole => None,
            Feed::Chunks(n) => Some(n),
        }
    }

    pub fn chunks(self, input: &[u8]) -> std::slice::Chunks<'_, u8> {
        inputs::chunks(input, self.size())
    }
}

/// An implementation under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imp {
    /// sse-wire `EventDecoder`, borrowed `RawEvent`s out of a caller buffer.
    Event,
    /// sse-wire `LineDecoder::decode_fragment`: lines out of a caller buffer, data streamed in pieces to
    /// the consumer (never joined, never held), the interpretation done by the consumer.
    Fragment,
    /// sse-wire `decode::BlockDecoder`: the event tier's blocks with the stream state kept by
    /// the decoder (type default, last event ID), out of a caller buffer.
    Block,
    /// sse-wire `decode::LendingDecoder`: chunks pushed in, each event lent (`&str` type, data,
    /// last event ID, UTF-8 checked) through `next_item`.
    Lending,
    /// The same through `next_event`: events only (comments skipped unlent, as the peers skip
    /// them).
    LendingEvents,
    /// sse-wire `decode::EventReader` over an `io::Read` that returns the chunks, each event
    /// lent through `next_event`.
    Reader,
    /// sse-wire `Decoder::decode` over a caller buffer (sans-IO contract).
    OwnedDecode,
    /// sse-wire `Decoder::feed` (the decoder keeps the partial line).
    OwnedFeed,
    /// sse-wire `Decoder::feed_items`: `feed`'s loop yielding comments and retries too.
    OwnedFeedItems,
    /// sse-wire `BytesDecoder::decode` over a `BytesMut` read buffer.
    Bytes,
    /// sse-wire `BytesDecoder::decode_event` (events only: comments skipped, not split off).
    BytesEvents,
    /// sse-core `SseDecoder::next` on each chunk (its sans-IO API).
    SseCore,
    /// sse-stream `SseByteStream` over a stream of chunks, polled with `block_on`.
    SseStream,
    /// eventsource-stream `Eventsource::eventsource` over a stream of chunks, `block_on`.
    EventsourceStream,
    /// `memchr2` over every line end of the same chunks: the speed of light.
    Memchr2,
    /// The same search after appending each chunk to a read buffer (dropping whole lines from
    /// its front), as a decoder that borrows from the caller's buffer sees the bytes: the
    /// speed of light for the event tier and `owned decode`, which need that copy.
    Memchr2Buffered,
}

impl Imp {
    pub const ALL: [Imp; 16] = [
        Imp::Event,
        Imp::Block,
        Imp::Lending,
        Imp::LendingEvents,
        Imp::Reader,
        Imp::Fragment,
        Imp::OwnedDecode,
        Imp::OwnedFeed,
        Imp::OwnedFeedItems,
        Imp::Bytes,
        Imp::BytesEvents,
        Imp::SseCore,
        Imp::SseStream,
        Imp::EventsourceStream,
        Imp::Memchr2,
        Imp::Memchr2Buffered,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Imp::Event => "sse-wire event",
            Imp::Block => "sse-wire block",
            Imp::Lending => "sse-wire lending",
            Imp::LendingEvents => "sse-wire lending events",
            Imp::Reader => "sse-wire reader",
            Imp::Fragment => "sse-wire fragment",
            Imp::OwnedDecode => "sse-wire owned decode",
            Imp::OwnedFeed => "sse-wire owned feed",
            Imp::OwnedFeedItems => "sse-wire owned feed_items",
            Imp::Bytes => "sse-wire bytes",
            Imp::BytesEvents => "sse-wire bytes events",
            Imp::SseCore => "sse-core",
            Imp::SseStream => "sse-stream",
            Imp::EventsourceStream => "eventsource-stream",
            Imp::Memchr2 => "memchr2",
            Imp::Memchr2Buffered => "memchr2 buffered",
        }
    }

    /// A name without spaces, for bench ids.
    pub fn id(self) -> &'static str {
        match self {
            Imp::Event => "event",
            Imp::Block => "block",
            Imp::Lending => "lending",
            Imp::LendingEvents => "lending_events",
            Imp::Reader => "reader",
            Imp::Fragment => "fragment",
            Imp::OwnedDecode => "owned_decode",
            Imp::OwnedFeed => "owned_feed",
            Imp::OwnedFeedItems => "owned_feed_items",
            Imp::Bytes => "bytes",
            Imp::BytesEvents => "bytes_events",
            Imp::SseCore => "sse_core",
            Imp::SseStream => "sse_stream",
            Imp::EventsourceStream => "eventsource_stream",
            Imp::Memchr2 => "memchr2",
            Imp::Memchr2Buffered => "memchr2_buffered",
        }
    }

    /// Why this implementation is left out on `workload` fed as `feed`, if it is.
    pub fn skip(self, workload: &str, feed: Feed) -> Option<&'static str> {
        match (self, workload, feed) {
            // It re-parses its whole buffer on every chunk: a 1 MiB line in 10-byte chunks
            // is 10^5 rescans of up to 1 MiB each (minutes per event).
            (Imp::EventsourceStream, "mib_lines", Feed::Chunks(10)) => {
                Some("quadratic in the line length: re-parses its buffer on every chunk")
            }
            _ => None,
        }
    }

    /// Runs the implementation over `input` fed as `feed`, handing each fired event to `sink`.
    /// Returns the number of events (for the `memchr2` baselines: of line ends; no sink).
    pub fn run(self, input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
        match self {
            Imp::Event => event_tier(input, feed, sink),
            Imp::Block => block_tier(input, feed, sink),
            Imp::Lending => lending(input, feed, sink),
            Imp::LendingEvents => lending_events(input, feed, sink),
            Imp::Reader => reader(input, feed, sink),
            Imp::Fragment => fragment_tier(input, feed, sink),
            Imp::OwnedDecode => owned_decode(input, feed, sink),
            Imp::OwnedFeed => owned_feed(input, feed, sink),
            Imp::OwnedFeedItems => owned_feed_items(input, feed, sink),
            Imp::Bytes => bytes_tier(input, feed, sink),
            Imp::BytesEvents => bytes_events(input, feed, sink),
            Imp::SseCore => sse_core(input, feed, sink),
            Imp::SseStream => sse_stream(input, feed, sink),
            Imp::EventsourceStream => eventsource_stream(input, feed, sink),
            Imp::Memchr2 => memchr2_lines(input, feed),
            Imp::Memchr2Buffered => memchr2_buffered(input, feed),
        }
    }
}

/// Receives each fired event: type (`None`: `message`), data (lines joined with LF), id (the
/// block's `id` field, which in these workloads is also the last event ID).
pub trait Sink {
    fn event(&mut self, event_type: Option<&[u8]>, data: &[u8], id: Option<&[u8]>);
    /// A streaming tier's piece of the current event's data (the LF between lines included).
    fn piece(&mut self, piece: &[u8]);
    /// A streaming tier's event, whose data came in pieces.
    fn event_from_pieces(&mut self, event_type: Option<&[u8]>, id: Option<&[u8]>);
}

/// What a realistic consumer does in the timed loop: looks at the data, counts.
#[derive(Debug, Default)]
pub struct Touch {
    pub events: usize,
    pub data_bytes: usize,
}

impl Sink for Touch {
    #[inline]
    fn event(&mut self, event_type: Option<&[u8]>, data: &[u8], id: Option<&[u8]>) {
        self.events += 1;
        self.data_bytes += data.len();
        black_box((event_type, data, id));
    }

    #[inline]
    fn piece(&mut self, piece: &[u8]) {
        self.data_bytes += piece.len();
        black_box(piece);
    }

    #[inline]
    fn event_from_pieces(&mut self, event_type: Option<&[u8]>, id: Option<&[u8]>) {
        self.events += 1;
        black_box((event_type, id));
    }
}

/// One event, owned, normalised for comparison across implementations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub event_type: Vec<u8>,
    pub data: Vec<u8>,
    pub id: Vec<u8>,
}

/// Collects every event, for the content check.
#[derive(Debug, Default)]
pub struct Collect(pub Vec<Owned>, Vec<u8>);

impl Sink for Collect {
    fn piece(&mut self, piece: &[u8]) {
        self.1.extend_from_slice(piece);
    }

    fn event_from_pieces(&mut self, event_type: Option<&[u8]>, id: Option<&[u8]>) {
        let data = std::mem::take(&mut self.1);
        self.event(event_type, &data, id);
    }

    fn event(&mut self, event_type: Option<&[u8]>, data: &[u8], id: Option<&[u8]>) {
        let event_type = match event_type {
            None | Some(b"") => b"message".to_vec(),
            Some(t) => t.to_vec(),
        };
        self.0.push(Owned {
            event_type,
            data: data.to_vec(),
            id: id.unwrap_or_default().to_vec(),
        });
    }
}

pub(crate) fn event_tier(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = EventDecoder::new();
    let mut on = |event: sse_wire::RawEvent<'_>| {
        if event.fires() {
            n += 1;
            match event.data_single() {
                Some(data) => sink.event(event.event_type(), data, event.id()),
                None => {
                    // Multi-line data: join into a reused scratch buffer, as a consumer would.
                    SCRATCH.with_borrow_mut(|scratch| {
                        scratch.resize(event.data_len(), 0);
                        let len = event.copy_data_to(scratch).expect("sized");
                        sink.event(event.event_type(), &scratch[..len], event.id());
                    });
                }
            }
        }
    };
    if feed == Feed::Whole {
        let mut rest = input;
        loop {
            let decoded = decoder.decode(rest).expect("no limit is hit");
            rest = &rest[decoded.consumed..];
            match decoded.status {
                Status::Complete(event) => on(event),
                Status::Partial => return n,
            }
        }
    }
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    for piece in feed.chunks(input) {
        buf.extend_from_slice(piece);
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&buf[start..]).expect("no limit is hit");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(event) => on(event),
                Status::Partial => break,
            }
        }
        buf.drain(..start);
    }
    n
}

/// The block tier: the event tier with the stream state in the decoder. The sink gets the
/// type (`message` by default) and the last event ID the decoder reports.
fn block_tier(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = sse_wire::decode::BlockDecoder::new();
    let mut on = |block: sse_wire::decode::Block<'_>| {
        if block.fires() {
            n += 1;
            let id = Some(block.last_event_id()).filter(|id| !id.is_empty());
            match block.data_single() {
                Some(data) => sink.event(Some(block.event_type()), data, id),
                None => SCRATCH.with_borrow_mut(|scratch| {
                    scratch.resize(block.data_len(), 0);
                    let len = block.copy_data_to(scratch).expect("sized");
                    sink.event(Some(block.event_type()), &scratch[..len], id);
                }),
            }
        }
    };
    if feed == Feed::Whole {
        let mut rest = input;
        loop {
            let decoded = decoder.decode(rest).expect("no limit is hit");
            rest = &rest[decoded.consumed..];
            match decoded.status {
                Status::Complete(block) => on(block),
                Status::Partial => return n,
            }
        }
    }
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    for piece in feed.chunks(input) {
        buf.extend_from_slice(piece);
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&buf[start..]).expect("no limit is hit");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(block) => on(block),
                Status::Partial => break,
            }
        }
        buf.drain(..start);
    }
    n
}

/// The lending owned path: every chunk pushed, every item taken.
fn lending(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = sse_wire::decode::LendingDecoder::new();
    let mut on = |item: Item<sse_wire::decode::EventView<'_>, &str>| {
        if let Item::Event(event) = item {
            n += 1;
            let id = Some(event.last_event_id().as_bytes()).filter(|id| !id.is_empty());
            sink.event(Some(event.event_type().as_bytes()), event.data().as_bytes(), id);
        }
    };
    let chunks: &mut dyn Iterator<Item = &[u8]> = match feed {
        Feed::Whole => &mut std::iter::once(input),
        Feed::Chunks(_) => &mut feed.chunks(input),
    };
    for piece in chunks {
        decoder.push(piece);
        while let Some(item) = decoder.next_item() {
            on(item.expect("no limit is hit"));
        }
    }
    n
}

/// The lending owned path, events only: every chunk pushed, every event taken.
fn lending_events(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = sse_wire::decode::LendingDecoder::new();
    let chunks: &mut dyn Iterator<Item = &[u8]> = match feed {
        Feed::Whole => &mut std::iter::once(input),
        Feed::Chunks(_) => &mut feed.chunks(input),
    };
    for piece in chunks {
        decoder.push(piece);
        while let Some(event) = decoder.next_event() {
            let event = event.expect("no limit is hit");
            n += 1;
            let id = Some(event.last_event_id().as_bytes()).filter(|id| !id.is_empty());
            sink.event(Some(event.event_type().as_bytes()), event.data().as_bytes(), id);
        }
    }
    n
}

/// The blocking reader over an `io::Read` that hands out the feed's chunks, one per `read`.
fn reader(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    struct Chunks<'a>(&'a [u8], usize);
    impl std::io::Read for Chunks<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let size = feed.size().unwrap_or(input.len().max(1));
    let mut reader = sse_wire::decode::EventReader::new(Chunks(input, size));
    let mut n = 0;
    while let Some(event) = reader.next_event() {
        let event = event.expect("no limit is hit");
        n += 1;
        let id = Some(event.last_event_id().as_bytes()).filter(|id| !id.is_empty());
        sink.event(Some(event.event_type().as_bytes()), event.data().as_bytes(), id);
    }
    n
}

/// The streaming line tier: the consumer keeps the event type and id (small, copied) and
/// passes data on in pieces as they arrive, decoding each chunk where it lies.
fn fragment_tier(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = LineDecoder::new();
    let mut event_type: Vec<u8> = Vec::new();
    let mut id: Option<Vec<u8>> = None;
    let mut data_lines = 0usize;
    let mut line_started = false;
    let mut on = |fragment: Fragment<'_>| match fragment {
        Fragment::Data { piece, end } => {
            if !line_started && data_lines > 0 {
                sink.piece(b"\n");
            }
            line_started = !end;
            if end {
                data_lines += 1;
            }
            sink.piece(piece);
        }
        Fragment::Line(Line::Blank) => {
            if data_lines > 0 {
                n += 1;
                let ty = (!event_type.is_empty()).then_some(&event_type[..]);
                sink.event_from_pieces(ty, id.as_deref());
            }
            data_lines = 0;
            event_type.clear();
            id = None;
        }
        Fragment::Line(Line::Event(value)) => {
            event_type.clear();
            event_type.extend_from_slice(value);
        }
        Fragment::Line(Line::Id(value)) => id = Some(value.to_vec()),
        Fragment::Line(_) => {}
        _ => unreachable!("no other fragments exist"),
    };
    // Decoded in place from each chunk; only what is left unconsumed (a partial line other
    // than data, at most a few bytes of a data line) is copied, and the next chunk appended.
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    for piece in feed.chunks(input) {
        let held = !buf.is_empty();
        if held {
            buf.extend_from_slice(piece);
        }
        let src: &[u8] = if held { &buf } else { piece };
        let mut start = 0;
        loop {
            let decoded = decoder
                .decode_fragment(&src[start..])
                .expect("no limit is hit");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(fragment) => on(fragment),
                Status::Partial => break,
            }
        }
        if held {
            buf.drain(..start);
        } else {
            buf.extend_from_slice(&piece[start..]);
        }
    }
    n
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn owned_event(sink: &mut impl Sink, event: &sse_wire::Event) {
    let id = event.last_event_id();
    sink.event(
        Some(event.event_type().as_bytes()),
        event.data().as_bytes(),
        (!id.is_empty()).then_some(id.as_bytes()),
    );
}

fn owned_decode(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = Decoder::new();
    let mut buf: Vec<u8> = Vec::new();
    for piece in feed.chunks(input) {
        let whole = feed == Feed::Whole;
        if !whole {
            buf.extend_from_slice(piece);
        }
        let src: &[u8] = if whole { piece } else { &buf };
        let mut start = 0;
        loop {
            let decoded = decoder.decode(&src[start..]).expect("no limit is hit");
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Item::Event(event)) => {
                    n += 1;
                    owned_event(sink, &event);
                }
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        if !whole {
            buf.drain(..start);
        }
    }
    n
}

fn owned_feed(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = Decoder::new();
    for piece in feed.chunks(input) {
        for event in decoder.feed(piece) {
            n += 1;
            owned_event(sink, &event.expect("no limit is hit"));
        }
    }
    n
}

fn owned_feed_items(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = Decoder::new();
    for piece in feed.chunks(input) {
        for item in decoder.feed_items(piece) {
            if let Item::Event(event) = item.expect("no limit is hit") {
                n += 1;
                owned_event(sink, &event);
            }
        }
    }
    n
}

fn bytes_tier(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    bytes_with(input, feed, sink, |decoder, buf| {
        decoder.decode(buf).expect("no limit is hit")
    })
}

fn bytes_events(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    bytes_with(input, feed, sink, |decoder, buf| {
        decoder
            .decode_event(buf)
            .expect("no limit is hit")
            .map(Item::Event)
    })
}

/// A `BytesDecoder` over a `BytesMut` read buffer, items taken with `next` (one of its
/// decoding methods; monomorphised, so the choice costs nothing).
fn bytes_with(
    input: &[u8],
    feed: Feed,
    sink: &mut impl Sink,
    mut next: impl FnMut(
        &mut sse_wire::BytesDecoder,
        &mut bytes::BytesMut,
    ) -> Option<Item<sse_wire::Event<bytes::Bytes>, bytes::Bytes>>,
) -> usize {
    let mut n = 0;
    let mut decoder = sse_wire::BytesDecoder::new();
    let mut buf = bytes::BytesMut::with_capacity(feed.size().unwrap_or(input.len()).max(8192));
    for piece in feed.chunks(input) {
        buf.extend_from_slice(piece);
        while let Some(item) = next(&mut decoder, &mut buf) {
            if let Item::Event(event) = item {
                n += 1;
                let id = event.last_event_id();
                sink.event(
                    Some(event.event_type().as_bytes()),
                    event.data(),
                    (!id.is_empty()).then_some(id.as_bytes()),
                );
            }
        }
    }
    n
}

/// sse-core's limit is 512 KiB by default: raise it to ours (16 MiB) for the 1 MiB lines.
pub fn sse_core_decoder() -> sse_core::SseDecoder {
    sse_core::SseDecoder::with_limit(NonZeroUsize::new(16 << 20).unwrap())
}

fn sse_core(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    let mut n = 0;
    let mut decoder = sse_core_decoder();
    for mut piece in feed.chunks(input) {
        while let Some(event) = decoder.next(&mut piece) {
            if let sse_core::SseEvent::Message(event) = event.expect("no limit is hit") {
                n += 1;
                sink.event(
                    Some(event.event.as_bytes()),
                    event.data.as_bytes(),
                    event.last_event_id.as_deref().map(str::as_bytes),
                );
            }
        }
    }
    n
}

fn chunk_stream(
    input: &[u8],
    feed: Feed,
) -> futures::stream::Iter<impl Iterator<Item = Result<&[u8], Infallible>>> {
    futures::stream::iter(feed.chunks(input).map(Ok))
}

fn sse_stream(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    futures::executor::block_on(async {
        let mut n = 0;
        let mut stream = sse_stream::SseByteStream::new(chunk_stream(input, feed));
        while let Some(block) = stream.next().await {
            let block = block.expect("valid input");
            // It yields raw blocks: those without data fire nothing.
            if let Some(data) = &block.data {
                n += 1;
                sink.event(
                    block.event.as_deref().map(str::as_bytes),
                    data.as_bytes(),
                    block.id.as_deref().map(str::as_bytes),
                );
            }
        }
        n
    })
}

fn eventsource_stream(input: &[u8], feed: Feed, sink: &mut impl Sink) -> usize {
    use eventsource_stream::Eventsource;
    futures::executor::block_on(async {
        let mut n = 0;
        let mut stream = chunk_stream(input, feed).eventsource();
        while let Some(event) = stream.next().await {
            let event = event.expect("valid input");
            n += 1;
            sink.event(
                Some(event.event.as_bytes()),
                event.data.as_bytes(),
                Some(event.id.as_bytes()),
            );
        }
        n
    })
}

/// Every line end, found with `memchr2` chunk by chunk.
pub fn memchr2_lines(input: &[u8], feed: Feed) -> usize {
    let mut lines = 0;
    for piece in feed.chunks(input) {
        let mut at = 0;
        while let Some(i) = memchr::memchr2(b'\n', b'\r', &piece[at..]) {
            lines += 1;
            at += i + 1;
        }
    }
    lines
}

/// Every line end, found with `memchr2` in a read buffer the chunks are appended to; the
/// partial line stays at the buffer's front and is not searched again.
pub fn memchr2_buffered(input: &[u8], feed: Feed) -> usize {
    if feed == Feed::Whole {
        return memchr2_lines(input, feed);
    }
    let mut lines = 0;
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut searched = 0;
    for piece in feed.chunks(input) {
        buf.extend_from_slice(piece);
        let mut line_start = 0;
        while let Some(i) = memchr::memchr2(b'\n', b'\r', &buf[searched..]) {
            lines += 1;
            searched += i + 1;
            line_start = searched;
        }
        buf.drain(..line_start);
        searched = buf.len();
    }
    lines
}

/// Checks `imp` against our owned tier on `input` fed whole: same count, same events.
pub fn check(imp: Imp, input: &[u8], feed: Feed, reference: &[Owned]) -> Result<(), String> {
    if matches!(imp, Imp::Memchr2 | Imp::Memchr2Buffered) {
        let lines = input.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
        let got = imp.run(input, feed, &mut Touch::default());
        return if got == lines {
            Ok(())
        } else {
            Err(format!("memchr2 found {got} line ends, not {lines}"))
        };
    }
    let mut out = Collect::default();
    let n = imp.run(input, feed, &mut out);
    if n != reference.len() || out.0.len() != reference.len() {
        return Err(format!(
            "{} {}: {n} events, expected {}",
            imp.name(),
            feed.name(),
            reference.len()
        ));
    }
    if let Some(i) = (0..n).find(|&i| out.0[i] != reference[i]) {
        return Err(format!(
            "{} {}: event {i} differs: {:?} vs {:?}",
            imp.name(),
            feed.name(),
            out.0[i],
            reference[i]
        ));
    }
    Ok(())
}

/// The reference output: our owned tier on the whole input.
pub fn reference(input: &[u8]) -> Vec<Owned> {
    let mut out = Collect::default();
    Imp::OwnedDecode.run(input, Feed::Whole, &mut out);
    out.0
}

/// Encoder comparisons: the events to encode, the encoders, and the decode-back check.
pub mod encode {
    use bytes::BytesMut;
    use sse_wire::{Encode, EventId, EventRef, EventType};
    use tokio_util::codec::Encoder as _;

    use super::{inputs, reference, Owned};

    /// One event to encode, as the application holds it: borrowed-able strings.
    #[derive(Debug, Clone)]
    pub struct Fields {
        pub id: Option<String>,
        pub event_type: Option<&'static str>,
        pub data: String,
    }

    /// A list of events to encode.
    pub struct Workload {
        pub name: &'static str,
        pub events: Vec<Fields>,
    }

    /// Chat: `n` events with `id` (the sequence number), `event` and ~80 B of JSON data.
    pub fn chat(n: usize) -> Workload {
        Workload {
            name: "chat",
            events: (0..n)
                .map(|i| Fields {
                    id: Some(i.to_string()),
                    event_type: Some(inputs::chat_kind(i)),
                    data: inputs::chat_json(i),
                })
                .collect(),
        }
    }

    /// LLM tokens: `n` events of `{"id":..,"choices":[{"delta":{"content":"tok"}}]}`, data only.
    pub fn llm_tokens(n: usize) -> Workload {
        Workload {
            name: "llm_tokens",
            events: (0..n)
                .map(|i| Fields {
                    id: None,
                    event_type: None,
                    data: inputs::llm_json(i),
                })
                .collect(),
        }
    }

    pub fn all(n: usize) -> Vec<Workload> {
        vec![chat(n), llm_tokens(n)]
    }

    /// The caller's reused output buffers (russe writes into a `BytesMut`).
    #[derive(Debug, Default)]
    pub struct Out {
        pub vec: Vec<u8>,
        pub bytes: BytesMut,
    }

    /// An encoder under test.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Enc {
        /// sse-wire `EventRef::encode_to_vec`, borrowing the fields.
        Ours,
        /// sse-stream `Sse::encode` (owned `String` fields in, a fresh `Bytes` out, appended).
        SseStream,
        /// russe `Encoder` (`tokio_util::codec::Encoder<Event>`) into a reused `BytesMut`.
        Russe,
        /// One copy of our pre-encoded output into the reused buffer: the limit.
        Memcpy,
    }

    impl Enc {
        pub const ALL: [Enc; 4] = [Enc::Ours, Enc::SseStream, Enc::Russe, Enc::Memcpy];

        pub fn id(self) -> &'static str {
            match self {
                Enc::Ours => "sse_wire",
                Enc::SseStream => "sse_stream",
                Enc::Russe => "russe",
                Enc::Memcpy => "memcpy",
            }
        }

        /// Encodes every event of `events` into `out` (cleared first); `pre` is our
        /// pre-encoded output, used by `Memcpy` only. Returns the bytes written.
        pub fn run(self, events: &[Fields], pre: &[u8], out: &mut Out) -> usize {
            match self {
                Enc::Ours => {
                    let buf = &mut out.vec;
                    buf.clear();
                    for e in events {
                        let mut event = EventRef::new().with_data(&e.data);
                        if let Some(t) = e.event_type {
                            event = event.with_event_type(EventType::new(t).expect("valid"));
                        }
                        if let Some(id) = &e.id {
                            event = event.with_id(EventId::new(id).expect("valid"));
                        }
                        event.encode_to_vec(buf);
                    }
                    buf.len()
                }
                Enc::SseStream => {
                    let buf = &mut out.vec;
                    buf.clear();
                    for e in events {
                        let sse = sse_stream::Sse {
                            event: e.event_type.map(String::from),
                            data: Some(e.data.clone()),
                            id: e.id.clone(),
                            retry: None,
                        };
                        buf.extend_from_slice(&sse.encode().expect("valid"));
                    }
                    buf.len()
                }
                Enc::Russe => {
                    let buf = &mut out.bytes;
                    buf.clear();
                    let mut encoder = russe::Encoder::default();
                    for e in events {
                        let message = russe::Message {
                            data: bytestring::ByteString::from(e.data.as_str()),
                            event: e.event_type.map(bytestring::ByteString::from_static),
                            retry: None,
                            id: e.id.as_deref().map(bytestring::ByteString::from),
                        };
                        encoder
                            .encode(russe::Event::Message(message), buf)
                            .expect("valid");
                    }
                    buf.len()
                }
                Enc::Memcpy => {
                    let buf = &mut out.vec;
                    buf.clear();
                    buf.extend_from_slice(pre);
                    buf.len()
                }
            }
        }

        /// The bytes the last `run` wrote.
        pub fn output(self, out: &Out) -> &[u8] {
            match self {
                Enc::Russe => &out.bytes,
                _ => &out.vec,
            }
        }
    }

    /// Our encoding of every event of `events`.
    pub fn pre_encoded(events: &[Fields]) -> Vec<u8> {
        let mut out = Out::default();
        Enc::Ours.run(events, &[], &mut out);
        out.vec
    }

    /// Checks that `enc`'s output decodes (with `sse_wire::Decoder`) to exactly `events`:
    /// count, type, data and id.
    pub fn check(enc: Enc, events: &[Fields], pre: &[u8]) -> Result<(), String> {
        let mut out = Out::default();
        enc.run(events, pre, &mut out);
        let got = reference(enc.output(&out));
        if got.len() != events.len() {
            return Err(format!(
                "{}: {} events decoded, expected {}",
                enc.id(),
                got.len(),
                events.len()
            ));
        }
        for (i, (g, e)) in got.iter().zip(events).enumerate() {
            let want = Owned {
                event_type: e.event_type.unwrap_or("message").as_bytes().to_vec(),
                data: e.data.as_bytes().to_vec(),
                id: e.id.as_deref().unwrap_or_default().as_bytes().to_vec(),
            };
            if *g != want {
                return Err(format!(
                    "{}: event {i} differs: {g:?} vs {want:?}",
                    enc.id()
                ));
            }
        }
        Ok(())
    }
}
