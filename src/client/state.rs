//! The client state machine, owning the stream decoder.

use super::{check_response, Action, CloseReason, Config, ReadyState};
use alloc::string::String;

use crate::{DecodeError, Decoder, Event, Item};

/// Where the client is between connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `CONNECTING`, no connection: connect at `until`.
    Waiting { until: u64 },
    /// `CONNECTING`, the request is out since `since`.
    Requesting { since: u64 },
    /// `OPEN` since `since`; the last byte arrived at `last_activity`.
    Open { since: u64, last_activity: u64 },
    /// `CLOSED`.
    Closed(CloseReason),
}

/// An `EventSource` without I/O: the reconnection and liveness state machine plus the
/// [`Decoder`] whose last event ID and `retry` time it uses. See the [module](super) docs.
///
/// Every method takes `now`, a monotonic time in milliseconds that you own; time never
/// goes backwards for the client (an earlier `now` is treated as no time passing), and all
/// arithmetic saturates, so no input panics.
#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    decoder: Decoder,
    state: State,
    /// Reconnects since the last healthy connection.
    attempts: u32,
    /// SplitMix64 state, for the backoff jitter.
    rng: u64,
}

impl Client {
    /// A client that connects at the first [`Client::poll`].
    ///
    /// `seed` drives the backoff jitter: pass a random value (e.g. from the OS) so clients
    /// spread out, or a constant in tests to get the same waits every run.
    pub fn new(config: Config, seed: u64) -> Self {
        Self::with_decoder(config, seed, Decoder::new())
    }

    /// A client that decodes with `decoder` (e.g. one with other
    /// [`Limits`](crate::Limits), or a last event ID restored with
    /// [`Decoder::set_last_event_id`]).
    pub fn with_decoder(config: Config, seed: u64, decoder: Decoder) -> Self {
        Client {
            config,
            decoder,
            state: State::Waiting { until: 0 },
            attempts: 0,
            rng: seed,
        }
    }

    /// What to do now. Call it after every other call and whenever a deadline it gave passes.
    ///
    /// Declares the connection dead (and schedules a reconnect) when the idle timeout expired.
    pub fn poll(&mut self, now: u64) -> Action<'_> {
        loop {
            match self.state {
                State::Closed(reason) => return Action::Closed(reason),
                State::Waiting { until } => {
                    if now < until {
                        return Action::WaitUntil(until);
                    }
                    self.state = State::Requesting { since: now };
                    let id = self.decoder.last_event_id();
                    return Action::Connect {
                        last_event_id: (!id.is_empty()).then_some(id),
                    };
                }
                State::Requesting { since: last }
                | State::Open {
                    last_activity: last,
                    ..
                } => {
                    let deadline = self
                        .config
                        .idle_timeout()
                        .map(|timeout| last.saturating_add(timeout));
                    match deadline {
                        // A deadline saturated at the end of time (`== last`) never fires.
                        Some(deadline) if now >= deadline && deadline > last => {
                            self.reestablish(now);
                        }
                        _ => return Action::Receive { deadline },
                    }
                }
            }
        }
    }

    /// The response headers arrived: `status` and the `Content-Type` value, if any.
    ///
    /// A 200 with `text/event-stream` opens the stream (`Ok`): feed the body with
    /// [`Client::feed`]. Anything else fails the connection: the client is closed for good.
    ///
    /// # Errors
    ///
    /// Why the client is closed: [`CloseReason::Failed`] for this response, or the earlier
    /// reason if it was closed already. Drop the response.
    pub fn on_response(
        &mut self,
        now: u64,
        status: u16,
        content_type: Option<&[u8]>,
    ) -> Result<(), CloseReason> {
        if let State::Closed(reason) = self.state {
            return Err(reason);
        }
        match check_response(status, content_type) {
            Ok(()) => {
                self.decoder.finish();
                self.state = State::Open {
                    since: now,
                    last_activity: now,
                };
                Ok(())
            }
            Err(fail) => {
                let reason = CloseReason::Failed(fail);
                self.close_with(reason);
                Err(reason)
            }
        }
    }

    /// Body bytes arrived: they prove the connection alive; iterate to get the events.
    ///
    /// Bytes fed while the stream is not open (e.g. from a connection the client already
    /// declared dead) are ignored. A [`DecodeError`] (a configured limit) only skips the
    /// offending event: it is no reason to reconnect.
    pub fn feed<'d, 'c>(&'d mut self, now: u64, chunk: &'c [u8]) -> Feed<'d, 'c> {
        Feed {
            inner: self
                .open_decoder(now, chunk)
                .map(|decoder| decoder.feed(chunk)),
        }
    }

    /// [`Client::feed`], yielding every item of the stream in order: events, comments and
    /// `retry` values (already applied), as [`Decoder::feed_items`] does. Comments are what
    /// servers send to keep an idle connection alive: here they reach you too (e.g. for a
    /// heartbeat indicator); like every byte, they already reset the idle timeout.
    ///
    /// ```
    /// use sse_wire::client::{Client, Config};
    /// use sse_wire::Item;
    ///
    /// let mut client = Client::new(Config::new().with_idle_timeout(1_000), 0);
    /// let _ = client.poll(0);
    /// client.on_response(0, 200, Some(b"text/event-stream"))?;
    /// let items: Vec<_> = client.feed_items(900, b": ping\ndata: hi\n\n").collect();
    /// assert!(matches!(&items[0], Ok(Item::Comment(text)) if text == "ping"));
    /// assert!(matches!(&items[1], Ok(Item::Event(event)) if event.data() == "hi"));
    /// // The comment proved the connection alive at 900 ms: its deadline moved.
    /// assert_eq!(client.poll(900), sse_wire::client::Action::Receive { deadline: Some(1_900) });
    /// # Ok::<(), sse_wire::client::CloseReason>(())
    /// ```
    pub fn feed_items<'d, 'c>(&'d mut self, now: u64, chunk: &'c [u8]) -> FeedItems<'d, 'c> {
        FeedItems {
            inner: self
                .open_decoder(now, chunk)
                .map(|decoder| decoder.feed_items(chunk)),
        }
    }

    /// The decoder for `chunk` if the stream is open (the chunk proves it alive), else `None`.
    fn open_decoder(&mut self, now: u64, chunk: &[u8]) -> Option<&mut Decoder> {
        let State::Open { .. } = self.state else {
            return None;
        };
        if !chunk.is_empty() {
            self.on_activity(now);
        }
        Some(&mut self.decoder)
    }

    /// Bytes arrived on the open stream, if you decode them yourself (through
    /// [`Client::decoder_mut`]) rather than with [`Client::feed`].
    pub fn on_activity(&mut self, now: u64) {
        if let State::Open { last_activity, .. } = &mut self.state {
            *last_activity = (*last_activity).max(now);
        }
    }

    /// The connection ended: a network error, or the end of the body (graceful or not).
    /// The unfinished event is discarded and a reconnect is scheduled, unless closed.
    /// Without a connection (waiting to connect, or closed), nothing happens.
    pub fn on_disconnect(&mut self, now: u64) {
        if let State::Requesting { .. } | State::Open { .. } = self.state {
            self.reestablish(now);
        }
    }

    /// Closes the client for good, as `EventSource.close()`; drop any connection you hold.
    pub fn close(&mut self) {
        self.close_with(CloseReason::Closed);
    }

    /// The `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        match self.state {
            State::Waiting { .. } | State::Requesting { .. } => ReadyState::Connecting,
            State::Open { .. } => ReadyState::Open,
            State::Closed(_) => ReadyState::Closed,
        }
    }

    /// Why the client is closed, if it is.
    pub fn close_reason(&self) -> Option<CloseReason> {
        match self.state {
            State::Closed(reason) => Some(reason),
            _ => None,
        }
    }

    /// The last event ID (`""` if none): what the next [`Action::Connect`] sends.
    pub fn last_event_id(&self) -> &str {
        self.decoder.last_event_id()
    }

    /// The reconnection time in ms: the server's last `retry`, or the configured one, clamped
    /// to [`Config::with_max_reconnection_time`].
    pub fn reconnection_time(&self) -> u64 {
        let ms = self
            .decoder
            .reconnection_time()
            .unwrap_or(self.config.reconnection_time());
        match self.config.max_reconnection_time() {
            Some(max) => ms.min(max),
            None => ms,
        }
    }

    /// Reconnects scheduled since the last healthy connection (see
    /// [`Backoff::with_reset_after`](super::Backoff::with_reset_after); without a backoff
    /// policy, any connection that opened is healthy).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The decoder: its last event ID and reconnection time.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// The decoder, to decode from your own buffer with [`Decoder::decode`]; call
    /// [`Client::on_activity`] when bytes arrive.
    pub fn decoder_mut(&mut self) -> &mut Decoder {
        &mut self.decoder
    }

    fn close_with(&mut self, reason: CloseReason) {
        if let State::Closed(_) = self.state {
            return;
        }
        self.decoder.finish();
        self.state = State::Closed(reason);
    }

    /// The spec's "reestablish the connection", with the backoff policy.
    fn reestablish(&mut self, now: u64) {
        let healthy_after = self.config.backoff().map_or(0, |b| b.reset_after());
        if let State::Open { since, .. } = self.state {
            if now.saturating_sub(since) >= healthy_after {
                self.attempts = 0;
            }
        }
        self.attempts = self.attempts.saturating_add(1);
        self.decoder.finish();
        let mut wait = self.reconnection_time();
        if let Some(backoff) = self.config.backoff() {
            if let Some(max) = backoff.max_attempts() {
                if self.attempts > max {
                    self.attempts = max;
                    self.state = State::Closed(CloseReason::GaveUp { attempts: max });
                    return;
                }
            }
            let random = self.next_random();
            wait = wait.saturating_add(backoff.jitter(self.attempts, random));
        }
        // `now` may be earlier than the last activity: never schedule before it.
        let floor = match self.state {
            State::Open { last_activity, .. } => last_activity,
            State::Requesting { since } => since,
            _ => 0,
        };
        self.state = State::Waiting {
            until: now.max(floor).saturating_add(wait),
        };
    }

    /// SplitMix64: small, no_std, and good enough to spread reconnects.
    fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The events of one chunk, from [`Client::feed`]; empty when the stream is not open.
#[derive(Debug)]
pub struct Feed<'d, 'c> {
    inner: Option<crate::Feed<'d, 'c>>,
}

impl Iterator for Feed<'_, '_> {
    type Item = Result<Event, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.as_mut()?.next()
    }
}

/// The items of one chunk, from [`Client::feed_items`]; empty when the stream is not open.
#[derive(Debug)]
pub struct FeedItems<'d, 'c> {
    inner: Option<crate::decode::FeedItems<'d, 'c>>,
}

impl Iterator for FeedItems<'_, '_> {
    type Item = Result<Item<Event, String>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.as_mut()?.next()
    }
}
