//! The scanner never rescans: feeding a long line one byte at a time costs one `memchr2` byte
//! per input byte, at every tier. Counted, not timed.

use super::scan::{LineScanner, Scan};
use super::Status;

const LONG: usize = 1 << 20;

fn long_stream() -> alloc::vec::Vec<u8> {
    let mut stream = b"data: ".to_vec();
    stream.resize(6 + LONG, b'x');
    stream.extend_from_slice(b"\n\n");
    stream
}

#[test]
fn line_scanner_scans_each_byte_once_when_fed_byte_by_byte() {
    let stream = long_stream();
    let mut scanner = LineScanner::new(usize::MAX);
    let mut buffer = alloc::vec::Vec::new();
    let mut lines = 0;
    for &byte in &stream {
        buffer.push(byte);
        match scanner.next_line(&buffer).unwrap() {
            Scan::Line { next, .. } => {
                buffer.drain(..next);
                lines += 1;
            }
            Scan::Partial { consumed } => drop(buffer.drain(..consumed)),
            Scan::Skipped { .. } => unreachable!("no limit"),
        }
    }
    assert_eq!(lines, 2);
    assert_eq!(scanner.scanned(), stream.len());
}

#[test]
fn event_tier_scans_each_byte_once_when_fed_byte_by_byte() {
    let stream = long_stream();
    let mut decoder = super::EventDecoder::new();
    let mut len = 0;
    let mut events = 0;
    for _ in &stream {
        len += 1;
        let decoded = decoder.decode(&stream[..len]).unwrap();
        assert!(decoded.consumed == 0 || decoded.consumed == len);
        if let Status::Complete(event) = decoded.status {
            assert_eq!(event.data_len(), LONG);
            events += 1;
        }
    }
    assert_eq!(events, 1);
    assert_eq!(decoder.scanner.scanned(), stream.len());
}

#[test]
fn streaming_tier_scans_each_byte_once_and_holds_at_most_six_when_fed_byte_by_byte() {
    let stream = long_stream();
    let mut decoder = super::LineDecoder::new();
    let mut buffer = alloc::vec::Vec::new();
    let (mut value, mut blank) = (0, 0);
    for &byte in &stream {
        buffer.push(byte);
        assert!(buffer.len() <= 6, "held {}", buffer.len());
        loop {
            let decoded = decoder.decode_fragment(&buffer).unwrap();
            let done = match decoded.status {
                Status::Complete(super::Fragment::Data { piece, .. }) => {
                    value += piece.len();
                    false
                }
                Status::Complete(super::Fragment::Line(super::Line::Blank)) => {
                    blank += 1;
                    false
                }
                Status::Complete(other) => panic!("{other:?}"),
                Status::Partial => true,
            };
            buffer.drain(..decoded.consumed);
            if done {
                break;
            }
        }
    }
    assert_eq!((value, blank), (LONG, 1));
    assert_eq!(decoder.scanner.scanned(), stream.len());
}

/// A data line over the line limit seen first by the scanner (after a BOM) is taken over by
/// the streaming tier, which searches on where the scanner stopped.
#[test]
fn streaming_tier_takes_over_an_over_long_data_line_without_searching_it_again() {
    let mut stream = b"\xEF\xBB\xBFdata: ".to_vec();
    stream.resize(stream.len() + 100, b'x');
    stream.extend_from_slice(b"\n\n");
    let mut decoder = super::LineDecoder::with_limits(super::Limits::new().with_max_line_len(8));
    let decoded = decoder.decode_fragment(&stream).unwrap();
    assert_eq!(
        decoded.status,
        Status::Complete(super::Fragment::Data {
            piece: &stream[9..109],
            end: true
        })
    );
    assert_eq!(decoded.consumed, 110);
    // The BOM is compared, not searched; every other byte through the data's LF once, and
    // that LF (where the scanner stopped) once more.
    assert_eq!(decoder.scanner.scanned(), 110 - 3 + 1);
}

/// The event tier's fast path (plain state) and its general loop share the count: a stream
/// with every kind of line end, split anywhere, is searched exactly once, byte for byte (the
/// LF of a CRLF is stepped over, not searched).
#[test]
fn event_tier_searches_each_byte_once_at_every_split() {
    // After the first block, blocks that start with a data line: one that is not followed by
    // its blank line (the quick path hands it to the loop) and one that is (taken whole).
    let stream: &[u8] = b"data: a\r\nid: 1\r\revent: e\ndata: b\n\ndata: x\ndata: y\r\n\r\n\
        data: z\r\n\r\n:c\r\n\r\ndata\r\r\n";
    for split in 0..=stream.len() {
        let mut decoder = super::EventDecoder::new();
        let mut buffer = alloc::vec::Vec::new();
        let mut events = 0;
        for part in [&stream[..split], &stream[split..]] {
            buffer.extend_from_slice(part);
            loop {
                let decoded = decoder.decode(&buffer).unwrap();
                let (consumed, fired) = match decoded.status {
                    Status::Complete(event) => (decoded.consumed, Some(event.fires())),
                    Status::Partial => (decoded.consumed, None),
                };
                buffer.drain(..consumed);
                match fired {
                    Some(fires) => events += usize::from(fires),
                    None => break,
                }
            }
        }
        assert_eq!(events, 5, "split at {split}");
        let crlf = stream.windows(2).filter(|pair| pair == b"\r\n").count();
        assert_eq!(
            decoder.scanner.scanned(),
            stream.len() - crlf,
            "split at {split}"
        );
    }
}

#[cfg(feature = "alloc")]
#[test]
fn owned_tier_scans_each_byte_once_when_fed_byte_by_byte() {
    let stream = long_stream();
    let mut decoder = super::Decoder::new();
    let mut events = 0;
    for byte in stream.chunks(1) {
        for event in decoder.feed(byte) {
            assert_eq!(event.unwrap().data().len(), LONG);
            events += 1;
        }
    }
    assert_eq!(events, 1);
    assert_eq!(decoder.scanned(), stream.len());
}

/// Big chunks that continue a partial line: `feed` looks for that line's end itself and
/// credits the bytes it searched to the scanner, so the count stays exact.
#[cfg(feature = "alloc")]
#[test]
fn owned_feed_searches_each_byte_once_in_big_chunks() {
    let mut stream = alloc::vec::Vec::new();
    let mut data_len = 0;
    for i in 0..200 {
        let len = 1 + (i * 7919) % 3000;
        stream.extend_from_slice(b"data: ");
        stream.resize(stream.len() + len, b'a' + (i % 26) as u8);
        stream.extend_from_slice(b"\n\n");
        data_len += len;
    }
    for size in [600, 1000, 4096] {
        let mut decoder = super::Decoder::new();
        let mut got = 0;
        for chunk in stream.chunks(size) {
            for event in decoder.feed(chunk) {
                got += event.unwrap().data().len();
            }
        }
        assert_eq!(got, data_len, "chunks of {size}");
        assert_eq!(decoder.scanned(), stream.len(), "chunks of {size}");
    }
}

#[cfg(feature = "alloc")]
#[test]
fn owned_decoder_lets_go_of_a_huge_event_once_it_is_gone() {
    let stream = long_stream();
    let mut decoder = super::Decoder::new();
    let mut events = 0;
    for chunk in stream.chunks(4096) {
        for event in decoder.feed(chunk) {
            assert_eq!(event.unwrap().data().len(), LONG);
            events += 1;
        }
    }
    assert_eq!(events, 1);
    // The next chunk ends the huge line's tail use; nothing of it may stay allocated.
    assert_eq!(decoder.feed(b"data: small\n\n").count(), 1);
    assert!(
        decoder.buf.capacity() <= 64 * 1024,
        "{}",
        decoder.buf.capacity()
    );
}

#[cfg(feature = "alloc")]
#[test]
fn lending_decoder_scans_each_byte_once_fed_byte_by_byte_and_lets_go_of_the_huge_event() {
    let stream = long_stream();
    let mut decoder = super::LendingDecoder::new();
    let mut events = 0;
    for byte in stream.chunks(1) {
        decoder.push(byte);
        while let Some(item) = decoder.next_item() {
            match item.unwrap() {
                super::Item::Event(event) => {
                    assert_eq!(event.data().len(), LONG);
                    events += 1;
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(events, 1);
    assert_eq!(decoder.scanned(), stream.len());
    decoder.push(b"data: small\n\n");
    assert_eq!(decoder.next_item().map(|item| item.is_ok()), Some(true));
    assert!(decoder.next_item().is_none());
    assert!(
        decoder.text_capacity() <= 64 * 1024,
        "{}",
        decoder.text_capacity()
    );
}
