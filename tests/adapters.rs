//! The async adapters decode exactly what the reference decoder does, whatever the chunking.
#![cfg(all(feature = "tokio-util", feature = "stream"))]

mod common;

use common::reference::{self, Observed};
use futures::{executor::block_on, stream, StreamExt};
use sse_wire::{codec::SseCodec, stream::EventStream, stream::StreamError, Item, Limits};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::FramedRead;

const STREAM: &[u8] = b"\xEF\xBB\xBFretry: 7\r\n: ping\r\nid: 1\r\nevent: a\r\ndata: x\r\n\r\ndata: y\rdata\r\r\n: bye\ndata: unfinished";

fn observed_events(stream: &[u8]) -> Vec<Observed> {
    reference::decode(stream).events()
}

fn to_observed(event_type: &str, data: &str, id: &str) -> Observed {
    Observed::Event {
        event_type: event_type.to_string(),
        data: data.to_string(),
        last_event_id: id.to_string(),
    }
}

/// Writes `stream` through a pipe in pieces of `piece` bytes while `FramedRead` decodes;
/// returns the items and whether the input ended mid-event (the last result an error).
async fn codec_items(
    stream: &'static [u8],
    piece: usize,
) -> (Vec<Item<sse_wire::Event<bytes::Bytes>, bytes::Bytes>>, bool) {
    let (mut writer, reader) = tokio::io::duplex(16);
    let writing = tokio::spawn(async move {
        for chunk in stream.chunks(piece) {
            writer.write_all(chunk).await.unwrap();
            writer.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
    });
    let mut frames = FramedRead::new(reader, SseCodec::new());
    let mut items = Vec::new();
    let mut truncated = false;
    while let Some(item) = frames.next().await {
        match item {
            Err(sse_wire::codec::CodecError::Truncated) => truncated = true,
            item => {
                assert!(!truncated, "Truncated is the last item");
                items.push(item.expect("no limits exceeded"));
            }
        }
    }
    writing.await.unwrap();
    (items, truncated)
}

#[tokio::test]
async fn codec_yields_events_comments_and_retry_in_order_for_any_chunking() {
    let expected = reference::decode(STREAM);
    for piece in [1, 2, 3, 5, 8, STREAM.len()] {
        let (items, truncated) = codec_items(STREAM, piece).await;
        assert!(truncated, "STREAM ends mid-event");
        let observed: Vec<Observed> = items
            .into_iter()
            .map(|item| match item {
                Item::Event(event) => to_observed(
                    event.event_type(),
                    std::str::from_utf8(event.data()).unwrap(),
                    event.last_event_id(),
                ),
                Item::Comment(text) => {
                    Observed::Comment(String::from_utf8_lossy(&text).into_owned())
                }
                Item::Retry(ms) => Observed::Retry(ms),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(observed, expected.observed, "pieces of {piece}");
    }
}

#[tokio::test]
async fn codec_discards_the_unfinished_event_at_eof_and_reports_it() {
    let (items, truncated) = codec_items(b"data: done\n\ndata: half", 4).await;
    assert_eq!(items.len(), 1);
    let Item::Event(event) = &items[0] else {
        panic!("an event")
    };
    assert_eq!(event.data(), "done");
    assert!(truncated);
}

/// Streams that end between events (nothing the blank line would fire or set is pending, no
/// partial line) and streams that end mid-event, each with what the spec dispatches first.
const ENDINGS: &[(&[u8], bool)] = &[
    (b"", false),
    (b"data: a\n\n", false),
    (b"data: a\r\n\r\n", false),
    (b"data: a\r\r", false),
    (b"data: a\n\n: ping\n", false),
    (b"data: a\n\n:\n", false),
    (b"data: a\n\nretry: 5\n", false),
    (b"data: a\n\nevent: x\n", false),
    (b"data: a\n\nfoo: bar\n", false),
    (b"id: 1\n\n", false),
    (b"\xEF\xBB\xBFdata: a\n\n", false),
    (b"data: a\n", true),
    (b"data: a\r", true),
    (b"data: a\r\n", true),
    (b"data: a", true),
    (b"data", true),
    (b"data: a\n\ndata: b\nid: 2\n", true),
    (b"data: a\n\nid: 2\n", true),
    (b"data: a\n\nid:\n", true),
    (b"data: a\n\nid", true),
    (b"data: a\n\n: pi", true),
    (b"data: a\n\nevent: x\ndata: b\n", true),
    (b"data: a\n\nretry: 5", true),
    (b"\xEF\xBB", true),
];

#[test]
fn event_stream_tells_a_stream_cut_mid_event_from_one_ended_between_events_at_every_split() {
    for &(stream_bytes, mid_event) in ENDINGS {
        let expected = observed_events(stream_bytes);
        for cut in 0..=stream_bytes.len() {
            let chunks = stream::iter([
                Ok::<_, std::io::Error>(stream_bytes[..cut].to_vec()),
                Ok(stream_bytes[cut..].to_vec()),
            ]);
            let results: Vec<_> = block_on(EventStream::new(chunks).collect());
            let truncated = matches!(results.last(), Some(Err(StreamError::Truncated)));
            let what = format!("{:?} cut at {cut}", stream_bytes.escape_ascii().to_string());
            assert_eq!(truncated, mid_event, "{what}");
            let events = &results[..results.len() - usize::from(truncated)];
            let got: Vec<Observed> = events
                .iter()
                .map(|e| {
                    let e = e.as_ref().expect("only the last item is an error");
                    to_observed(e.event_type(), e.data(), e.last_event_id())
                })
                .collect();
            assert_eq!(got, expected, "{what}: the partial event is discarded");
        }
    }
}

#[tokio::test]
async fn codec_tells_a_stream_cut_mid_event_from_one_ended_between_events() {
    for &(stream_bytes, mid_event) in ENDINGS {
        let expected = observed_events(stream_bytes);
        for piece in [1, 2, 5, stream_bytes.len().max(1)] {
            let (items, truncated) = codec_items(stream_bytes, piece).await;
            let what = format!(
                "{:?} in pieces of {piece}",
                stream_bytes.escape_ascii().to_string()
            );
            assert_eq!(truncated, mid_event, "{what}");
            let got: Vec<Observed> = items
                .into_iter()
                .filter_map(|item| match item {
                    Item::Event(event) => Some(to_observed(
                        event.event_type(),
                        std::str::from_utf8(event.data()).unwrap(),
                        event.last_event_id(),
                    )),
                    _ => None,
                })
                .collect();
            assert_eq!(got, expected, "{what}");
        }
    }
}

#[tokio::test]
async fn codec_reports_a_limit_violation_as_an_error() {
    let reader: &[u8] = b"data: 0123456789\n\n";
    let mut frames = FramedRead::new(
        reader,
        SseCodec::with_limits(Limits::new().with_max_line_len(8)),
    );
    let first = frames.next().await.expect("an item");
    assert!(matches!(
        first,
        Err(sse_wire::codec::CodecError::Decode(
            sse_wire::DecodeError::LineTooLong { limit: 8 }
        ))
    ));
}

#[test]
fn event_stream_matches_the_reference_at_every_split() {
    let expected = observed_events(STREAM);
    for cut in 0..=STREAM.len() {
        let chunks = stream::iter([
            Ok::<_, std::io::Error>(STREAM[..cut].to_vec()),
            Ok(STREAM[cut..].to_vec()),
        ]);
        let mut events = EventStream::new(chunks);
        let got: Vec<Observed> = block_on(async {
            let mut got = Vec::new();
            while let Some(event) = events.next().await {
                // STREAM ends mid-event: the last item says so.
                let Ok(event) = event else {
                    assert!(matches!(event, Err(StreamError::Truncated)));
                    assert!(events.next().await.is_none());
                    break;
                };
                got.push(to_observed(
                    event.event_type(),
                    event.data(),
                    event.last_event_id(),
                ));
            }
            got
        });
        assert_eq!(got, expected, "cut at {cut}");
        assert_eq!(events.decoder().reconnection_time(), Some(7));
        assert_eq!(events.decoder().last_event_id(), "1");
    }
}

#[test]
fn event_stream_takes_bytes_and_byte_slices_one_byte_at_a_time() {
    let expected = observed_events(STREAM);
    let chunks = stream::iter(
        STREAM
            .chunks(1)
            .map(|c| Ok::<_, std::io::Error>(bytes::Bytes::copy_from_slice(c))),
    );
    let mut results = block_on(EventStream::new(chunks).collect::<Vec<_>>());
    assert!(matches!(results.pop(), Some(Err(StreamError::Truncated))));
    let got: Vec<Observed> = results
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            to_observed(e.event_type(), e.data(), e.last_event_id())
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn event_stream_passes_transport_errors_and_limit_errors_then_goes_on() {
    let chunks = stream::iter([
        Ok(&b"data: 0123456789\n\ndata: ok\n\n"[..]),
        Err("connection reset"),
        Ok(&b"data: after\n\n"[..]),
    ]);
    let decoder = sse_wire::Decoder::with_limits(Limits::new().with_max_line_len(12));
    let results: Vec<_> = block_on(EventStream::with_decoder(chunks, decoder).collect());
    assert!(matches!(
        results[0],
        Err(StreamError::Decode(sse_wire::DecodeError::LineTooLong {
            limit: 12
        }))
    ));
    assert_eq!(results[1].as_ref().unwrap().data(), "ok");
    assert!(matches!(
        results[2],
        Err(StreamError::Transport("connection reset"))
    ));
    assert_eq!(results[3].as_ref().unwrap().data(), "after");
    assert_eq!(results.len(), 4);
}

#[tokio::test]
async fn codec_encodes_exactly_what_encode_to_vec_writes() {
    use futures::SinkExt;
    use sse_wire::{Comment, Encode, EventId, EventRef, EventType};
    use tokio_util::codec::FramedWrite;

    let events = [
        EventRef::new().with_data("plain"),
        EventRef::new()
            .with_event_type(EventType::from_static("chat"))
            .with_id(EventId::new("7").unwrap())
            .with_retry(250)
            .with_data("two\r\nlines\r"),
        EventRef::new().with_id(EventId::new("8").unwrap()),
        EventRef::new().with_data(""),
    ];
    let mut expected = Vec::new();
    let mut out = FramedWrite::new(Vec::new(), SseCodec::new());
    for event in &events {
        event.encode_to_vec(&mut expected);
        out.send(event).await.unwrap();
        Comment::new("ping\nline").encode_to_vec(&mut expected);
        out.send(Comment::new("ping\nline")).await.unwrap();
    }
    out.send(EventRef::new().with_data("by value"))
        .await
        .unwrap();
    EventRef::new()
        .with_data("by value")
        .encode_to_vec(&mut expected);
    assert_eq!(out.get_ref(), &expected);
}

/// `FramedWrite` → pipe → `FramedRead`: what goes in as `EventRef`s comes out as events, with
/// every comment and `retry`, whatever the pipe's buffer size.
#[tokio::test]
async fn codec_round_trips_through_framed_write_and_framed_read() {
    use futures::SinkExt;
    use sse_wire::{Comment, EventId, EventRef, EventType};
    use tokio_util::codec::FramedWrite;

    const N: usize = 300;
    for pipe in [1, 7, 64, 4096] {
        let (writer, reader) = tokio::io::duplex(pipe);
        let writing = tokio::spawn(async move {
            let mut out = FramedWrite::new(writer, SseCodec::new());
            out.send(EventRef::new().with_retry(1500)).await.unwrap();
            for n in 0..N {
                let id = n.to_string();
                let data = format!("line {n}\nsecond\r\nthird {n}");
                let event = EventRef::new()
                    .with_event_type(
                        EventType::new(if n % 2 == 0 { "even" } else { "odd" }).unwrap(),
                    )
                    .with_id(EventId::new(&id).unwrap())
                    .with_data(&data);
                out.feed(event).await.unwrap();
                if n % 10 == 0 {
                    out.feed(Comment::keep_alive()).await.unwrap();
                }
            }
            // `close` exists for every item type the codec encodes: name one.
            SinkExt::<EventRef<'_>>::close(&mut out).await.unwrap();
        });
        let mut frames = FramedRead::new(reader, SseCodec::new());
        let (mut events, mut comments, mut retries) = (0, 0, Vec::new());
        while let Some(item) = frames.next().await {
            match item.unwrap() {
                Item::Event(event) => {
                    let n = events;
                    assert_eq!(event.event_type(), if n % 2 == 0 { "even" } else { "odd" });
                    assert_eq!(event.last_event_id(), n.to_string());
                    assert_eq!(
                        std::str::from_utf8(event.data()).unwrap(),
                        format!("line {n}\nsecond\nthird {n}")
                    );
                    events += 1;
                }
                Item::Comment(text) => {
                    assert!(text.is_empty());
                    comments += 1;
                }
                Item::Retry(ms) => retries.push(ms),
                _ => {}
            }
        }
        writing.await.unwrap();
        assert_eq!(
            (events, comments, retries),
            (N, N / 10, vec![1500]),
            "pipe of {pipe}"
        );
        assert_eq!(
            frames.decoder().decoder().last_event_id(),
            (N - 1).to_string()
        );
    }
}

#[test]
fn event_stream_takes_vec_chunks_and_ends_with_the_inner_stream() {
    let chunks = stream::iter(
        [&b"id: 3\ndata: a\n"[..], b"\n", b"data: b\n\ndata: never"]
            .map(|c| Ok::<_, std::io::Error>(c.to_vec())),
    );
    let mut events = EventStream::new(chunks);
    let got: Vec<String> = block_on(async {
        let mut got = Vec::new();
        while let Some(event) = events.next().await {
            match event {
                Ok(event) => got.push(event.data().to_string()),
                Err(StreamError::Truncated) => got.push("<truncated>".to_string()),
                Err(error) => panic!("{error}"),
            }
        }
        got
    });
    assert_eq!(got, ["a", "b", "<truncated>"]);
    assert_eq!(events.decoder().last_event_id(), "3");
    // Polling again after the end stays at the end.
    assert!(block_on(events.next()).is_none());
}
