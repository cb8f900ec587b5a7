//! What the owned decoder's loops yield ([`Yield`]): events only, or every item. `feed` and
//! `decode` run one loop each, generic over it, so the events-only loop carries no test for
//! comments and retries.

use alloc::string::String;

use super::event::to_string;
use crate::{Event, Item};

/// What the one loop yields: events only ([`Events`], for `feed`) or every item ([`Items`]).
pub(crate) trait Yield {
    type Out;
    /// Whether comments and retries are reported (a constant: the events-only loop carries no
    /// test for it).
    const REPORT: bool;
    fn event(event: Event) -> Self::Out;
    /// `None`: not yielded (the loop goes on).
    fn comment(text: &[u8]) -> Option<Self::Out>;
    fn retry(ms: u64) -> Option<Self::Out>;
}

/// [`Decoder::feed`](crate::Decoder::feed)'s events.
pub(crate) struct Events;

impl Yield for Events {
    type Out = Event;
    const REPORT: bool = false;
    #[inline(always)]
    fn event(event: Event) -> Event {
        event
    }
    #[inline(always)]
    fn comment(_: &[u8]) -> Option<Event> {
        None
    }
    #[inline(always)]
    fn retry(_: u64) -> Option<Event> {
        None
    }
}

/// [`Decoder::feed_items`](crate::Decoder::feed_items)' items: comments as owned text (the owned tier's events own theirs).
pub(crate) struct Items;

impl Yield for Items {
    type Out = Item<Event, String>;
    const REPORT: bool = true;
    #[inline(always)]
    fn event(event: Event) -> Self::Out {
        Item::Event(event)
    }
    #[inline(always)]
    fn comment(text: &[u8]) -> Option<Self::Out> {
        Some(Item::Comment(to_string(text)))
    }
    #[inline(always)]
    fn retry(ms: u64) -> Option<Self::Out> {
        Some(Item::Retry(ms))
    }
}
