//! Proves the decoder's allocation claims by counting, per event: the event tier never
//! allocates; the owned tier allocates the data only, plus the type and ID when they change;
//! the bytes tier allocates nothing for single-line data.
#![cfg(feature = "alloc")]

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations_during;
use sse_wire::{Decoder, EventDecoder, Item, Status};

const EVENTS: usize = 1000;

fn stream(event: impl Fn(usize) -> String) -> Vec<u8> {
    (0..EVENTS).flat_map(|i| event(i).into_bytes()).collect()
}

fn llm(_: usize) -> String {
    "data: {\"choices\":[{\"delta\":{\"content\":\"tok\"}}]}\n\n".to_string()
}

fn chat(i: usize) -> String {
    format!("id: {i}\nevent: message.delta\ndata: {{\"n\":{i},\"text\":\"hello there\"}}\n\n")
}

#[test]
fn the_counter_sees_allocations() {
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 64]))) >= 1);
}

#[test]
fn event_tier_never_allocates_whatever_the_chunking() {
    let input = stream(chat);
    let mut buffer = Vec::with_capacity(input.len());
    let mut decoder = EventDecoder::new();
    let mut fired = 0;
    let allocations = allocations_during(|| {
        for chunk in input.chunks(4096) {
            buffer.extend_from_slice(chunk);
            let mut start = 0;
            while let Ok(decoded) = decoder.decode(&buffer[start..]) {
                start += decoded.consumed;
                match decoded.status {
                    Status::Complete(event) => fired += usize::from(event.data_single().is_some()),
                    Status::Partial => break,
                }
            }
            buffer.drain(..start);
        }
    });
    assert_eq!(fired, EVENTS);
    assert_eq!(allocations, 0);
}

#[test]
fn block_tier_with_its_stream_state_never_allocates() {
    let input = stream(chat);
    let mut buffer = Vec::with_capacity(input.len());
    let mut decoder = sse_wire::decode::BlockDecoder::new();
    let (mut fired, mut id_bytes) = (0, 0);
    let allocations = allocations_during(|| {
        for chunk in input.chunks(4096) {
            buffer.extend_from_slice(chunk);
            let mut start = 0;
            while let Ok(decoded) = decoder.decode(&buffer[start..]) {
                start += decoded.consumed;
                match decoded.status {
                    Status::Complete(block) => {
                        fired += usize::from(block.data_single().is_some());
                        id_bytes += block.last_event_id().len() + block.event_type().len();
                    }
                    Status::Partial => break,
                }
            }
            buffer.drain(..start);
        }
    });
    assert_eq!(fired, EVENTS);
    assert!(id_bytes > 0);
    assert_eq!(allocations, 0);
}

/// The lending path lends every event from its own buffers: after one warm-up pass over the
/// stream (its buffers grow to the stream's block size), none per event, for events whose type
/// and ID change every time, multi-line data and invalid UTF-8 (repaired into reused strings)
/// alike.
#[test]
fn lending_path_allocates_nothing_per_event_once_warm() {
    fn multi(i: usize) -> String {
        format!(
            "id: \u{e9}{i}\nevent: t{}\ndata: a\ndata: {i}\n: c\n\n",
            i % 7
        )
    }
    let invalid: Vec<u8> = (0..EVENTS)
        .flat_map(|i| {
            let mut e = format!("id: {i}\ndata: x").into_bytes();
            e.extend_from_slice(b"\xff\xfe\n\n");
            e
        })
        .collect();
    for (name, input) in [
        ("llm", stream(llm)),
        ("chat", stream(chat)),
        ("multi", stream(multi)),
        ("invalid", invalid),
    ] {
        let mut decoder = sse_wire::decode::LendingDecoder::new();
        let run = |decoder: &mut sse_wire::decode::LendingDecoder| {
            let (mut events, mut bytes) = (0, 0);
            for chunk in input.chunks(4096) {
                decoder.push(chunk);
                while let Some(item) = decoder.next_item() {
                    if let Item::Event(event) = item.unwrap() {
                        events += 1;
                        bytes += event.data().len()
                            + event.event_type().len()
                            + event.last_event_id().len();
                    }
                }
            }
            assert!(bytes > 0);
            events
        };
        assert_eq!(run(&mut decoder), EVENTS, "{name}");
        let mut events = 0;
        let allocations = allocations_during(|| events = run(&mut decoder));
        assert_eq!(events, EVENTS, "{name}");
        assert_eq!(allocations, 0, "{name}");
    }
}

/// The blocking reader over `std::io::Read`: no allocation per event once warm (its decoder's
/// buffers kept, as above), lending each event with `next_event`.
#[test]
fn event_reader_allocates_nothing_per_event_once_warm() {
    let input = stream(chat);
    let twice = [&input[..], &input[..]].concat();
    let mut reader = sse_wire::decode::EventReader::new(&twice[..]);
    let mut events = 0;
    while events < EVENTS {
        reader.next_event().unwrap().unwrap();
        events += 1;
    }
    let allocations = allocations_during(|| {
        while let Some(event) = reader.next_event() {
            assert!(!event.unwrap().data().is_empty());
            events += 1;
        }
    });
    assert_eq!(events, 2 * EVENTS);
    assert_eq!(allocations, 0);
}

/// Decodes `input` with a warm owned decoder; returns (events, allocations while decoding,
/// not counting the events' drops).
fn owned_allocations(input: &[u8]) -> (Vec<sse_wire::Event>, usize) {
    let mut decoder = Decoder::new();
    // Warm up: the decoder's own buffers reach their working size.
    for event in decoder.feed(input) {
        drop(event.unwrap());
    }
    let mut events = Vec::with_capacity(EVENTS);
    let allocations = allocations_during(|| {
        let mut rest = input;
        while let Ok(decoded) = decoder.decode(rest) {
            rest = &rest[decoded.consumed..];
            match decoded.status {
                Status::Complete(Item::Event(event)) => events.push(event),
                Status::Complete(_) => {}
                Status::Partial => break,
            }
        }
    });
    (events, allocations)
}

#[test]
fn owned_tier_allocates_the_data_only_when_type_and_id_repeat() {
    let (events, allocations) = owned_allocations(&stream(llm));
    assert_eq!(events.len(), EVENTS);
    assert_eq!(allocations, EVENTS, "one allocation per event: its data");

    let same_id_and_type = stream(|_| "id: 7\nevent: tick\ndata: {\"t\":1}\n\n".to_string());
    let (events, allocations) = owned_allocations(&same_id_and_type);
    assert_eq!(events[EVENTS - 1].last_event_id(), "7");
    assert_eq!(events[EVENTS - 1].event_type(), "tick");
    assert_eq!(
        allocations, EVENTS,
        "type and ID did not change: shared, not allocated"
    );
}

#[test]
fn owned_tier_allocates_a_changed_id_once() {
    let (events, allocations) = owned_allocations(&stream(chat));
    assert_eq!(events[41].last_event_id(), "41");
    assert_eq!(events[41].event_type(), "message.delta");
    assert_eq!(
        allocations,
        2 * EVENTS,
        "the data and the new ID; the repeated type is shared"
    );
}

#[cfg(feature = "bytes")]
#[test]
fn bytes_tier_never_copies_single_line_data() {
    let input = stream(llm);
    let mut decoder = sse_wire::BytesDecoder::new();
    let mut buffer = bytes::BytesMut::from(&input[..]);
    // The first split turns the buffer into a shared one: one allocation, before counting.
    let Some(Item::Event(first)) = decoder.decode(&mut buffer).unwrap() else {
        panic!()
    };
    let mut events = vec![first];
    events.reserve(EVENTS);
    let allocations = allocations_during(|| {
        while let Ok(Some(item)) = decoder.decode(&mut buffer) {
            if let Item::Event(event) = item {
                events.push(event);
            }
        }
    });
    assert_eq!(events.len(), EVENTS);
    assert_eq!(allocations, 0);
    assert_eq!(
        events[9].data(),
        "{\"choices\":[{\"delta\":{\"content\":\"tok\"}}]}"
    );
}

/// Huge events in a row, fed in 4 KiB reads: each one's data is streamed into a buffer
/// reserved at once from the last one's size and handed over as its `String`, so a 1 MiB event
/// costs one allocation, not the dozen of a buffer grown by doubling (and no memory is kept for
/// it between events).
#[test]
fn owned_tier_allocates_a_huge_event_once_when_huge_events_come_in_a_row() {
    let mut event = b"data: ".to_vec();
    event.resize(6 + (1 << 20), b'x');
    event.extend_from_slice(b"\n\n");
    let mut decoder = Decoder::new();
    // Room for the events up front: the test's own vector allocates nothing while counted.
    let mut fired = Vec::with_capacity(1);
    let feed = |decoder: &mut Decoder, fired: &mut Vec<sse_wire::Event>| {
        fired.clear();
        for chunk in event.chunks(4096) {
            fired.extend(decoder.feed(chunk).map(Result::unwrap));
        }
    };
    // The first one grows the buffer; its size is remembered.
    feed(&mut decoder, &mut fired);
    assert_eq!(fired.len(), 1);
    for _ in 0..3 {
        let allocations = allocations_during(|| feed(&mut decoder, &mut fired));
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].data().len(), 1 << 20);
        assert_eq!(allocations, 1, "one reservation per huge event");
    }
}
