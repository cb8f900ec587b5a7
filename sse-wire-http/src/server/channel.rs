//! A broadcast channel with replay: publish once, every subscriber gets the same bytes, and a
//! client that reconnects with `Last-Event-ID` gets exactly what it missed.

use std::collections::VecDeque;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use sse_wire::server::{Replay, ReplayBuffer};
use tokio::sync::broadcast;
use tokio_util::sync::ReusableBoxFuture;

use super::event::{Encoded, Event, EventError};

/// How much a [`Channel`] keeps, and how far a subscriber may fall behind.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Events kept for replay (by count); default 1,024.
    pub replay_events: usize,
    /// Events kept for replay (by encoded size); default 8 MiB.
    pub replay_bytes: usize,
    /// How many events a subscriber may be behind before it is closed; default 256.
    pub queue: usize,
    /// The ID prefix; `None` (the default) picks 12 random hex digits.
    pub epoch: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            replay_events: 1024,
            replay_bytes: 8 << 20,
            queue: 256,
            epoch: None,
        }
    }
}

impl Config {
    /// The defaults.
    pub fn new() -> Self {
        Config::default()
    }

    /// Sets [`Config::replay_events`].
    pub fn replay_events(mut self, events: usize) -> Self {
        self.replay_events = events;
        self
    }

    /// Sets [`Config::replay_bytes`].
    pub fn replay_bytes(mut self, bytes: usize) -> Self {
        self.replay_bytes = bytes;
        self
    }

    /// Sets [`Config::queue`] (at least 1).
    pub fn queue(mut self, events: usize) -> Self {
        self.queue = events;
        self
    }

    /// Sets the ID prefix (e.g. one persisted with your data, or a fixed one in tests).
    pub fn epoch(mut self, epoch: impl Into<String>) -> Self {
        self.epoch = Some(epoch.into());
        self
    }
}

/// A broadcast channel with replay, on the codec's [`ReplayBuffer`]: a chat room, a feed.
///
/// - [`Channel::publish`] gives the event the next ID, encodes it **once** and shares the
///   `Bytes` with the replay buffer and every subscriber.
/// - [`Channel::subscribe`] with a client's `Last-Event-ID` yields exactly the events after
///   it, then the live ones: the replay is read and the live subscription taken under one
///   lock (the one `publish` holds), so nothing is lost or doubled between the two. An ID that
///   is too old (evicted) or unknown is a [`Resync`] instead.
/// - **IDs are `{epoch}-{n}`**, `n` counting from 1 and `epoch` 12 random hex digits picked
///   when the channel is made (48 bits from the OS-seeded `RandomState` and the clock): a
///   restarted server is a new channel with a new epoch, so it never hands out an ID a client
///   already has (a client dropping duplicates by ID keeps working), and an ID from another
///   epoch is recognised as [`Resync::UnknownId`].
/// - **A subscriber that falls [`Config::queue`] events behind is closed**: it yields
///   [`Lagged`] and ends; publishing never waits for it and memory stays bounded (the queue
///   is tokio's broadcast ring, shared). The client reconnects with its `Last-Event-ID` and
///   catches up from the replay buffer. The subscription notices when it is next polled: an
///   HTTP server polls a body when the socket takes more bytes, so a client that stops
///   reading altogether holds only its connection's buffers (the kernel's and hyper's,
///   bounded) until it reads again (then it is cut) or the connection dies.
///
/// ```
/// use futures::StreamExt;
/// use sse_wire_http::server::{Channel, ChannelConfig, Event};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let room = Channel::with_config(ChannelConfig::new().epoch("e"));
/// let first = room.publish(Event::new().event("chat").data("hello"))?;
/// assert_eq!(first, "e-1");
/// room.publish(Event::new().event("chat").data("again"))?;
/// // A client that saw "e-1" reconnects:
/// let mut missed = room.subscribe(Some("e-1")).expect("in the replay buffer");
/// let next = missed.next().await.unwrap().unwrap();
/// assert_eq!(next.as_bytes(), &b"event: chat\nid: e-2\ndata: again\n\n"[..]);
/// assert!(room.subscribe(Some("other-1")).is_err()); // from before a restart: resync
/// # Ok::<(), sse_wire_http::server::EventError>(()) }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Channel {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// `{epoch}-`, the prefix of every ID.
    prefix: Box<str>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    next: u64,
    replay: ReplayBuffer<Bytes>,
    sender: broadcast::Sender<Encoded>,
}

impl Default for Channel {
    fn default() -> Self {
        Channel::new()
    }
}

impl Channel {
    /// A channel with the default [`Config`].
    pub fn new() -> Self {
        Channel::with_config(Config::default())
    }

    /// A channel with `config`.
    pub fn with_config(config: Config) -> Self {
        let epoch = config.epoch.unwrap_or_else(random_epoch);
        let (sender, _) = broadcast::channel(config.queue.max(1));
        Channel {
            shared: Arc::new(Shared {
                prefix: format!("{epoch}-").into(),
                state: Mutex::new(State {
                    next: 1,
                    replay: ReplayBuffer::new(config.replay_events, config.replay_bytes),
                    sender,
                }),
            }),
        }
    }

    /// The epoch: what every ID of this channel starts with (before a `-`).
    pub fn epoch(&self) -> &str {
        self.shared.prefix.trim_end_matches('-')
    }

    /// Sends `event` to every subscriber and keeps it for replay; returns its ID. The channel
    /// sets the ID (any ID on `event` is replaced). Encoded once, under the channel's lock.
    ///
    /// # Errors
    ///
    /// [`EventError::IdWithoutData`] for an event without data (IDs travel only with events);
    /// [`EventError::Encode`] for an event type that would break the stream. Nothing is sent
    /// then, and no ID is used up.
    pub fn publish(&self, event: Event) -> Result<String, EventError> {
        let mut state = self.lock();
        let id = format!("{}{}", self.shared.prefix, state.next);
        let encoded = event.id(id.clone()).encode()?;
        state.next += 1;
        state.replay.push(&id, encoded.as_bytes().clone());
        // No subscriber is not an error: the event waits in the replay buffer.
        let _ = state.sender.send(encoded);
        Ok(id)
    }

    /// The events after `last_event_id` (a client's `Last-Event-ID`), then the live ones.
    /// `None` or `""` (a new client): the live ones only.
    ///
    /// # Errors
    ///
    /// [`Resync`] when the events after that ID cannot be replayed: the client must resync
    /// some other way (a snapshot, or [`Channel::subscribe_with_history`]).
    pub fn subscribe(&self, last_event_id: Option<&str>) -> Result<Subscription, Resync> {
        let state = self.lock();
        let id = last_event_id.unwrap_or_default();
        let backlog = if id.is_empty() {
            VecDeque::new()
        } else {
            // Ours (this epoch, a number handed out) or unknown; then the buffer decides.
            id.strip_prefix(&*self.shared.prefix)
                // As written: digits, no sign, no leading zero.
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
                .and_then(|n| n.parse::<u64>().ok())
                .filter(|&n| n >= 1 && n < state.next)
                .ok_or(Resync::UnknownId)?;
            match state.replay.since(id) {
                Replay::Events(missed) => missed.map(|(_, e)| Encoded(e.clone())).collect(),
                Replay::TooOld | Replay::UnknownId => return Err(Resync::TooOld),
            }
        };
        Ok(Subscription::new(backlog, state.sender.subscribe()))
    }

    /// Every event still kept for replay, then the live ones: for a new client that should
    /// see the recent history, or one told to resync.
    pub fn subscribe_with_history(&self) -> Subscription {
        let state = self.lock();
        let backlog = state
            .replay
            .iter()
            .map(|(_, e)| Encoded(e.clone()))
            .collect();
        Subscription::new(backlog, state.sender.subscribe())
    }

    /// How many subscriptions are live.
    pub fn subscriber_count(&self) -> usize {
        self.lock().sender.receiver_count()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves the state consistent (every update
        // is a push after the fallible part), so a poisoned lock is still usable.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// 12 hex digits: 48 bits of `RandomState` (seeded from the OS) mixed with the clock.
fn random_epoch() -> String {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(now);
    format!("{:012x}", hasher.finish() >> 16)
}

/// Why a reconnecting client cannot be given exactly what it missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Resync {
    /// The ID is this channel's, but events after it were evicted from the replay buffer.
    TooOld,
    /// The ID never came from this channel (another epoch: from before a restart; or made up).
    UnknownId,
}

impl Resync {
    /// `"too-old"` or `"unknown-id"`, for an event that tells the client.
    pub fn as_str(&self) -> &'static str {
        match self {
            Resync::TooOld => "too-old",
            Resync::UnknownId => "unknown-id",
        }
    }
}

impl fmt::Display for Resync {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resync::TooOld => "the last event ID is too old: the events after it were evicted",
            Resync::UnknownId => "the last event ID is unknown to this channel",
        })
    }
}

impl std::error::Error for Resync {}

/// A subscriber fell too far behind the live events and was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lagged {
    /// How many events it had missed.
    pub missed: u64,
}

impl fmt::Display for Lagged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the subscriber fell {} events behind and was closed",
            self.missed
        )
    }
}

impl std::error::Error for Lagged {}

type Recv = (
    Result<Encoded, broadcast::error::RecvError>,
    broadcast::Receiver<Encoded>,
);

/// One subscriber: a `Stream` of the replayed events, then the live ones, as [`Encoded`]
/// events for an [`Sse`](super::Sse) response. It yields `Err(`[`Lagged`]`)` and ends if it
/// falls behind; it ends when every [`Channel`] handle is dropped.
pub struct Subscription {
    backlog: VecDeque<Encoded>,
    /// The receiver between events: read with `try_recv` while events are waiting, so a
    /// burst costs one wait (one future set up, one wakeup), not one per event.
    receiver: Option<broadcast::Receiver<Encoded>>,
    /// The wait for the next event (it holds the receiver meanwhile); `None` once ended.
    waiting: Option<ReusableBoxFuture<'static, Recv>>,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("backlog", &self.backlog.len())
            .field("live", &self.waiting.is_some())
            .finish()
    }
}

async fn recv(mut receiver: broadcast::Receiver<Encoded>) -> Recv {
    (receiver.recv().await, receiver)
}

impl Subscription {
    fn new(backlog: VecDeque<Encoded>, receiver: broadcast::Receiver<Encoded>) -> Self {
        Subscription {
            backlog,
            receiver: None,
            waiting: Some(ReusableBoxFuture::new(recv(receiver))),
        }
    }

    /// How many replayed events are still to come before the live ones.
    pub fn backlog(&self) -> usize {
        self.backlog.len()
    }
}

impl Stream for Subscription {
    type Item = Result<Encoded, Lagged>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        use broadcast::error::{RecvError, TryRecvError};
        let this = &mut *self;
        if let Some(event) = this.backlog.pop_front() {
            return Poll::Ready(Some(Ok(event)));
        }
        let Some(waiting) = this.waiting.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match this.receiver.as_mut().map(|r| r.try_recv()) {
            Some(Ok(event)) => Ok(event),
            Some(Err(TryRecvError::Lagged(missed))) => Err(RecvError::Lagged(missed)),
            Some(Err(TryRecvError::Closed)) => Err(RecvError::Closed),
            Some(Err(TryRecvError::Empty)) | None => {
                if let Some(receiver) = this.receiver.take() {
                    waiting.set(recv(receiver));
                }
                let (result, receiver) = std::task::ready!(waiting.poll(cx));
                this.receiver = Some(receiver);
                result
            }
        };
        match result {
            Ok(event) => Poll::Ready(Some(Ok(event))),
            Err(RecvError::Lagged(missed)) => {
                (this.receiver, this.waiting) = (None, None);
                Poll::Ready(Some(Err(Lagged { missed })))
            }
            Err(RecvError::Closed) => {
                (this.receiver, this.waiting) = (None, None);
                Poll::Ready(None)
            }
        }
    }
}
