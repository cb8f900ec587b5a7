//! The bounded replay buffer for `Last-Event-ID` reconnects.

use alloc::{boxed::Box, collections::VecDeque};
use core::iter::FusedIterator;

/// The last events a server sent, encoded, keyed by their `id`, bounded by count and bytes.
///
/// When a client reconnects it sends the last event ID it saw (HTML §9.2.4, the
/// `Last-Event-ID` header); [`ReplayBuffer::since`] returns exactly the events after that one,
/// so the client misses nothing, or says the ID is not (or no longer) here and the client
/// must resync some other way.
///
/// `B` is the encoded event: `Vec<u8>`, or `bytes::Bytes` so that one encoding is shared by
/// every subscriber (the buffer only needs `AsRef<[u8]>` for its byte count). Push events in
/// the order you send them; push only events that carry an `id` (the buffer keys on it).
///
/// ```
/// use sse_wire::server::{Replay, ReplayBuffer};
///
/// let mut buffer = ReplayBuffer::new(2, usize::MAX); // keeps the 2 newest events
/// for id in ["a", "b", "c"] {
///     buffer.push(id, format!("id: {id}\ndata: x\n\n").into_bytes());
/// }
/// assert_eq!(buffer.since("b").events().map(|e| e.len()), Some(1)); // "c"
/// assert_eq!(buffer.since("c").events().map(|e| e.len()), Some(0)); // up to date
/// assert!(matches!(buffer.since("a"), Replay::TooOld)); // "b" was lost: resync
/// assert!(matches!(buffer.since(""), Replay::Events(_))); // no ID: from now on
/// ```
#[derive(Debug, Clone)]
pub struct ReplayBuffer<B> {
    entries: VecDeque<(Box<str>, B)>,
    bytes: usize,
    max_events: usize,
    max_bytes: usize,
    /// Whether an event was ever evicted or refused (then an unknown ID may be an old one).
    lost: bool,
    /// The ID of the newest pushed event when it was refused as too large: a client whose
    /// last ID is this one is up to date.
    refused_newest: Option<Box<str>>,
}

impl<B: AsRef<[u8]>> ReplayBuffer<B> {
    /// An empty buffer keeping at most `max_events` events and `max_bytes` bytes of them.
    pub fn new(max_events: usize, max_bytes: usize) -> Self {
        ReplayBuffer {
            entries: VecDeque::new(),
            bytes: 0,
            max_events,
            max_bytes,
            lost: false,
            refused_newest: None,
        }
    }

    /// Records an event you sent with the ID `id`, evicting the oldest ones to stay within
    /// the bounds. An event larger than `max_bytes` on its own is not kept (a client whose
    /// last ID is `id` is still answered as up to date).
    pub fn push(&mut self, id: &str, event: B) {
        let len = event.as_ref().len();
        if self.max_events == 0 || len > self.max_bytes {
            // The refused event is lost; replaying older events would skip it, so they go too.
            self.lost = true;
            self.entries.clear();
            self.bytes = 0;
            self.refused_newest = Some(id.into());
            return;
        }
        self.refused_newest = None;
        while self.entries.len() >= self.max_events || self.max_bytes - len < self.bytes {
            self.evict_oldest();
        }
        self.bytes += len;
        self.entries.push_back((id.into(), event));
    }

    /// The answer to a client that reconnected with `Last-Event-ID: last_event_id`.
    ///
    /// - `""` (no header): [`Replay::Events`], empty: the client starts from now on.
    /// - an ID in the buffer (its newest occurrence): [`Replay::Events`] after it.
    /// - an unknown ID after events were lost to the bounds: [`Replay::TooOld`].
    /// - an unknown ID when nothing was ever lost: [`Replay::UnknownId`].
    pub fn since(&self, last_event_id: &str) -> Replay<'_, B> {
        let len = self.entries.len();
        if last_event_id.is_empty() || self.refused_newest.as_deref() == Some(last_event_id) {
            return Replay::Events(ReplayIter {
                inner: self.entries.range(len..),
            });
        }
        match self
            .entries
            .iter()
            .rposition(|(id, _)| &**id == last_event_id)
        {
            Some(at) => Replay::Events(ReplayIter {
                inner: self.entries.range(at + 1..),
            }),
            None if self.lost => Replay::TooOld,
            None => Replay::UnknownId,
        }
    }

    /// How many events are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no event is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The total size of the kept events, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The ID of the oldest kept event.
    pub fn oldest_id(&self) -> Option<&str> {
        self.entries.front().map(|(id, _)| &**id)
    }

    /// The ID of the newest kept event.
    pub fn newest_id(&self) -> Option<&str> {
        self.entries.back().map(|(id, _)| &**id)
    }

    /// The kept events, oldest first.
    pub fn iter(&self) -> ReplayIter<'_, B> {
        ReplayIter {
            inner: self.entries.range(..),
        }
    }

    /// Forgets every event (e.g. after the IDs were reset); reconnecting clients will get
    /// [`Replay::TooOld`] for the forgotten IDs.
    pub fn clear(&mut self) {
        self.lost |= !self.entries.is_empty();
        self.entries.clear();
        self.bytes = 0;
    }

    fn evict_oldest(&mut self) {
        if let Some((_, event)) = self.entries.pop_front() {
            self.bytes -= event.as_ref().len();
            self.lost = true;
        }
    }
}

/// The answer of [`ReplayBuffer::since`].
#[derive(Debug, Clone)]
pub enum Replay<'a, B> {
    /// Send these events, in order (possibly none: the client is up to date).
    Events(ReplayIter<'a, B>),
    /// The ID is not in the buffer and events were evicted: it may be one of them, so the
    /// client missed events that cannot be replayed. Resync it (e.g. send a snapshot).
    TooOld,
    /// The ID is not in the buffer and no event was ever evicted: it never came from this
    /// buffer (e.g. from before a server restart). Resync the client.
    UnknownId,
}

impl<'a, B> Replay<'a, B> {
    /// Whether the client must resync: [`Replay::TooOld`] or [`Replay::UnknownId`].
    pub fn is_resync(&self) -> bool {
        !matches!(self, Replay::Events(_))
    }

    /// The events to replay, or `None` when the client must resync.
    pub fn events(self) -> Option<ReplayIter<'a, B>> {
        match self {
            Replay::Events(events) => Some(events),
            _ => None,
        }
    }
}

/// The events to replay, oldest first, as `(id, event)`.
#[derive(Debug, Clone)]
pub struct ReplayIter<'a, B> {
    inner: alloc::collections::vec_deque::Iter<'a, (Box<str>, B)>,
}

impl<'a, B> Iterator for ReplayIter<'a, B> {
    type Item = (&'a str, &'a B);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(id, event)| (&**id, event))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<B> DoubleEndedIterator for ReplayIter<'_, B> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(id, event)| (&**id, event))
    }
}

impl<B> ExactSizeIterator for ReplayIter<'_, B> {}
impl<B> FusedIterator for ReplayIter<'_, B> {}
