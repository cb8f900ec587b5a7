//! Each browser engine's known deviations from the spec, as exact rewrites of a stream: the
//! stream the spec reads as the engine reads the original. The browser tests compare an
//! engine's events with the reference decoder's reading of the rewritten stream, so each
//! deviation is named once, here, and everything else must agree with the spec.
//!
//! Measured on Chromium 156, Firefox 153 ESR and WebKitGTK 2.50 (Debian bookworm), and read off
//! the engines' parsers (Blink `EventSourceParser::AddBytes`, Gecko `EventSourceImpl::
//! ParseCharacter`, WebKit `EventSource::didReceiveData`'s decoder use). Included with `#[path]`
//! by the browser tests.

#![allow(dead_code)]

use crate::engine::Engine;

/// One named deviation that changed how a stream reads.
pub type Applied = &'static str;

/// What `engine` reads when served `stream` in writes cut at `cuts`: the readings it may
/// produce, as streams for the spec to read, each with the deviations that made it. The first
/// is the spec's own reading of the original unless a deviation always applies; a reading that
/// depends on how TCP delivers the writes (which the test cannot fix) is offered beside it.
pub fn readings(engine: Engine, stream: &[u8], cuts: &[usize]) -> Vec<(Vec<u8>, Vec<Applied>)> {
    let spec = (stream.to_vec(), Vec::new());
    match engine {
        Engine::Chromium => match chromium_bom_line_break(stream) {
            Some(adjusted) => vec![spec, (adjusted, vec![CHROMIUM_BOM_LINE_BREAK])],
            None => vec![spec],
        },
        Engine::Firefox => {
            let (rewritten, applied) = firefox(stream);
            vec![(rewritten, applied)]
        }
        Engine::WebKit => {
            if let Some(text) = webkit_utf16_bom(stream) {
                // Sniffed only when one read holds both bytes, like the UTF-8 BOM.
                let utf16 = (text, vec![WEBKIT_UTF16_BOM]);
                return match cuts.iter().copied().find(|&c| c > 0) {
                    Some(1) => vec![spec, utf16],
                    _ => vec![utf16],
                };
            }
            match webkit_split_bom(stream, cuts) {
                Some(adjusted) => vec![spec, (adjusted, vec![WEBKIT_SPLIT_BOM])],
                None => vec![spec],
            }
        }
    }
}

pub const CHROMIUM_BOM_LINE_BREAK: Applied =
    "Chromium: a line break right after the BOM is not one";
pub const WEBKIT_SPLIT_BOM: Applied = "WebKit: a BOM split across reads is kept";
pub const WEBKIT_UTF16_BOM: Applied = "WebKit: a UTF-16 BOM switches the stream to UTF-16";
pub const FIREFOX_NUL_DROPPED: Applied = "Firefox: NUL dropped from a field value";
pub const FIREFOX_NUL_AT_LINE_START: Applied =
    "Firefox: NUL dropped at the start of a line after LF";
pub const FIREFOX_AFTER_NUL_ID: Applied = "Firefox: the field line after an id with NUL is lost";
pub const FIREFOX_NUL_FIRST_IN_ID: Applied = "Firefox: an id whose value starts with NUL is set";
pub const FIREFOX_ID_ONLY_BLOCK: Applied =
    "Firefox: the id of a block that fires nothing is dropped";

/// **Chromium: a line break right after the leading BOM is not a line break.**
///
/// Spec ("Interpreting an event stream" decodes the stream with *UTF-8 decode*, which strips
/// one leading BOM, and only then splits lines on CRLF, LF or CR): in `BOM LF id: 1 LF`, the
/// LF is an empty line and `id: 1` is a field. Chromium's `EventSourceParser::AddBytes`
/// recognises the BOM when it looks at the byte after it, then `continue`s past that byte
/// without checking it for a line break: a CR or LF there becomes the first byte of the first
/// line, whose field name then starts with it and is ignored (`id: 1` above is lost). So
/// Chromium reads such a stream as the spec reads it with that byte replaced by an ordinary
/// byte (`-`), which makes the line an ignored field just the same.
pub fn chromium_bom_line_break(stream: &[u8]) -> Option<Vec<u8>> {
    let rest = stream.strip_prefix(b"\xEF\xBB\xBF")?;
    if !rest.starts_with(b"\r") && !rest.starts_with(b"\n") {
        return None;
    }
    let mut adjusted = stream.to_vec();
    adjusted[3] = b'-';
    Some(adjusted)
}

/// **WebKit: a leading BOM split across network reads is not stripped.** WebKitGTK strips a
/// UTF-8 BOM only when one read holds all three bytes; split, the BOM stays and becomes part
/// of the first line's field name, so the first line is ignored. Reads as the spec reads the
/// stream with a second BOM in front (the spec strips one, the other stays). When the first
/// write is shorter than the BOM TCP may still deliver both writes in one read, so the test
/// accepts either reading.
pub fn webkit_split_bom(stream: &[u8], cuts: &[usize]) -> Option<Vec<u8>> {
    let first_write = cuts.iter().copied().find(|&c| c > 0)?;
    (stream.starts_with(b"\xEF\xBB\xBF") && first_write < 3)
        .then(|| [&b"\xEF\xBB\xBF"[..], stream].concat())
}

/// Stands in for a NUL the spec would not keep (a private-use character no test stream has).
pub const NUL_STAND_IN: &str = "\u{E000}";

/// Undoes [`NUL_STAND_IN`] in what the spec read from a rewritten stream.
pub fn restore(text: &str) -> String {
    text.replace(NUL_STAND_IN, "\0")
}

/// **WebKit: a UTF-16 byte order mark switches the decoder to UTF-16.** The spec always
/// decodes UTF-8 (`FF FE` is two invalid bytes, U+FFFD twice, part of the first line); WebKit's
/// text decoder sniffs `FF FE` (`FE FF`) and decodes the rest as UTF-16LE (BE). Reads as the
/// spec reads that UTF-16 text written as UTF-8 (an odd last byte is U+FFFD). Like the UTF-8
/// BOM, it is sniffed only when one network read holds both bytes; split, WebKit reads UTF-8.
pub fn webkit_utf16_bom(stream: &[u8]) -> Option<Vec<u8>> {
    let little = match stream.get(..2)? {
        [0xFF, 0xFE] => true,
        [0xFE, 0xFF] => false,
        _ => return None,
    };
    let units: Vec<u16> = stream[2..]
        .chunks(2)
        .map(|pair| match *pair {
            [a, b] if little => u16::from_le_bytes([a, b]),
            [a, b] => u16::from_be_bytes([a, b]),
            _ => 0xFFFD,
        })
        .collect();
    Some(String::from_utf16_lossy(&units).into_bytes())
}

/// A line of the stream (after the one stripped BOM) and the terminator that ended it (empty
/// for an unterminated tail).
fn lines(stream: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        match rest.iter().position(|&b| b == b'\r' || b == b'\n') {
            None => {
                out.push((rest, &rest[rest.len()..]));
                break;
            }
            Some(at) => {
                let len = if rest[at..].starts_with(b"\r\n") {
                    2
                } else {
                    1
                };
                out.push((&rest[..at], &rest[at..at + len]));
                rest = &rest[at + len..];
            }
        }
    }
    out
}

fn field_name(line: &[u8]) -> &[u8] {
    line.split(|&b| b == b':').next().unwrap_or(line)
}

/// **Firefox (Gecko's `EventSourceImpl::ParseCharacter`)**, five deviations, applied in the
/// order Gecko's character loop meets them:
///
/// 1. *NUL dropped at the start of a line after LF* (its begin-of-line state skips NUL, so
///    `LF NUL LF` is a blank line that dispatches). After CR, or at the stream start, a NUL
///    is part of the field name, as in the spec.
/// 2. *NUL dropped from a field value*, except as the value's first character (the state
///    for the first character after the colon appends it).
/// 3. *The field line after an `id` line with NUL in its value is lost*: Gecko ignores the
///    `id` (as the spec does) but leaves `id` as the pending field name, so the next field
///    line's name becomes `id…` and is ignored; comments in between keep it pending, a blank
///    line clears it.
/// 4. *An `id` whose value starts with NUL is set* (`id:` NUL `7`, no space): the state for
///    the first value character appends NUL without the `id` check the later state has, so
///    `lastEventId` becomes NUL `7`; the spec ignores an ID containing NUL.
/// 5. *The `id` of a block that fires nothing is dropped*: Gecko keeps the `id` with the
///    pending message and applies it only when that message is dispatched, so `id: 7` + blank
///    line does not change `lastEventId` (nor, on reconnection, `Last-Event-ID`).
///
/// Returns the rewritten stream (lost or dropped lines become empty comments) and the
/// deviations that changed it.
pub fn firefox(stream: &[u8]) -> (Vec<u8>, Vec<Applied>) {
    let (bom, body) = match stream.strip_prefix(b"\xEF\xBB\xBF") {
        Some(body) => (&stream[..3], body),
        None => (&stream[..0], stream),
    };
    let mut applied = Vec::new();
    let mut note = |what: Applied| {
        if !applied.contains(&what) {
            applied.push(what);
        }
    };
    // Pass 1: the character-level deviations, line by line.
    let mut rewritten: Vec<(Vec<u8>, &[u8])> = Vec::new();
    let mut after_lf = false;
    let mut id_pending = false;
    for (line, terminator) in lines(body) {
        let mut line = line;
        if after_lf && line.first() == Some(&0) {
            note(FIREFOX_NUL_AT_LINE_START);
            while line.first() == Some(&0) {
                line = &line[1..];
            }
        }
        after_lf = terminator.ends_with(b"\n");
        let out = if line.is_empty() {
            id_pending = false;
            Vec::new()
        } else if line[0] == b':' {
            line.to_vec()
        } else if id_pending {
            id_pending = false;
            note(FIREFOX_AFTER_NUL_ID);
            b":".to_vec()
        } else {
            let name = field_name(line);
            match line.get(name.len() + 1..) {
                None => line.to_vec(),
                Some([]) => line.to_vec(),
                Some(value) => {
                    let (first, later) = value.split_at(1);
                    if name == b"id" && later.contains(&0) {
                        id_pending = true;
                    }
                    if later.contains(&0) && name != b"id" {
                        note(FIREFOX_NUL_DROPPED);
                    }
                    let mut out = line[..name.len() + 1].to_vec();
                    out.extend_from_slice(first);
                    out.extend(later.iter().copied().filter(|&b| b != 0));
                    if name == b"id" && later.contains(&0) {
                        // Ignored by Gecko and the spec alike; keep the NUL so the spec
                        // ignores it too.
                        out = line.to_vec();
                    } else if name == b"id" && first == [0] {
                        // Gecko sets this ID, NUL and all; the spec ignores an ID with NUL.
                        // A stand-in the spec accepts, turned back into NUL by `restore`.
                        note(FIREFOX_NUL_FIRST_IN_ID);
                        out = [&b"id:"[..], NUL_STAND_IN.as_bytes(), later].concat();
                    }
                    out
                }
            }
        };
        rewritten.push((out, terminator));
    }
    // Pass 2: blocks (ended by a blank line) with no `data` line fire nothing; their `id`s
    // are dropped.
    let mut start = 0;
    for end in 0..rewritten.len() {
        let (line, terminator) = &rewritten[end];
        if !line.is_empty() || terminator.is_empty() {
            continue;
        }
        let block = start..end;
        start = end + 1;
        if rewritten[block.clone()]
            .iter()
            .any(|(line, _)| field_name(line) == b"data")
        {
            continue;
        }
        for (line, _) in &mut rewritten[block] {
            if field_name(line) == b"id" {
                note(FIREFOX_ID_ONLY_BLOCK);
                *line = b":".to_vec();
            }
        }
    }
    let mut out = bom.to_vec();
    for (line, terminator) in rewritten {
        out.extend_from_slice(&line);
        out.extend_from_slice(terminator);
    }
    (out, applied)
}
