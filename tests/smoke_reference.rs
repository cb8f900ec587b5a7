//! Every tier agrees with the reference decoder on a mixed stream, at every two-way split.

mod common;

use common::{reference, tiers};
use sse_wire::Limits;

const STREAM: &[u8] = b"\xEF\xBB\xBF: hi\r\nretry: 10\nid: 1\revent: a\r\ndata: x\r\rdata:  y\ndata\n\nid\n\n:\n\xff\ndata: z\r\n";

#[test]
fn all_tiers_match_the_reference_at_every_split() {
    let expected = reference::decode(STREAM);
    assert_eq!(expected.events().len(), 2);
    for cut in 0..=STREAM.len() {
        let cuts = [cut];
        #[cfg(feature = "alloc")]
        {
            let owned = tiers::owned("", STREAM, &cuts, Limits::new());
            assert_eq!(owned.errors, 0);
            assert_eq!(owned.outcome, expected, "owned, cut at {cut}");
            let feed = tiers::owned_feed("", STREAM, &cuts, Limits::new());
            assert_eq!(
                (feed.outcome.observed, feed.outcome.last_event_id),
                (expected.events(), expected.last_event_id.clone()),
                "feed, cut at {cut}"
            );
        }
        assert_eq!(
            tiers::lines("", STREAM, &cuts, Limits::new()).outcome,
            expected,
            "lines, cut at {cut}"
        );
        assert_eq!(
            tiers::events("", STREAM, &cuts, Limits::new()).0,
            tiers::reference_summary_per_block("", STREAM),
            "events, cut at {cut}"
        );
        #[cfg(feature = "bytes")]
        assert_eq!(
            tiers::bytes("", STREAM, &cuts, Limits::new()).outcome,
            expected,
            "bytes, cut at {cut}"
        );
    }
}
