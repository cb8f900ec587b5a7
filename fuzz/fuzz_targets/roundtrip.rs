//! Encode, then decode: arbitrary frames (events with any type, ID, retry and data holding
//! CR, LF, CRLF, NUL, non-ASCII and invalid UTF-8; comments) encoded one after another come
//! back from every decoder tier, at a chunking the input chooses, as the frames after the
//! documented normalisation (`encode_checks::check_round_trip`). The frames come from the
//! library's own `arbitrary` feature: its biased `arbitrary::Stream` (whose model of the
//! decoded events is checked too), or, one time in four, `EventRef`s and `Comment`s
//! borrowing the raw input.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use sse_wire::{Comment, EventRef};
use sse_wire_fuzz::{checks, encode_checks};

fn run(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let count = u.int_in_range(0..=7u8)?;
    let mut sizes = Vec::new();
    for _ in 0..count {
        sizes.push(usize::from(u.int_in_range(0..=31u8)?));
    }
    if u.ratio(1u8, 4)? {
        let mut frames = Vec::new();
        for _ in 0..u.int_in_range(0..=8u8)? {
            frames.push(if u.ratio(1u8, 4)? {
                encode_checks::Frame::Comment(Comment::arbitrary(&mut u)?.text())
            } else {
                encode_checks::Frame::Event(EventRef::arbitrary(&mut u)?)
            });
        }
        let len = encode_checks::encode_all(&frames).len();
        encode_checks::check_round_trip(&frames, &checks::cuts_from_sizes(len, &sizes));
    } else {
        let stream = sse_wire::arbitrary::stream(&mut u)?;
        encode_checks::check_arbitrary_stream(&stream);
        let cuts = checks::cuts_from_sizes(stream.bytes().len(), &sizes);
        encode_checks::check_round_trip(&encode_checks::frames_of(&stream), &cuts);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
