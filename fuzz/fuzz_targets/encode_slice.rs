//! The encoder's output paths agree: `encode_to_slice` into a buffer of an input-chosen
//! length fails exactly when it is shorter than `encoded_len` (writing nothing), otherwise
//! it equals `encode_to_vec` (and `to_bytes`, `encode_to_buf`); the same for a comment; and
//! `EventWriter` fed the data in input-chosen pieces into input-chosen output sizes writes
//! exactly the one-shot encoding (`encode_checks::check_encode_slice`, `check_writer`).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use sse_wire::arbitrary::OwnedEvent;
use sse_wire::{Comment, Encode, EventRef};
use sse_wire_fuzz::encode_checks;

/// A length around `len`: exact, one short, anything shorter, or longer.
fn out_len(u: &mut Unstructured<'_>, len: usize) -> arbitrary::Result<usize> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => len,
        1 => len.saturating_sub(1),
        2 => u.int_in_range(0..=len)?,
        _ => len + usize::from(u.int_in_range(0..=16u8)?),
    })
}

fn run(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let owned;
    let event = if u.ratio(1u8, 2)? {
        EventRef::arbitrary(&mut u)?
    } else {
        owned = OwnedEvent::arbitrary(&mut u)?;
        owned.as_event_ref()
    };
    let len = out_len(&mut u, event.encoded_len())?;
    encode_checks::check_encode_slice(&event, len);

    let data_len = event.data().map_or(0, <[u8]>::len);
    let mut cuts = Vec::new();
    for _ in 0..u.int_in_range(0..=8u8)? {
        cuts.push(u.int_in_range(0..=data_len)?);
    }
    cuts.sort_unstable();
    let mut out_sizes = Vec::new();
    for _ in 0..u.int_in_range(0..=6u8)? {
        out_sizes.push(usize::from(u.int_in_range(0..=40u8)?));
    }
    encode_checks::check_writer(&event, &cuts, &out_sizes);

    let comment = Comment::arbitrary(&mut u)?;
    let len = out_len(&mut u, comment.encoded_len())?;
    encode_checks::check_comment_slice(&comment, len);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
