//! Links the no_std tiers of sse-wire into a binary that has no std.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use sse_wire::decode::{EventDecoder, Fragment, LineDecoder};
use sse_wire::Status;

// The C runtime provides the process entry, `memcpy` and `bcmp`; nothing of Rust's std.
#[link(name = "c")]
extern "C" {}

/// `libcore` is precompiled with unwind tables that name this symbol; with `panic = "abort"`
/// it is never called.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

/// Decodes a block with every no_std tier so their code is linked.
#[no_mangle]
pub extern "C" fn main(_argc: isize, _argv: *const *const u8) -> isize {
    let input = b"event: e\ndata: a\ndata: b\n\n";
    let mut lines = LineDecoder::new();
    let mut count = 0;
    let mut rest: &[u8] = input;
    while let Ok(decoded) = lines.decode(rest) {
        rest = &rest[decoded.consumed..];
        match decoded.status {
            Status::Complete(_) => count += 1,
            Status::Partial => break,
        }
    }
    let mut events = EventDecoder::new();
    let mut joined = [0u8; 16];
    if let Ok(decoded) = events.decode(input) {
        if let Status::Complete(event) = decoded.status {
            count += event.copy_data_to(&mut joined).unwrap_or(0) as isize;
        }
    }
    let mut fragments = LineDecoder::new();
    let mut rest: &[u8] = input;
    while let Ok(decoded) = fragments.decode_fragment(rest) {
        rest = &rest[decoded.consumed..];
        match decoded.status {
            Status::Complete(Fragment::Data { piece, .. }) => count += piece.len() as isize,
            Status::Complete(_) => {}
            Status::Partial => break,
        }
    }
    count
}
