//! `Limits::for_buffer`: every tier that needs lines or blocks whole in the caller's buffer
//! decodes any stream through a fixed buffer of that size — a full buffer is never a dead end —
//! and yields what it yields with the whole stream in hand (the same limits).

use proptest::prelude::*;
use sse_wire::decode::{BlockBuffer, BlockDecoder};
use sse_wire::{DecodeError, Decoded, EventDecoder, Fragment, Limits, LineDecoder, Status};

/// What a tier reported, as comparable text.
type Log = Vec<String>;

/// Feeds `stream` through a buffer of `capacity` bytes in reads of at most `read` bytes,
/// calling `step` on the held bytes until it needs more; `None` if the buffer filled up with
/// nothing consumable (the dead end `for_buffer` rules out).
fn through_buffer(
    stream: &[u8],
    capacity: usize,
    read: usize,
    mut step: impl FnMut(&[u8], &mut Log) -> Result<Decoded<()>, DecodeError>,
) -> Option<Log> {
    let mut buffer = vec![0u8; capacity];
    let (mut held, mut fed, mut log) = (0, 0, Log::new());
    loop {
        let n = read.min(capacity - held).min(stream.len() - fed);
        buffer[held..held + n].copy_from_slice(&stream[fed..fed + n]);
        held += n;
        fed += n;
        let mut start = 0;
        loop {
            match step(&buffer[start..held], &mut log) {
                Ok(decoded) => {
                    start += decoded.consumed;
                    if decoded.status.is_partial() {
                        break;
                    }
                }
                // Which limit a block breaks first (its line or the block) depends on how much
                // of it is in hand; either way it is one error and the block is dropped.
                Err(DecodeError::LineTooLong { .. } | DecodeError::EventTooLong { .. }) => {
                    log.push("limit".into())
                }
                Err(error) => log.push(format!("{error}")),
            }
        }
        buffer.copy_within(start..held, 0);
        held -= start;
        if fed == stream.len() {
            return Some(log);
        }
        if held == capacity {
            return None;
        }
    }
}

/// The same tier with the whole stream in one buffer.
fn whole(
    stream: &[u8],
    step: impl FnMut(&[u8], &mut Log) -> Result<Decoded<()>, DecodeError>,
) -> Log {
    through_buffer(stream, stream.len().max(1), stream.len().max(1), step).unwrap_or_default()
}

/// `decoded` with its item, if any, written to `log` by `show` (`None`: nothing to log yet).
fn logged<T>(
    decoded: Decoded<T>,
    log: &mut Log,
    show: impl FnOnce(T) -> Option<String>,
) -> Decoded<()> {
    let status = match decoded.status {
        Status::Complete(item) => {
            log.extend(show(item));
            Status::Complete(())
        }
        Status::Partial => Status::Partial,
    };
    Decoded {
        consumed: decoded.consumed,
        status,
    }
}

fn lines(limits: Limits) -> impl FnMut(&[u8], &mut Log) -> Result<Decoded<()>, DecodeError> {
    let mut decoder = LineDecoder::with_limits(limits);
    move |input, log| {
        Ok(logged(decoder.decode(input)?, log, |line| {
            Some(format!("{line:?}"))
        }))
    }
}

fn fragments(limits: Limits) -> impl FnMut(&[u8], &mut Log) -> Result<Decoded<()>, DecodeError> {
    let mut decoder = LineDecoder::with_limits(limits);
    // Data pieces split wherever the reads do: joined, so only the lines are compared.
    let mut data = Vec::new();
    move |input, log| {
        Ok(logged(
            decoder.decode_fragment(input)?,
            log,
            |fragment| match fragment {
                Fragment::Data { piece, end } => {
                    data.extend_from_slice(piece);
                    end.then(|| format!("data {}", core::mem::take(&mut data).escape_ascii()))
                }
                other => Some(format!("{other:?}")),
            },
        ))
    }
}

fn events(limits: Limits) -> impl FnMut(&[u8], &mut Log) -> Result<Decoded<()>, DecodeError> {
    let mut decoder = EventDecoder::with_limits(limits);
    move |input, log| {
        Ok(logged(decoder.decode(input)?, log, |event| {
            // Not `as_bytes`: whether a CRLF blank line's LF is in the block depends on the read.
            let data: Vec<_> = event.data_lines().map(<[u8]>::escape_ascii).collect();
            Some(format!("{event:?} {data:?}"))
        }))
    }
}

fn blocks(limits: Limits) -> impl FnMut(&[u8], &mut Log) -> Result<Decoded<()>, DecodeError> {
    let mut decoder = BlockDecoder::with_limits(limits);
    move |input, log| {
        Ok(logged(decoder.decode(input)?, log, |block| {
            Some(format!("{block:?}"))
        }))
    }
}

/// Streams of short lines and long ones, every kind of line end, and a BOM now and then.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            &b"data: "[..], b"data:", b"event: ", b"id: ", b"retry: 5", b": c", b"x", b"\n",
            b"\r", b"\r\n", b"\n\n", b"\xef\xbb\xbf",
        ])
        .prop_map(<[u8]>::to_vec),
        1 => prop::collection::vec(prop::sample::select(b"ab:".to_vec()), 0..80),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_stream_decodes_through_a_buffer_of_the_limits_size(
        stream in stream(),
        capacity in 8usize..72,
        read in 1usize..80,
    ) {
        let limits = Limits::for_buffer(capacity);
        type Tier = fn(Limits) -> Box<dyn FnMut(&[u8], &mut Log) -> Result<Decoded<()>, DecodeError>>;
        let tiers: [(&str, Tier); 4] = [
            ("line", |l| Box::new(lines(l))),
            ("fragment", |l| Box::new(fragments(l))),
            ("event", |l| Box::new(events(l))),
            ("block", |l| Box::new(blocks(l))),
        ];
        for (name, tier) in tiers {
            let expected = whole(&stream, tier(limits));
            let through = through_buffer(&stream, capacity, read, tier(limits));
            prop_assert_eq!(through.as_ref(), Some(&expected), "{} tier, capacity {}", name, capacity);
        }
    }
}

/// `BlockBuffer<N>` over `stream` in pushes of at most `read` bytes; `None` if a push found no
/// room while `next_block` had nothing to give (a dead end).
fn block_buffer<const N: usize>(stream: &[u8], read: usize) -> Option<Log> {
    let mut buffer = BlockBuffer::<N>::new();
    let (mut log, mut rest) = (Log::new(), stream);
    while !rest.is_empty() {
        let pushed = buffer.push(&rest[..read.min(rest.len())]);
        rest = &rest[pushed..];
        let mut took = false;
        loop {
            match buffer.next_block() {
                Ok(Some(block)) => {
                    took = true;
                    log.push(format!("{block:?}"));
                }
                Ok(None) => break,
                Err(DecodeError::LineTooLong { .. } | DecodeError::EventTooLong { .. }) => {
                    took = true;
                    log.push("limit".into());
                }
                Err(error) => log.push(format!("{error}")),
            }
        }
        if pushed == 0 && !took {
            return None;
        }
    }
    Some(log)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_block_buffer_decodes_every_stream_as_its_decoder_does(
        stream in stream(),
        read in 1usize..80,
    ) {
        let whole_at = |n: usize| whole(&stream, blocks(Limits::for_buffer(n)));
        prop_assert_eq!(block_buffer::<12>(&stream, read), Some(whole_at(12)));
        prop_assert_eq!(block_buffer::<33>(&stream, read), Some(whole_at(33)));
        prop_assert_eq!(block_buffer::<64>(&stream, read), Some(whole_at(64)));
    }
}

#[test]
fn a_block_buffer_caps_the_limits_it_is_given_and_keeps_the_stream_state() {
    // A line limit over the buffer's size would be a dead end: it is capped.
    let mut buffer = BlockBuffer::<16>::with_limits(Limits::new().with_max_line_len(1000));
    let mut rest: &[u8] = b"data: 0123456789abcdef\n\nid:9\ndata:x\n\n";
    rest = &rest[buffer.push(rest)..];
    assert_eq!(rest.len(), 37 - 16);
    assert_eq!(
        buffer.next_block().map(|_| ()),
        Err(DecodeError::LineTooLong { limit: 12 })
    );
    let mut data = Vec::new();
    // Bounded: a buffer that never makes room would loop here.
    for _ in 0..rest.len() {
        rest = &rest[buffer.push(rest)..];
        while let Some(block) = buffer.next_block().unwrap() {
            data.push(block.data_single().unwrap_or_default().to_vec());
        }
    }
    assert_eq!(data, [b"x".to_vec()]);
    assert_eq!(buffer.last_event_id(), b"9");
    buffer.push(b"data: cut");
    buffer.finish();
    assert_eq!(buffer.last_event_id(), b"9");
    assert_eq!(buffer.push(b"data: y\n\n"), 9);
    assert_eq!(
        buffer.next_block().unwrap().and_then(|b| b.data_single()),
        Some(&b"y"[..])
    );
}

#[test]
fn a_block_at_the_limits_with_crlf_fills_the_buffer_exactly() {
    const CAPACITY: usize = 16;
    let limits = Limits::for_buffer(CAPACITY);
    // 12 bytes of block (the limit), CRLF, CRLF: 16 bytes, all needed at once.
    let stream = b"data:a\r\ndata\r\n\r\ndata: b\r\n\r\n";
    assert_eq!(b"data:a\r\ndata".len(), limits.max_event_len());
    let expected = whole(stream, blocks(limits));
    assert_eq!(expected.len(), 2);
    assert_eq!(
        through_buffer(stream, CAPACITY, 1, blocks(limits)).as_ref(),
        Some(&expected)
    );
    // The blank line's CR ends the block at once (its LF is skipped later): one byte less
    // still passes, two less can never complete the first block.
    assert_eq!(
        through_buffer(stream, CAPACITY - 1, 1, blocks(limits)).as_ref(),
        Some(&expected)
    );
    assert_eq!(
        through_buffer(stream, CAPACITY - 2, 1, blocks(limits)),
        None
    );
}
