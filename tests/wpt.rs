//! The web-platform-tests `eventsource/format-*` cases (and the other WPT eventsource tests
//! that assert what a stream decodes to), ported as a table.
//!
//! Each row names the WPT file (paths under `eventsource/` in web-platform-tests/wpt, read
//! from the copy vendored at `nodejs/node` `test/fixtures/wpt/eventsource/`), the exact bytes
//! the WPT server sends for it, and what the test asserts. The servers are:
//! - `resources/message.py`: `message + ("" if newline=none else "\n\n") + "\n"`, `message`
//!   defaulting to `data: data`;
//! - `resources/message2.py`: loops writing
//!   `data:msg\ndata: msg\n\n:\nfalsefield:msg\n\nfalsefield:msg\nData:data\n\ndata\n\ndata:end\n\n`;
//! - `resources/last-event-id.py`: without a `Last-Event-ID` request header (none is sent while
//!   the last event ID is empty) `id: <idvalue>\nretry: 200\ndata: hello\n\n` (`idvalue`
//!   defaulting to U+2026), else `data: <Last-Event-ID>\n\n`;
//! - `resources/last-event-id2.py`: three fixed streams, by `type`.
//!
//! A row with several connections is a WPT test whose `EventSource` reconnects: each
//! connection starts with the last event ID the previous one ended with.
//!
//! Every row runs through [`common::matrix`]: whole, one byte per call, at every two-way split
//! and (proptest) at random 3-to-10-way splits, through every tier, compared with both the row's
//! expectation and the reference decoder.
//!
//! Not ported, because they test HTTP or the DOM rather than the wire format:
//! `format-mime-bogus`, `format-mime-trailing-semicolon`, `format-mime-valid-bogus` (the
//! `Content-Type` check), `eventsource-onmessage-trusted` (`isTrusted`),
//! `eventsource-onmessage-realm`, `request-*`, `eventsource-{close,reconnect,constructor-*,
//! cross-origin,eventtarget,onopen,prototype,url,request-cancellation}`. The timing asserted by
//! `format-field-retry*` (the reconnection delay) is checked here as the `retry` value decoded.
//!
//! No row's WPT expectation differs from the spec's parsing rules, with one caveat on
//! reconnection noted at `format-field-id.any.js` (see `reference::decode_from`).

mod common;

use common::matrix::{self, Expected};
use proptest::prelude::*;

/// One connection of a WPT test: the bytes its server sends and what the test asserts.
struct Connection {
    stream: Vec<u8>,
    expected: Expected<'static>,
}

struct Row {
    /// The WPT file, under `eventsource/`.
    wpt: &'static str,
    connections: Vec<Connection>,
}

fn conn(
    stream: &[u8],
    events: &'static [(&'static str, &'static str, &'static str)],
    retries: &'static [u64],
    last_event_id: &'static str,
) -> Connection {
    Connection {
        stream: stream.to_vec(),
        expected: Expected {
            events,
            retries,
            last_event_id,
        },
    }
}

fn row(wpt: &'static str, connections: Vec<Connection>) -> Row {
    Row { wpt, connections }
}

/// `last-event-id.py?idvalue=<id>` on a first connection: the id holds NUL, so it is ignored
/// and the reconnection (no `Last-Event-ID` sent) gets the same stream.
fn id_null(wpt: &'static str, stream: &[u8]) -> Row {
    let once = || conn(stream, &[("message", "hello", "")], &[200], "");
    row(wpt, vec![once(), once()])
}

fn rows() -> Vec<Row> {
    // format-comments.any.js: a 2 KiB comment line, twice.
    let long = "x".repeat(2 * 1024);
    let comments =
        format!("data:1\r:\0\n:\r\ndata:2\n:{long}\rdata:3\n:data:fail\r:{long}\ndata:4\n\n");
    let message2 = b"data:msg\ndata: msg\n\n:\nfalsefield:msg\n\nfalsefield:msg\nData:data\n\ndata\n\ndata:end\n\n";
    vec![
        // eventsource-onmessage.any.js: message.py with its default message.
        row(
            "eventsource-onmessage.any.js",
            vec![conn(b"data: data\n\n\n", &[("message", "data", "")], &[], "")],
        ),
        // event-data.any.js: message2.py, two rounds of its loop. The WPT test asserts the
        // first three events; the second round repeats them.
        row(
            "event-data.any.js",
            vec![conn(
                &[&message2[..], &message2[..]].concat(),
                &[
                    ("message", "msg\nmsg", ""),
                    ("message", "", ""),
                    ("message", "end", ""),
                    ("message", "msg\nmsg", ""),
                    ("message", "", ""),
                    ("message", "end", ""),
                ],
                &[],
                "",
            )],
        ),
        // format-bom.any.js: only the BOM at stream start is stripped; the second one makes
        // the field name "\u{FEFF}data", which is ignored, so "2" never fires.
        row(
            "format-bom.any.js",
            vec![conn(
                b"\xEF\xBB\xBFdata:1\n\n\xEF\xBB\xBFdata:2\n\ndata:3\n\n\n",
                &[("message", "1", ""), ("message", "3", "")],
                &[],
                "",
            )],
        ),
        // format-bom-2.any.js: of two leading BOMs only the first is stripped.
        row(
            "format-bom-2.any.js",
            vec![conn(
                b"\xEF\xBB\xBF\xEF\xBB\xBFdata:1\n\ndata:2\n\ndata:3\n\n\n",
                &[("message", "2", ""), ("message", "3", "")],
                &[],
                "",
            )],
        ),
        // format-comments.any.js (newline=none).
        row(
            "format-comments.any.js",
            vec![conn(
                comments.as_bytes(),
                &[("message", "1\n2\n3\n4", "")],
                &[],
                "",
            )],
        ),
        // format-data-before-final-empty-line.any.js (newline=none): the last block is not
        // terminated by an empty line, so neither its data nor its id is applied; the second
        // event (after the reconnection) still has lastEventId "".
        row(
            "format-data-before-final-empty-line.any.js",
            vec![
                conn(
                    b"retry:1000\ndata:test1\n\nid:test\ndata:test2\n",
                    &[("message", "test1", "")],
                    &[1000],
                    "",
                ),
                conn(
                    b"retry:1000\ndata:test1\n\nid:test\ndata:test2\n",
                    &[("message", "test1", "")],
                    &[1000],
                    "",
                ),
            ],
        ),
        // format-field-data.any.js: `data:` is an empty line of data; `data` twice is "\n".
        row(
            "format-field-data.any.js",
            vec![conn(
                b"data:\n\ndata\ndata\n\ndata:test\n\n\n",
                &[("message", "", ""), ("message", "\n", ""), ("message", "test", "")],
                &[],
                "",
            )],
        ),
        // format-field-event.any.js: the type applies to one event only.
        row(
            "format-field-event.any.js",
            vec![conn(
                b"event:test\ndata:x\n\ndata:x\n\n\n",
                &[("test", "x", ""), ("message", "x", "")],
                &[],
                "",
            )],
        ),
        // format-field-event-empty.any.js: `event: ` (empty after the space) means "message".
        row(
            "format-field-event-empty.any.js",
            vec![conn(
                b"event: \ndata:data\n\n\n",
                &[("message", "data", "")],
                &[],
                "",
            )],
        ),
        // format-field-id.any.js: last-event-id.py; the reconnection sends Last-Event-ID: …
        // and gets it back as data. Its event carries no `id` yet has lastEventId "…": the ID
        // persists across connections (see `reference::decode_from` on the spec's wording).
        row(
            "format-field-id.any.js",
            vec![
                conn(
                    "id: …\nretry: 200\ndata: hello\n\n".as_bytes(),
                    &[("message", "hello", "…")],
                    &[200],
                    "…",
                ),
                conn("data: …\n\n".as_bytes(), &[("message", "…", "…")], &[], "…"),
            ],
        ),
        // format-field-id-2.any.js: as above, with a second reconnection.
        row(
            "format-field-id-2.any.js",
            vec![
                conn(
                    "id: …\nretry: 200\ndata: hello\n\n".as_bytes(),
                    &[("message", "hello", "…")],
                    &[200],
                    "…",
                ),
                conn("data: …\n\n".as_bytes(), &[("message", "…", "…")], &[], "…"),
                conn("data: …\n\n".as_bytes(), &[("message", "…", "…")], &[], "…"),
            ],
        ),
        // format-field-id-3.window.js, "lastEventId persists" (last-event-id2.py?type=1).
        row(
            "format-field-id-3.window.js (persists)",
            vec![conn(
                b"id: 1\ndata: 1\n\ndata: 2\n\nid: 2\ndata:3\n\ndata:4\n\n",
                &[
                    ("message", "1", "1"),
                    ("message", "2", "1"),
                    ("message", "3", "2"),
                    ("message", "4", "2"),
                ],
                &[],
                "2",
            )],
        ),
        // format-field-id-3.window.js, "lastEventId resets" (type=2): `id:` resets it to "".
        row(
            "format-field-id-3.window.js (resets)",
            vec![conn(
                b"id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n",
                &[("message", "1", "1"), ("message", "2", ""), ("message", "3", "")],
                &[],
                "",
            )],
        ),
        // format-field-id-3.window.js, "lastEventId resets (id without colon)" (type=3).
        row(
            "format-field-id-3.window.js (resets, no colon)",
            vec![conn(
                b"id: 1\ndata: 1\n\nid\ndata:2\n\ndata:3\n\n",
                &[("message", "1", "1"), ("message", "2", ""), ("message", "3", "")],
                &[],
                "",
            )],
        ),
        // format-field-id-null.window.js: an id holding U+0000 anywhere is ignored.
        id_null(
            "format-field-id-null.window.js (%00%00)",
            b"id: \0\0\nretry: 200\ndata: hello\n\n",
        ),
        id_null(
            "format-field-id-null.window.js (x%00)",
            b"id: x\0\nretry: 200\ndata: hello\n\n",
        ),
        id_null(
            "format-field-id-null.window.js (%00x)",
            b"id: \0x\nretry: 200\ndata: hello\n\n",
        ),
        id_null(
            "format-field-id-null.window.js (x%00x)",
            b"id: x\0x\nretry: 200\ndata: hello\n\n",
        ),
        id_null(
            "format-field-id-null.window.js (%20%00)",
            b"id:  \0\nretry: 200\ndata: hello\n\n",
        ),
        // format-field-parsing.any.js (newline=none): names are case-sensitive and exact,
        // one leading space is stripped, NUL in data is content, CR/LF/CRLF all end lines.
        row(
            "format-field-parsing.any.js",
            vec![conn(
                b"data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
                &[("message", "\0\n 2\n1\n3\n\n4", "")],
                &[],
                "",
            )],
        ),
        // format-field-retry.any.js: "03000" is 3000 (decimal, leading zero allowed).
        row(
            "format-field-retry.any.js",
            vec![conn(b"retry:03000\ndata:x\n\n\n", &[("message", "x", "")], &[3000], "")],
        ),
        // format-field-retry-bogus.any.js: "1000x" is ignored, 3000 stays.
        row(
            "format-field-retry-bogus.any.js",
            vec![conn(
                b"retry:3000\nretry:1000x\ndata:x\n\n\n",
                &[("message", "x", "")],
                &[3000],
                "",
            )],
        ),
        // format-field-retry-empty.any.js: `retry` without value is ignored.
        row(
            "format-field-retry-empty.any.js",
            vec![conn(b"retry\ndata:test\n\n\n", &[("message", "test", "")], &[], "")],
        ),
        // format-field-unknown.any.js: ` data` (leading space) and unknown names are ignored.
        row(
            "format-field-unknown.any.js",
            vec![conn(
                b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n\n",
                &[("message", "test\n\ntest", "")],
                &[],
                "",
            )],
        ),
        // format-leading-space.any.js: only a U+0020 is stripped, not a tab; CR ends a line.
        row(
            "format-leading-space.any.js",
            vec![conn(
                b"data:\ttest\rdata: \ndata:test\n\n\n",
                &[("message", "\ttest\n\ntest", "")],
                &[],
                "",
            )],
        ),
        // format-newlines.any.js (newline=none): the final CR + LF is one line end.
        row(
            "format-newlines.any.js",
            vec![conn(
                b"data:test\r\ndata\ndata:test\r\n\r\n",
                &[("message", "test\n\ntest", "")],
                &[],
                "",
            )],
        ),
        // format-null-character.any.js.
        row(
            "format-null-character.any.js",
            vec![conn(b"data:\0\n\n\n\n\n", &[("message", "\0", "")], &[], "")],
        ),
        // format-utf-8.any.js: always UTF-8, whatever the Content-Type charset says.
        row(
            "format-utf-8.any.js",
            vec![conn(
                b"data:ok\xE2\x80\xA6\n\n\n",
                &[("message", "ok\u{2026}", "")],
                &[],
                "",
            )],
        ),
    ]
}

fn find(wpt: &str) -> Row {
    rows()
        .into_iter()
        .find(|row| row.wpt == wpt)
        .unwrap_or_else(|| panic!("no row {wpt}"))
}

/// Runs a row's connections in order through the whole matrix.
fn check_row(row: &Row) {
    let mut start_id = "";
    for (i, connection) in row.connections.iter().enumerate() {
        let label = format!("{} (connection {})", row.wpt, i + 1);
        matrix::check_all(
            start_id,
            &connection.stream,
            Some(&connection.expected),
            &label,
        );
        start_id = connection.expected.last_event_id;
    }
}

macro_rules! wpt {
    ($($name:ident => $wpt:expr,)*) => {
        $(
            #[test]
            fn $name() {
                check_row(&find($wpt));
            }
        )*

        #[test]
        fn every_row_has_a_test() {
            let named = [$($wpt),*];
            for row in rows() {
                assert!(named.contains(&row.wpt), "row {} has no test", row.wpt);
            }
            assert_eq!(named.len(), rows().len());
        }
    };
}

wpt! {
    eventsource_onmessage => "eventsource-onmessage.any.js",
    event_data => "event-data.any.js",
    format_bom => "format-bom.any.js",
    format_bom_2 => "format-bom-2.any.js",
    format_comments => "format-comments.any.js",
    format_data_before_final_empty_line => "format-data-before-final-empty-line.any.js",
    format_field_data => "format-field-data.any.js",
    format_field_event => "format-field-event.any.js",
    format_field_event_empty => "format-field-event-empty.any.js",
    format_field_id => "format-field-id.any.js",
    format_field_id_2 => "format-field-id-2.any.js",
    format_field_id_3_persists => "format-field-id-3.window.js (persists)",
    format_field_id_3_resets => "format-field-id-3.window.js (resets)",
    format_field_id_3_resets_no_colon => "format-field-id-3.window.js (resets, no colon)",
    format_field_id_null_nul_nul => "format-field-id-null.window.js (%00%00)",
    format_field_id_null_x_nul => "format-field-id-null.window.js (x%00)",
    format_field_id_null_nul_x => "format-field-id-null.window.js (%00x)",
    format_field_id_null_x_nul_x => "format-field-id-null.window.js (x%00x)",
    format_field_id_null_space_nul => "format-field-id-null.window.js (%20%00)",
    format_field_parsing => "format-field-parsing.any.js",
    format_field_retry => "format-field-retry.any.js",
    format_field_retry_bogus => "format-field-retry-bogus.any.js",
    format_field_retry_empty => "format-field-retry-empty.any.js",
    format_field_unknown => "format-field-unknown.any.js",
    format_leading_space => "format-leading-space.any.js",
    format_newlines => "format-newlines.any.js",
    format_null_character => "format-null-character.any.js",
    format_utf_8 => "format-utf-8.any.js",
}

/// A reconnection through one owned decoder: `finish` between connections must give what a
/// fresh connection starting with the previous last event ID gives.
#[cfg(feature = "alloc")]
#[test]
fn reconnections_through_one_decoder_match_the_table() {
    for row in rows() {
        let mut decoder = sse_wire::Decoder::new();
        for (i, connection) in row.connections.iter().enumerate() {
            let mut events = Vec::new();
            for event in decoder.feed(&connection.stream) {
                let event = event.expect("no limits reached");
                events.push((
                    event.event_type().to_string(),
                    event.data().to_string(),
                    event.last_event_id().to_string(),
                ));
            }
            decoder.finish();
            let expected: Vec<_> = connection
                .expected
                .events
                .iter()
                .map(|&(t, d, id)| (t.to_string(), d.to_string(), id.to_string()))
                .collect();
            assert_eq!(events, expected, "{} connection {}", row.wpt, i + 1);
            assert_eq!(
                decoder.last_event_id(),
                connection.expected.last_event_id,
                "{} connection {}",
                row.wpt,
                i + 1
            );
            if let Some(&last) = connection.expected.retries.last() {
                assert_eq!(decoder.reconnection_time(), Some(last));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every row at random 3-to-10-way splits, every tier.
    #[test]
    fn rows_at_random_splits(
        pick in any::<prop::sample::Index>(),
        mut cuts in prop::collection::vec(any::<prop::sample::Index>(), 2..=9),
    ) {
        let rows = rows();
        let row = &rows[pick.index(rows.len())];
        let mut start_id = "";
        for (i, connection) in row.connections.iter().enumerate() {
            let len = connection.stream.len();
            let mut at: Vec<usize> = cuts.iter_mut().map(|cut| cut.index(len + 1)).collect();
            at.sort_unstable();
            let label = format!("{} (connection {})", row.wpt, i + 1);
            matrix::check_cuts(start_id, &connection.stream, &at, Some(&connection.expected), &label);
            start_id = connection.expected.last_event_id;
        }
    }
}
