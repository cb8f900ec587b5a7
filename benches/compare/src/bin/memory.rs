//! Allocation and memory figures, from a counting global allocator (not timing).
//!
//! ```sh
//! cargo run --release --manifest-path benches/compare/Cargo.toml --bin memory
//! ```
//!
//! Prints markdown: allocations and bytes allocated per event for every implementation on
//! every workload (4 KiB chunks, including the caller's read buffer where the API needs one),
//! `size_of` of each decoder, and the heap held while a 1 MiB line is incomplete and after its
//! event is gone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::task::{Context, Poll};

use futures::Stream;
use sse_wire::{Decoder, EventDecoder, Item, Status};
use sse_wire_compare::encode::{self as enc, Enc};
use sse_wire_compare::{inputs, sse_core_decoder};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size(), Relaxed);
        LIVE.fetch_add(layout.size(), Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size, Relaxed);
        LIVE.fetch_add(new_size, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A decoder driven one chunk at a time; events are looked at and dropped at once.
trait Incremental {
    /// Feeds one chunk; returns how many events fired.
    fn push(&mut self, chunk: &'static [u8]) -> usize;
    /// Heap capacity of the caller's read buffer, if the API needs one.
    fn caller_buffer(&self) -> usize {
        0
    }
    /// Swaps the caller's read buffer for an empty one, so that what it pinned is freed and
    /// measured rather than inferred from `capacity()` (a `BytesMut` still pins the front that
    /// was split off it, which its `capacity()` no longer counts).
    fn release_caller_buffer(&mut self) {}
}

struct EventTier {
    decoder: EventDecoder,
    buf: Vec<u8>,
}

impl Incremental for EventTier {
    fn caller_buffer(&self) -> usize {
        self.buf.capacity()
    }

    fn release_caller_buffer(&mut self) {
        self.buf = Vec::new();
    }

    fn push(&mut self, chunk: &'static [u8]) -> usize {
        let mut n = 0;
        self.buf.extend_from_slice(chunk);
        let mut start = 0;
        loop {
            let decoded = self.decoder.decode(&self.buf[start..]).unwrap();
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(event) => {
                    if event.fires() {
                        n += 1;
                        std::hint::black_box(event.data_single());
                    }
                }
                Status::Partial => break,
            }
        }
        self.buf.drain(..start);
        n
    }
}

struct FragmentTier {
    decoder: sse_wire::decode::LineDecoder,
    buf: Vec<u8>,
    data_lines: usize,
}

impl Incremental for FragmentTier {
    fn caller_buffer(&self) -> usize {
        self.buf.capacity()
    }

    fn release_caller_buffer(&mut self) {
        self.buf = Vec::new();
    }

    fn push(&mut self, chunk: &'static [u8]) -> usize {
        use sse_wire::decode::{Fragment, Line};
        let mut n = 0;
        // Decoded in place; only the unconsumed rest is kept (see the compare harness).
        let held = !self.buf.is_empty();
        if held {
            self.buf.extend_from_slice(chunk);
        }
        let mut start = 0;
        loop {
            let src: &[u8] = if held { &self.buf } else { chunk };
            let decoded = self.decoder.decode_fragment(&src[start..]).unwrap();
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Fragment::Data { piece, end }) => {
                    std::hint::black_box(piece);
                    self.data_lines += usize::from(end);
                }
                Status::Complete(Fragment::Line(Line::Blank)) => {
                    n += usize::from(self.data_lines > 0);
                    self.data_lines = 0;
                }
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        if held {
            self.buf.drain(..start);
        } else {
            self.buf.extend_from_slice(&chunk[start..]);
        }
        n
    }
}

struct OwnedDecode {
    decoder: Decoder,
    buf: Vec<u8>,
}

impl Incremental for OwnedDecode {
    fn caller_buffer(&self) -> usize {
        self.buf.capacity()
    }

    fn release_caller_buffer(&mut self) {
        self.buf = Vec::new();
    }

    fn push(&mut self, chunk: &'static [u8]) -> usize {
        let mut n = 0;
        self.buf.extend_from_slice(chunk);
        let mut start = 0;
        loop {
            let decoded = self.decoder.decode(&self.buf[start..]).unwrap();
            start += decoded.consumed;
            match decoded.status {
                Status::Complete(Item::Event(event)) => {
                    n += 1;
                    std::hint::black_box(event.data());
                }
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
        self.buf.drain(..start);
        n
    }
}

struct OwnedFeed(Decoder);

impl Incremental for OwnedFeed {
    fn push(&mut self, chunk: &'static [u8]) -> usize {
        let mut n = 0;
        for event in self.0.feed(chunk) {
            std::hint::black_box(event.unwrap());
            n += 1;
        }
        n
    }
}

struct BytesTier {
    decoder: sse_wire::BytesDecoder,
    buf: bytes::BytesMut,
}

impl Incremental for BytesTier {
    fn caller_buffer(&self) -> usize {
        self.buf.capacity()
    }

    fn release_caller_buffer(&mut self) {
        self.buf = bytes::BytesMut::new();
    }

    fn push(&mut self, chunk: &'static [u8]) -> usize {
        let mut n = 0;
        self.buf.extend_from_slice(chunk);
        while let Some(item) = self.decoder.decode(&mut self.buf).unwrap() {
            n += matches!(item, Item::Event(_)) as usize;
        }
        n
    }
}

struct SseCore(sse_core::SseDecoder);

impl Incremental for SseCore {
    fn push(&mut self, mut chunk: &'static [u8]) -> usize {
        let mut n = 0;
        while let Some(event) = self.0.next(&mut chunk) {
            n += matches!(event.unwrap(), sse_core::SseEvent::Message(_)) as usize;
        }
        n
    }
}

/// A byte stream that is `Pending` when no chunk is queued: a socket with nothing to read.
#[derive(Clone, Default)]
struct Socket(Rc<RefCell<VecDeque<&'static [u8]>>>);

impl Stream for Socket {
    type Item = Result<&'static [u8], Infallible>;
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.0.borrow_mut().pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None => Poll::Pending,
        }
    }
}

/// A peer's stream over a [`Socket`], polled until it waits for more bytes.
struct Polled<S: Stream> {
    socket: Socket,
    stream: Pin<Box<S>>,
    fires: fn(&S::Item) -> bool,
}

impl<S: Stream> Incremental for Polled<S> {
    fn push(&mut self, chunk: &'static [u8]) -> usize {
        self.socket.0.borrow_mut().push_back(chunk);
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut n = 0;
        while let Poll::Ready(Some(item)) = self.stream.as_mut().poll_next(&mut cx) {
            n += (self.fires)(&item) as usize;
        }
        n
    }
}

type SseStream = sse_stream::SseByteStream<Socket>;
type EventsourceStream = eventsource_stream::EventStream<Socket>;

fn sse_stream() -> Polled<SseStream> {
    let socket = Socket::default();
    Polled {
        stream: Box::pin(sse_stream::SseByteStream::new(socket.clone())),
        socket,
        fires: |item| item.as_ref().unwrap().data.is_some(),
    }
}

fn eventsource_stream() -> Polled<EventsourceStream> {
    use eventsource_stream::Eventsource;
    let socket = Socket::default();
    Polled {
        stream: Box::pin(socket.clone().eventsource()),
        socket,
        fires: |item| item.is_ok(),
    }
}

const IMPS: [&str; 8] = [
    "sse-wire event",
    "sse-wire fragment",
    "sse-wire owned decode",
    "sse-wire owned feed",
    "sse-wire bytes",
    "sse-core",
    "sse-stream",
    "eventsource-stream",
];

/// A fresh driver for implementation `i` of [`IMPS`].
fn driver(i: usize) -> Box<dyn Incremental> {
    match i {
        0 => Box::new(EventTier {
            decoder: EventDecoder::new(),
            buf: Vec::with_capacity(8192),
        }),
        1 => Box::new(FragmentTier {
            decoder: sse_wire::decode::LineDecoder::new(),
            buf: Vec::with_capacity(8192),
            data_lines: 0,
        }),
        2 => Box::new(OwnedDecode {
            decoder: Decoder::new(),
            buf: Vec::with_capacity(8192),
        }),
        3 => Box::new(OwnedFeed(Decoder::new())),
        4 => Box::new(BytesTier {
            decoder: sse_wire::BytesDecoder::new(),
            buf: bytes::BytesMut::with_capacity(8192),
        }),
        5 => Box::new(SseCore(sse_core_decoder())),
        6 => Box::new(sse_stream()),
        7 => Box::new(eventsource_stream()),
        _ => unreachable!(),
    }
}

fn counters() -> (usize, usize, usize) {
    (
        ALLOCS.load(Relaxed),
        BYTES.load(Relaxed),
        LIVE.load(Relaxed),
    )
}

fn scale() -> f64 {
    std::env::var("SSE_COMPARE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.1)
}

fn main() {
    let chunk = 4096;
    let workloads: Vec<_> = inputs::all(scale())
        .into_iter()
        .map(|w| (w.name, w.events, &*Vec::leak(w.bytes)))
        .collect();

    println!(
        "## Allocations per event (4 KiB chunks, scale {})\n",
        scale()
    );
    println!(
        "Counted from decoder creation through the last chunk, divided by events fired; includes"
    );
    println!(
        "the caller's read buffer where the API needs one (event, fragment, owned decode, bytes) and the"
    );
    println!("events themselves (dropped as soon as they are seen).\n");
    print!("| implementation |");
    for (name, ..) in &workloads {
        print!(" {name} |");
    }
    println!();
    println!("|---|{}", "---|".repeat(workloads.len()));
    for (i, imp) in IMPS.iter().enumerate() {
        print!("| {imp} |");
        for &(name, events, bytes) in &workloads {
            let (a0, b0, _) = counters();
            let mut d = driver(i);
            let mut n = 0;
            for piece in bytes.chunks(chunk) {
                n += d.push(piece);
            }
            drop(d);
            let (a1, b1, _) = counters();
            assert_eq!(n, events, "{imp} on {name}");
            let per = |x: usize| x as f64 / events as f64;
            print!(" {:.2} ({:.0} B) |", per(a1 - a0), per(b1 - b0));
        }
        println!();
    }

    println!("\n## Encoder allocations per event (10,000 events, reused buffer)\n");
    println!("Counted over a second pass into the same, already grown output buffer.\n");
    println!("| encoder | chat | llm_tokens |");
    println!("|---|---|---|");
    let enc_workloads = enc::all(10_000);
    for imp in Enc::ALL {
        print!("| {} |", imp.id());
        for w in &enc_workloads {
            let pre = enc::pre_encoded(&w.events);
            let mut out = enc::Out::default();
            imp.run(&w.events, &pre, &mut out);
            let (a0, b0, _) = counters();
            imp.run(&w.events, &pre, &mut out);
            let (a1, b1, _) = counters();
            let per = |x: usize| x as f64 / w.events.len() as f64;
            print!(" {:.2} ({:.0} B) |", per(a1 - a0), per(b1 - b0));
        }
        println!();
    }

    println!("\n## size_of\n");
    println!("| type | bytes |");
    println!("|---|---|");
    let sizes: [(&str, usize); 9] = [
        (
            "sse_wire::decode::LineDecoder",
            size_of::<sse_wire::decode::LineDecoder>(),
        ),
        ("sse_wire::EventDecoder", size_of::<EventDecoder>()),
        ("sse_wire::Decoder", size_of::<Decoder>()),
        (
            "sse_wire::BytesDecoder",
            size_of::<sse_wire::BytesDecoder>(),
        ),
        (
            "sse_wire::Event (String data)",
            size_of::<sse_wire::Event>(),
        ),
        ("sse_core::SseDecoder", size_of::<sse_core::SseDecoder>()),
        (
            "sse_stream::SseByteStream<S> (minus S)",
            size_of::<SseStream>() - size_of::<Socket>(),
        ),
        (
            "eventsource_stream::EventStream<S> (minus S)",
            size_of::<EventsourceStream>() - size_of::<Socket>(),
        ),
        ("memchr2 scan position", size_of::<usize>()),
    ];
    for (name, size) in sizes {
        println!("| `{name}` | {size} |");
    }

    // One 1 MiB event, then a small one, in 4 KiB chunks.
    let big = inputs::mib_lines(1).bytes;
    let mut stream = big.clone();
    stream.extend_from_slice(b"data: small\n\n");
    let stream: &'static [u8] = Vec::leak(stream);
    let half = big.len() / 2 / chunk * chunk;
    println!("\n## Heap held around a 1 MiB line (4 KiB chunks)\n");
    println!(
        "Live heap held by the decoder, and (after the `+`) by the caller's read buffer where"
    );
    println!(
        "the API needs one: while the line is half read (512 KiB in), and after its event and"
    );
    println!(
        "a small one were decoded and dropped, above the heap live before the decoder was made."
    );
    println!(
        "Half read: the buffer's share is its `capacity()`, the decoder's the rest. After the"
    );
    println!(
        "event: the live heap is measured, the caller's buffer alone is swapped for an empty one"
    );
    println!(
        "and the heap measured again; the decoder's share is what stays live, the buffer's what"
    );
    println!(
        "was freed (a `BytesMut` still pins the front split off it, which `capacity()` misses).\n"
    );
    println!("| implementation | line half read | after the event |");
    println!("|---|---|---|");
    for (i, imp) in IMPS.iter().enumerate() {
        let (_, _, live0) = counters();
        let mut d = driver(i);
        let mut n = 0;
        for piece in stream[..half].chunks(chunk) {
            n += d.push(piece);
        }
        let (_, _, during) = counters();
        let buf_during = d.caller_buffer();
        for piece in stream[half..].chunks(chunk) {
            n += d.push(piece);
        }
        let (_, _, after) = counters();
        d.release_caller_buffer();
        let (_, _, released) = counters();
        assert_eq!(n, 2, "{imp}");
        // Only APIs with a caller buffer get a `+` share; without one, releasing frees nothing.
        let buffered = buf_during > 0;
        assert!(buffered || released == after, "{imp}");
        drop(d);
        let kib = |x: usize| x as f64 / 1024.0;
        let held = |decoder: f64, buf: f64| {
            if buffered {
                format!("{decoder:.1} KiB + {buf:.1} KiB")
            } else {
                format!("{decoder:.1} KiB")
            }
        };
        println!(
            "| {imp} | {} | {} |",
            held(kib(during) - kib(live0) - kib(buf_during), kib(buf_during)),
            held(kib(released) - kib(live0), kib(after) - kib(released))
        );
    }
}
