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
        let (owned, errors) = tiers::owned(STREAM, &cuts, Limits::new());
        assert_eq!(errors, 0);
        assert_eq!(owned, expected, "owned, cut at {cut}");
        let (events, id, _) = tiers::owned_feed(STREAM, &cuts, Limits::new());
        assert_eq!(
            (events, id),
            (expected.events(), expected.last_event_id.clone()),
            "feed, cut at {cut}"
        );
        assert_eq!(tiers::lines(STREAM, &cuts), expected, "lines, cut at {cut}");
        assert_eq!(
            tiers::events(STREAM, &cuts, Limits::new()),
            tiers::reference_summary_per_block(STREAM),
            "events, cut at {cut}"
        );
        #[cfg(feature = "bytes")]
        assert_eq!(
            tiers::bytes(STREAM, &cuts, Limits::new()).0,
            expected,
            "bytes, cut at {cut}"
        );
    }
}
