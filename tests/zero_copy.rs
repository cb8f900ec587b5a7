//! Zero-copy proofs: borrowed data points into the caller's buffer (line and event tiers), and
//! single-line data at the bytes tier shares the `BytesMut`'s allocation.

use core::ops::Range;
use sse_wire::{EventDecoder, Line, LineDecoder, Status};

fn addresses(bytes: &[u8]) -> Range<usize> {
    let start = bytes.as_ptr() as usize;
    start..start + bytes.len()
}

/// `inner` lies within `outer`, by address.
fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (inner, outer) = (addresses(inner), addresses(outer));
    outer.start <= inner.start && inner.end <= outer.end
}

#[test]
fn line_tier_values_point_into_the_input() {
    let input = b"data: hello\nevent: e\nid: 1\n: note\n".to_vec();
    let mut decoder = LineDecoder::new();
    let mut at = 0;
    let mut seen = 0;
    loop {
        let decoded = decoder.decode(&input[at..]).unwrap();
        at += decoded.consumed;
        let value = match decoded.status {
            Status::Complete(Line::Data(v) | Line::Event(v) | Line::Id(v) | Line::Comment(v)) => v,
            Status::Complete(other) => panic!("unexpected {other:?}"),
            Status::Partial => break,
        };
        assert!(!value.is_empty());
        assert!(within(value, &input), "{value:?} was copied");
        seen += 1;
    }
    assert_eq!(seen, 4);
}

#[test]
fn event_tier_data_single_points_into_the_input() {
    let input = b"event: add\nid: 42\ndata: {\"n\":1}\n\ndata: a\ndata: b\n\n".to_vec();
    let mut decoder = EventDecoder::new();
    let decoded = decoder.decode(&input).unwrap();
    let Status::Complete(event) = decoded.status else {
        panic!("complete")
    };
    let data = event.data_single().expect("one data line");
    assert_eq!(data, b"{\"n\":1}");
    assert!(within(data, &input), "data was copied");
    assert_eq!(addresses(data).start, input.as_ptr() as usize + 24);
    assert!(within(event.event_type().unwrap(), &input));
    assert!(within(event.id().unwrap(), &input));
    assert!(within(event.as_bytes(), &input));

    let rest = &input[decoded.consumed..];
    let Status::Complete(event) = decoder.decode(rest).unwrap().status else {
        panic!("complete")
    };
    assert_eq!(event.data_single(), None, "two lines have no single slice");
    for line in event.data_lines() {
        assert!(within(line, &input), "data line was copied");
    }
}

/// Also when the block arrived in pieces (the caller appended to its buffer).
#[test]
fn event_tier_data_single_points_into_the_buffer_after_partial_calls() {
    let stream = b"data: piecewise\n\n";
    let mut decoder = EventDecoder::new();
    let mut buffer = Vec::with_capacity(64);
    for (i, &byte) in stream.iter().enumerate() {
        buffer.push(byte);
        let decoded = decoder.decode(&buffer).unwrap();
        if let Status::Complete(event) = decoded.status {
            assert_eq!(i, stream.len() - 1);
            let data = event.data_single().unwrap();
            assert_eq!(data, b"piecewise");
            assert!(within(data, &buffer));
            return;
        }
        buffer.drain(..decoded.consumed);
    }
    panic!("no event");
}

#[cfg(feature = "bytes")]
mod bytes_tier {
    use super::*;
    use bytes::BytesMut;
    use sse_wire::{BytesDecoder, Item};

    #[test]
    fn single_line_data_shares_the_bytes_mut_allocation() {
        let mut buf = BytesMut::with_capacity(256);
        buf.extend_from_slice(
            b": ping\nid: 1\ndata: {\"token\":\"hi\"}\n\ndata: a\ndata: b\n\ndata: \xff\n\n",
        );
        let allocation = {
            let start = buf.as_ptr() as usize;
            start..start + buf.capacity()
        };
        let in_allocation = |bytes: &[u8]| {
            let a = addresses(bytes);
            allocation.start <= a.start && a.end <= allocation.end
        };
        let mut decoder = BytesDecoder::new();

        let Some(Item::Comment(ping)) = decoder.decode(&mut buf).unwrap() else {
            panic!("comment")
        };
        assert_eq!(&ping[..], b"ping");
        assert!(in_allocation(&ping), "comment was copied");

        let Some(Item::Event(event)) = decoder.decode(&mut buf).unwrap() else {
            panic!("event")
        };
        assert_eq!(&event.data()[..], b"{\"token\":\"hi\"}");
        assert!(in_allocation(event.data()), "single-line data was copied");

        // Two lines must be joined: a new buffer, exactly the data.
        let Some(Item::Event(event)) = decoder.decode(&mut buf).unwrap() else {
            panic!("event")
        };
        assert_eq!(&event.data()[..], b"a\nb");
        assert!(!in_allocation(event.data()));

        // Invalid UTF-8 must be replaced: a copy too.
        let Some(Item::Event(event)) = decoder.decode(&mut buf).unwrap() else {
            panic!("event")
        };
        assert_eq!(&event.data()[..], "\u{FFFD}".as_bytes());
        assert!(!in_allocation(event.data()));
        assert_eq!(decoder.decode(&mut buf).unwrap(), None);
    }

    /// A line that arrived in pieces (the caller appending to its `BytesMut`) still shares it.
    #[test]
    fn single_line_data_shares_the_allocation_after_partial_calls() {
        let mut buf = BytesMut::with_capacity(256);
        let allocation = {
            let start = buf.as_ptr() as usize;
            start..start + buf.capacity()
        };
        let mut decoder = BytesDecoder::new();
        let mut event = None;
        for piece in [&b"da"[..], b"ta: sp", b"lit\r", b"\n\r\n"] {
            buf.extend_from_slice(piece);
            if let Some(Item::Event(e)) = decoder.decode(&mut buf).unwrap() {
                event = Some(e);
            }
        }
        let event = event.expect("an event");
        assert_eq!(&event.data()[..], b"split");
        let a = addresses(event.data());
        assert!(
            allocation.start <= a.start && a.end <= allocation.end,
            "data was copied"
        );
    }
}
