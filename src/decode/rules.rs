//! The spec's rules for the lines of a block ("interpreting an event stream"), written once.
//!
//! [`Line::parse`] says what a line *is*; this module says what it *does*: which of the
//! block's buffers a field writes, how `data` lines join, which event type an `event` value
//! gives. Every tier keeps the block in its own form — spans into a borrowed block (the event
//! and block tiers, the lending decoder), shared strings and a data buffer built as lines
//! arrive (the owned and bytes tiers) — by implementing [`BlockFields`]; [`apply`] drives it.
//! The tiers' fast paths (a block of one `data` line, taken whole) are the same rules for the
//! one shape where they reduce to "the value is the data", and the matrix tests check every
//! tier against the reference decoder at every chunking.
//!
//! What a block's end does to the stream (its `id` becomes the last event ID whether or not an
//! event fires; an event fires only if the block had data) is applied by the two stream
//! states over these fields: `StreamState` for blocks taken whole, the interpreter's
//! `end_block` for lines taken one by one.

use super::field::Line;

/// A tier's form of the block being built: what [`apply`] writes the spec's fields to.
///
/// Values are suffixes of the line handed to [`apply`], so an implementation that records
/// positions can derive them from the values' lengths.
pub(crate) trait BlockFields {
    /// What a line the tier must act on at once hands back (`()` for tiers that only record).
    type Out;

    /// Whether the block has had a `data` line: the next one is joined after an LF.
    fn has_data(&self) -> bool;

    /// A `data` value: the block's first (`first`), or one to append after an LF.
    fn data(&mut self, value: &[u8], first: bool) -> Option<Self::Out>;

    /// An `event` value: the block's type so far (the last one wins). See [`custom_type`].
    fn event_type(&mut self, value: &[u8]);

    /// An `id` value (without NUL: one with NUL is ignored): the block's ID buffer so far.
    fn id(&mut self, value: &[u8]);

    /// A valid `retry` (`digits`, a suffix of the line): the reconnection time, which the spec
    /// sets at once.
    fn retry(&mut self, ms: u64, digits: &[u8]) -> Option<Self::Out>;

    /// A comment, which changes no buffer (servers send them as keep-alives).
    fn comment(&mut self, text: &[u8]) -> Option<Self::Out>;
}

/// Applies one non-blank line (without its terminator) to the block: the spec's field rules.
/// Ignored fields (unknown names, an `id` holding NUL, an invalid `retry`) change nothing.
#[inline(always)]
pub(crate) fn apply<F: BlockFields>(fields: &mut F, line: &[u8]) -> Option<F::Out> {
    match Line::parse(line) {
        Line::Data(value) => {
            let first = !fields.has_data();
            fields.data(value, first)
        }
        Line::Event(value) => {
            fields.event_type(value);
            None
        }
        Line::Id(value) => {
            fields.id(value);
            None
        }
        Line::Retry(ms) => {
            // A valid value is all digits after the colon and an optional space.
            let digits = line.iter().rev().take_while(|b| b.is_ascii_digit()).count();
            fields.retry(ms, &line[line.len() - digits..])
        }
        Line::Comment(text) => fields.comment(text),
        Line::Blank | Line::Ignored { .. } => None,
    }
}

/// The event type a block's last `event` value gives its event: `None` for the default,
/// `message`, which a missing, an empty and a literal `message` value all give.
#[inline(always)]
pub(crate) fn custom_type(value: Option<&[u8]>) -> Option<&[u8]> {
    value.filter(|name| !name.is_empty() && *name != b"message")
}

/// The name of an event whose block's last `event` value was `value`.
#[inline(always)]
pub(crate) fn type_name(value: Option<&[u8]>) -> &[u8] {
    custom_type(value).unwrap_or(b"message")
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, string::String, vec::Vec};

    /// Records what `apply` wrote, in order, to check the rules apart from any tier.
    #[derive(Default)]
    struct Log(Vec<String>, bool);

    impl BlockFields for Log {
        type Out = ();
        fn has_data(&self) -> bool {
            self.1
        }
        fn data(&mut self, value: &[u8], first: bool) -> Option<()> {
            self.1 = true;
            let join = if first { "" } else { "\\n+" };
            self.0.push(format!("data {join}{}", value.escape_ascii()));
            None
        }
        fn event_type(&mut self, value: &[u8]) {
            self.0.push(format!("event {}", value.escape_ascii()));
        }
        fn id(&mut self, value: &[u8]) {
            self.0.push(format!("id {}", value.escape_ascii()));
        }
        fn retry(&mut self, ms: u64, digits: &[u8]) -> Option<()> {
            self.0.push(format!("retry {ms} {}", digits.escape_ascii()));
            None
        }
        fn comment(&mut self, text: &[u8]) -> Option<()> {
            self.0.push(format!("comment {}", text.escape_ascii()));
            None
        }
    }

    #[test]
    fn fields_write_their_buffers() {
        let mut log = Log::default();
        for line in [
            &b"data: a"[..],
            b"data",
            b"event:  x",
            b"id: 1\0",
            b"id",
            b"retry: 10",
            b"retry: 1x",
            b": hi",
            b"foo: bar",
        ] {
            apply(&mut log, line);
        }
        assert_eq!(
            log.0,
            [
                "data a",
                "data \\n+",
                "event  x",
                "id ",
                "retry 10 10",
                "comment hi"
            ]
        );
    }

    #[test]
    fn missing_empty_and_message_types_are_message() {
        assert_eq!(type_name(None), b"message");
        assert_eq!(type_name(Some(b"")), b"message");
        assert_eq!(custom_type(Some(b"message")), None);
        assert_eq!(type_name(Some(b"tick")), b"tick");
        assert_eq!(type_name(Some(b" message")), b" message");
    }
}
