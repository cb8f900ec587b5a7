//! Every implementation in the comparison gives the same events as ours on every workload and
//! feed (small sizes), and every encoder's output decodes back to its events: the bench's own
//! pre-timing checks, run as a test so CI catches a harness or peer that drifts.

use sse_wire_compare::encode::{self as enc, Enc};
use sse_wire_compare::floor::{self, Floor};
use sse_wire_compare::{check, inputs, reference, Feed, Imp};

#[test]
fn every_decoder_agrees_with_ours_on_every_workload_and_feed() {
    for w in inputs::all(0.002) {
        let expected = reference(&w.bytes);
        assert_eq!(expected.len(), w.events, "{}: reference count", w.name);
        for feed in Feed::ALL {
            for imp in Imp::ALL {
                if imp.skip(w.name, feed).is_some() {
                    continue;
                }
                if let Err(error) = check(imp, &w.bytes, feed, &expected) {
                    panic!("{} fed {}: {error}", w.name, feed.name());
                }
            }
        }
    }
}

#[test]
fn every_floor_gives_our_events_on_llm_tokens() {
    let w = inputs::llm_tokens(400);
    let expected = reference(&w.bytes);
    for feed in Feed::ALL {
        for f in Floor::ALL {
            if let Err(error) = floor::check(f, &w.bytes, feed, &expected) {
                panic!("fed {}: {error}", feed.name());
            }
        }
    }
}

#[test]
fn every_encoder_round_trips_its_events() {
    for w in enc::all(200) {
        let pre = enc::pre_encoded(&w.events);
        for imp in Enc::ALL {
            if let Err(error) = enc::check(imp, &w.events, &pre) {
                panic!("{}: {error}", w.name);
            }
        }
    }
}
