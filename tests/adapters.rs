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

/// Writes `stream` through a pipe in pieces of `piece` bytes while `FramedRead` decodes.
async fn codec_items(
    stream: &'static [u8],
    piece: usize,
) -> Vec<Item<sse_wire::Event<bytes::Bytes>, bytes::Bytes>> {
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
    while let Some(item) = frames.next().await {
        items.push(item.expect("no limits exceeded"));
    }
    writing.await.unwrap();
    items
}

#[tokio::test]
async fn codec_yields_events_comments_and_retry_in_order_for_any_chunking() {
    let expected = reference::decode(STREAM);
    for piece in [1, 2, 3, 5, 8, STREAM.len()] {
        let items = codec_items(STREAM, piece).await;
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
async fn codec_discards_the_unfinished_event_at_eof_without_error() {
    let items = codec_items(b"data: done\n\ndata: half", 4).await;
    assert_eq!(items.len(), 1);
    let Item::Event(event) = &items[0] else {
        panic!("an event")
    };
    assert_eq!(event.data(), "done");
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
                let event = event.unwrap();
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
    let got: Vec<Observed> = block_on(EventStream::new(chunks).collect::<Vec<_>>())
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
