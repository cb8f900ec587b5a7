//! The driver loop: asks the sans-IO [`Client`] what to do, does it with the [`Transport`],
//! a timer and the clock, and turns what happens into the events a browser reports. Both
//! backends run through it, so the reconnection rules live in `sse_wire::client` alone.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use sse_wire::client::{Action, Client, ReadyState};
use sse_wire::Item;
use tokio::sync::watch;
use tokio::time::{sleep_until, Duration, Instant};

use super::error::{Error, ErrorKind};
use super::transport::{Body, Pending, Transport};
use super::Event;

/// The connection the client holds, if any.
enum Connection {
    /// The request is out; the response headers are awaited.
    Requesting(Pending),
    /// The response opened the stream; its body is being read.
    Streaming(Body),
}

/// Everything an event source owns while it runs.
pub(crate) struct Driver {
    client: Client,
    transport: Box<dyn Transport>,
    connection: Option<Connection>,
    /// The start of the client's millisecond clock.
    origin: Instant,
    /// What one chunk produced beyond the item returned.
    queued: VecDeque<Result<Event, Error>>,
    comments: bool,
    status: Arc<watch::Sender<ReadyState>>,
}

impl Driver {
    pub(crate) fn new(
        client: Client,
        transport: Box<dyn Transport>,
        comments: bool,
        status: Arc<watch::Sender<ReadyState>>,
    ) -> Self {
        Driver {
            client,
            transport,
            connection: None,
            origin: Instant::now(),
            queued: VecDeque::new(),
            comments,
            status,
        }
    }

    /// The client's clock: milliseconds since `origin`.
    fn now(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A time on the client's clock as an `Instant`.
    fn instant(&self, at: u64) -> Instant {
        self.origin
            .checked_add(Duration::from_millis(at))
            .unwrap_or_else(|| self.origin + Duration::from_secs(86_400 * 365 * 30))
    }

    /// Publishes the `readyState` (only changes wake the watchers).
    fn publish(&self) {
        let state = self.client.ready_state();
        self.status.send_if_modified(|current| {
            let changed = *current != state;
            *current = state;
            changed
        });
    }

    /// An error with the state it left the client in; the connection is dropped unless open.
    fn error(&mut self, kind: ErrorKind) -> Error {
        let state = self.client.ready_state();
        if state != ReadyState::Open {
            self.connection = None;
        }
        self.publish();
        Error::new(kind, state, self.client.close_reason())
    }

    /// The next event, or `None` once the source is closed. Not cancel-safe: the caller
    /// keeps the future until it completes, or drops the driver with it.
    pub(crate) async fn next(&mut self) -> Option<Result<Event, Error>> {
        loop {
            if let Some(item) = self.queued.pop_front() {
                return Some(item);
            }
            let now = self.now();
            let deadline = match self.client.poll(now) {
                Action::Closed(_) => {
                    self.connection = None;
                    self.publish();
                    return None;
                }
                Action::WaitUntil(at) => {
                    self.connection = None;
                    self.publish();
                    sleep_until(self.instant(at)).await;
                    continue;
                }
                Action::Connect { last_event_id } => {
                    let pending = self.transport.send(last_event_id);
                    self.connection = Some(Connection::Requesting(pending));
                    self.publish();
                    continue;
                }
                Action::Receive { deadline } => deadline,
            };
            let deadline = deadline.map(|at| self.instant(at));
            let expired = async move {
                match deadline {
                    Some(at) => sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            match self.connection.as_mut() {
                // Receive always follows Connect; without a connection it is lost.
                None => {
                    self.client.on_disconnect(now);
                    continue;
                }
                Some(Connection::Requesting(pending)) => {
                    tokio::select! {
                        response = pending => match self.on_response(response) {
                            Some(item) => return Some(item),
                            None => continue,
                        },
                        () = expired => {}
                    }
                }
                Some(Connection::Streaming(body)) => {
                    tokio::select! {
                        chunk = body.next() => match chunk {
                            Some(Ok(chunk)) => {
                                self.on_chunk(&chunk);
                                continue;
                            }
                            Some(Err(error)) => {
                                self.client.on_disconnect(self.now());
                                return Some(Err(self.error(ErrorKind::Body(error))));
                            }
                            None => {
                                // The decoder holds any line not terminated yet too.
                                let mid_event = self.client.decoder().is_mid_event();
                                self.client.on_disconnect(self.now());
                                return Some(Err(self.error(ErrorKind::Ended { mid_event })));
                            }
                        },
                        () = expired => {}
                    }
                }
            }
            // The deadline passed: the client tells whether the connection is dead.
            if !matches!(self.client.poll(self.now()), Action::Receive { .. }) {
                return Some(Err(self.error(ErrorKind::IdleTimeout)));
            }
        }
    }

    fn on_response(
        &mut self,
        response: Result<super::transport::Head, super::transport::BoxError>,
    ) -> Option<Result<Event, Error>> {
        let head = match response {
            Ok(head) => head,
            Err(error) => {
                self.client.on_disconnect(self.now());
                return Some(Err(self.error(ErrorKind::Connect(error))));
            }
        };
        let content_type = head.content_type.as_ref().map(|v| v.as_bytes());
        match self
            .client
            .on_response(self.now(), head.status, content_type)
        {
            Ok(()) => {
                self.connection = Some(Connection::Streaming(head.body));
                self.publish();
                Some(Ok(Event::Open))
            }
            Err(sse_wire::client::CloseReason::Failed(reason)) => {
                Some(Err(self.error(ErrorKind::Response(reason))))
            }
            // Closed already (it cannot be: `close` drops the driver): nothing to report.
            Err(_) => None,
        }
    }

    /// Decodes a chunk of the body: its events (and comments, if asked) are queued. The
    /// client's decoder keeps a line not terminated yet for the next chunk.
    fn on_chunk(&mut self, chunk: &Bytes) {
        let now = self.now();
        // Decode errors (a limit) skip the offending event; the stream stays open.
        let state = self.client.ready_state();
        for item in self.client.feed_items(now, chunk) {
            let event = match item {
                Ok(Item::Event(event)) => Event::Message(event),
                Ok(Item::Comment(text)) if self.comments => Event::Comment(text),
                // Retries are the client's (already applied); comments unless asked for.
                Ok(_) => continue,
                Err(error) => {
                    let error = Error::new(ErrorKind::Decode(error), state, None);
                    self.queued.push_back(Err(error));
                    continue;
                }
            };
            self.queued.push_back(Ok(event));
        }
    }
}
