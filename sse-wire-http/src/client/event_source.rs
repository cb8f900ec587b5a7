//! [`EventSource`]: the driver behind a `Stream`, with the browser's `readyState` and
//! `close()`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use sse_wire::client::{Client, ReadyState};
use tokio::sync::watch;

use super::driver::Driver;
use super::error::Error;
use super::transport::Transport;
use super::{Builder, Event};

type Step = Pin<Box<dyn Future<Output = (Box<Driver>, Option<Result<Event, Error>>)> + Send>>;

enum State {
    /// Between two items.
    Idle(Box<Driver>),
    /// Working on the next item (connecting, waiting, reading).
    Busy(Step),
    /// Closed; the connection is gone.
    Done,
}

/// A browser-like `EventSource`: a [`Stream`] of [`Event`]s that connects, reconnects with
/// `Last-Event-ID` after the server's `retry` time, fails for good on a response that is no
/// event stream, and notices a dead connection. See the [module](super) docs.
///
/// It does nothing until polled; dropping it (or [`EventSource::close`]) drops the
/// connection. Needs a Tokio runtime with the time driver (`#[tokio::main]` has it).
#[must_use = "an event source does nothing unless polled"]
pub struct EventSource {
    state: State,
    status: Arc<watch::Sender<ReadyState>>,
}

impl std::fmt::Debug for EventSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSource")
            .field("ready_state", &self.ready_state())
            .finish_non_exhaustive()
    }
}

impl EventSource {
    /// Options first: reconnection, idle timeout, backoff, comments, initial ID.
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) fn start(client: Client, transport: Box<dyn Transport>, comments: bool) -> Self {
        let status = Arc::new(watch::Sender::new(ReadyState::Connecting));
        let driver = Driver::new(client, transport, comments, status.clone());
        EventSource {
            state: State::Idle(Box::new(driver)),
            status,
        }
    }

    /// The `readyState`: `Connecting` (waiting to connect, or for the response), `Open`,
    /// or `Closed` (for good).
    pub fn ready_state(&self) -> ReadyState {
        *self.status.borrow()
    }

    /// Watches the `readyState` (CONNECTING → OPEN → CONNECTING … → CLOSED), e.g. for a
    /// connection indicator in another task. A watch keeps the latest value: a watcher that
    /// looks less often than the state changes sees the latest state, not every change
    /// (the stream's `Open` events and errors are every change).
    pub fn status(&self) -> watch::Receiver<ReadyState> {
        self.status.subscribe()
    }

    /// Closes the source for good, as `EventSource.close()`: the connection (or the wait
    /// for one) is dropped, `readyState` becomes `Closed`, and the stream ends.
    pub fn close(&mut self) {
        self.state = State::Done;
        self.status.send_replace(ReadyState::Closed);
    }
}

impl Stream for EventSource {
    type Item = Result<Event, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Idle(mut driver) => {
                    self.state = State::Busy(Box::pin(async move {
                        let item = driver.next().await;
                        (driver, item)
                    }));
                }
                State::Busy(mut step) => match step.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::Busy(step);
                        return Poll::Pending;
                    }
                    Poll::Ready((driver, item)) => {
                        match item {
                            Some(_) => self.state = State::Idle(driver),
                            None => self.close(),
                        }
                        return Poll::Ready(item);
                    }
                },
                State::Done => return Poll::Ready(None),
            }
        }
    }
}
