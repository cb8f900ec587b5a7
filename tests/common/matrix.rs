//! The `decodes_to` matrix (csv-core's `parses_to!` is the model): one stream, every
//! chunking, every tier, each compared with the expectation and with the reference decoder.

use super::reference::{self, Observed, Outcome};
use super::tiers::{self, summarize};
use sse_wire::Limits;

/// What a case must decode to.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// `(type, data, lastEventId)` of each dispatched event, in order.
    pub events: &'a [(&'a str, &'a str, &'a str)],
    /// Every valid `retry` value, in order.
    pub retries: &'a [u64],
    /// The last event ID string when the stream ends.
    pub last_event_id: &'a str,
}

impl Expected<'_> {
    fn events(&self) -> Vec<Observed> {
        self.events
            .iter()
            .map(|&(event_type, data, id)| Observed::Event {
                event_type: event_type.to_string(),
                data: data.to_string(),
                last_event_id: id.to_string(),
            })
            .collect()
    }

    /// Asserts that `outcome` (of some tier or the reference) meets the expectation.
    fn check(&self, outcome: &Outcome, retries: bool, what: &str) {
        assert_eq!(outcome.events(), self.events(), "{what}: events");
        if retries {
            assert_eq!(summarize(outcome).retries, self.retries, "{what}: retries");
        }
        assert_eq!(
            outcome.last_event_id, self.last_event_id,
            "{what}: last event ID"
        );
    }
}

/// Cut points: one byte per call.
pub fn byte_by_byte(len: usize) -> Vec<usize> {
    (1..len).collect()
}

/// Runs `stream` (a connection starting with `start_id` as its last event ID) cut at `cuts`
/// through every tier; each must match the reference, and the reference must match
/// `expected` if given.
pub fn check_cuts(
    start_id: &str,
    stream: &[u8],
    cuts: &[usize],
    expected: Option<&Expected<'_>>,
    label: &str,
) {
    let reference = reference::decode_from(start_id, stream);
    let what = |tier: &str| format!("{label}: {tier} tier, cuts {cuts:?}");
    if let Some(expected) = expected {
        expected.check(&reference, true, &format!("{label}: reference decoder"));
    }
    let limits = Limits::new();

    let lines = tiers::lines(start_id, stream, cuts, limits);
    assert_eq!(lines.errors, 0, "{}", what("line"));
    assert_eq!(lines.outcome, reference, "{}", what("line"));
    if let Some(expected) = expected {
        expected.check(&lines.outcome, true, &what("line"));
    }

    let fragments = tiers::fragments(start_id, stream, cuts, limits);
    assert_eq!(fragments.errors, 0, "{}", what("streaming line"));
    assert_eq!(fragments.outcome, reference, "{}", what("streaming line"));

    let (events, _) = tiers::events(start_id, stream, cuts, limits);
    assert_eq!(
        events,
        tiers::reference_summary_per_block(start_id, stream),
        "{}",
        what("event")
    );
    if let Some(expected) = expected {
        let outcome = Outcome {
            observed: events.events.clone(),
            last_event_id: events.last_event_id.clone(),
        };
        expected.check(&outcome, false, &what("event"));
    }

    if let Some(blocks) = tiers::blocks(start_id, stream, cuts, limits) {
        assert_eq!(
            blocks,
            tiers::reference_summary_per_block(start_id, stream),
            "{}",
            what("block")
        );
    }

    #[cfg(feature = "alloc")]
    {
        let owned = tiers::owned(start_id, stream, cuts, limits);
        assert_eq!(owned.errors, 0, "{}", what("owned decode"));
        assert_eq!(owned.outcome, reference, "{}", what("owned decode"));
        if let Some(expected) = expected {
            expected.check(&owned.outcome, true, &what("owned decode"));
        }

        let lending = tiers::lending(start_id, stream, cuts, limits);
        assert_eq!(lending.errors, 0, "{}", what("lending"));
        assert_eq!(lending.outcome, reference, "{}", what("lending"));
        if let Some(expected) = expected {
            expected.check(&lending.outcome, true, &what("lending"));
        }

        let events = tiers::lending_events(start_id, stream, cuts, limits);
        assert_eq!(
            (
                &events.outcome.observed,
                &events.outcome.last_event_id,
                events.errors
            ),
            (&reference.events(), &reference.last_event_id, 0),
            "{}",
            what("lending next_event")
        );

        let items = tiers::owned_feed_items(start_id, stream, cuts, limits);
        assert_eq!(items.errors, 0, "{}", what("owned feed_items"));
        assert_eq!(items.outcome, reference, "{}", what("owned feed_items"));
        if let Some(expected) = expected {
            expected.check(&items.outcome, true, &what("owned feed_items"));
        }
        let one = tiers::owned_feed_items_one_at_a_time(start_id, stream, cuts, limits);
        assert_eq!(
            (&one.outcome, one.errors),
            (&items.outcome, 0),
            "{}",
            what("owned feed_items, one item per call")
        );

        let feed = tiers::owned_feed(start_id, stream, cuts, limits);
        assert_eq!(feed.errors, 0, "{}", what("owned feed"));
        assert_eq!(
            feed.outcome.observed,
            reference.events(),
            "{}",
            what("owned feed")
        );
        assert_eq!(
            feed.outcome.last_event_id,
            reference.last_event_id,
            "{}",
            what("owned feed")
        );
        if let Some(expected) = expected {
            expected.check(&feed.outcome, false, &what("owned feed"));
        }
        let one = tiers::owned_feed_one_at_a_time(start_id, stream, cuts, limits);
        assert_eq!(
            (&one.outcome, one.errors),
            (&feed.outcome, 0),
            "{}",
            what("owned feed, one event per call")
        );
    }

    #[cfg(feature = "std")]
    {
        let read = tiers::reader(start_id, stream, cuts, limits);
        assert_eq!(read.errors, 0, "{}", what("reader"));
        assert_eq!(
            read.outcome.observed,
            reference.events(),
            "{}",
            what("reader")
        );
        assert_eq!(
            read.outcome.last_event_id,
            reference.last_event_id,
            "{}",
            what("reader")
        );
    }

    #[cfg(feature = "bytes")]
    {
        let bytes = tiers::bytes(start_id, stream, cuts, limits);
        assert_eq!(bytes.errors, 0, "{}", what("bytes"));
        assert_eq!(bytes.outcome, reference, "{}", what("bytes"));

        let events_only = tiers::bytes_events(start_id, stream, cuts, limits);
        assert_eq!(events_only.errors, 0, "{}", what("bytes decode_event"));
        assert_eq!(
            events_only.outcome.observed,
            reference.events(),
            "{}",
            what("bytes decode_event")
        );
        assert_eq!(
            events_only.outcome.last_event_id,
            reference.last_event_id,
            "{}",
            what("bytes decode_event")
        );
        if let Some(expected) = expected {
            expected.check(&bytes.outcome, true, &what("bytes"));
        }
    }
}

/// [`check_cuts`] whole, one byte per call, and at every two-way split point.
pub fn check_all(start_id: &str, stream: &[u8], expected: Option<&Expected<'_>>, label: &str) {
    check_cuts(start_id, stream, &[], expected, label);
    check_cuts(
        start_id,
        stream,
        &byte_by_byte(stream.len()),
        expected,
        label,
    );
    for cut in 0..=stream.len() {
        check_cuts(start_id, stream, &[cut], expected, label);
    }
}

/// Asserts that `stream` decodes to `events`/`retries`/`last_event_id` at every chunking and
/// every tier (and that the reference agrees).
#[macro_export]
macro_rules! decodes_to {
    ($name:ident, $stream:expr, events: [$(($t:expr, $d:expr, $id:expr)),* $(,)?],
     retries: [$($r:expr),* $(,)?], last_event_id: $last:expr $(,)?) => {
        #[test]
        fn $name() {
            let expected = $crate::common::matrix::Expected {
                events: &[$(($t, $d, $id)),*],
                retries: &[$($r),*],
                last_event_id: $last,
            };
            $crate::common::matrix::check_all("", $stream, Some(&expected), stringify!($name));
        }
    };
}
