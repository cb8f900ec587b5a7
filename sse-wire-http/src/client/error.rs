//! What an [`EventSource`](super::EventSource) reports when something goes wrong: what
//! happened, and what the source does about it (the browser's `error` event plus
//! `readyState`).

use std::fmt;

use sse_wire::client::{CloseReason, FailReason, ReadyState};
use sse_wire::DecodeError;

use super::transport::BoxError;

/// An `error` event: what happened ([`Error::kind`]) and whether the source reconnects
/// ([`Error::will_reconnect`]) or is closed for good ([`Error::close_reason`]).
///
/// After an error that closed the source, the stream ends.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    ready_state: ReadyState,
    close_reason: Option<CloseReason>,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request cannot be sent at all (an invalid URL, a body that cannot be sent twice,
    /// an `https` URL without a TLS feature). Returned by the constructors; never retried.
    Request(BoxError),
    /// No response arrived: the connection was refused or reset, DNS or TLS failed.
    Connect(BoxError),
    /// The response fails the connection (spec: status other than 200, or a `Content-Type`
    /// other than `text/event-stream`; 204 No Content is the server's way to say "stop").
    /// The source is closed: a server that answers this way is not asked again.
    Response(FailReason),
    /// Reading the body failed (the connection was reset mid-stream).
    Body(BoxError),
    /// The body ended. `mid_event`: it ended inside an event, which was discarded (the spec's
    /// rule); otherwise it ended between events.
    Ended {
        /// Whether an unfinished event was discarded.
        mid_event: bool,
    },
    /// Nothing arrived, not even a comment, for the idle timeout (or the response took that
    /// long): the connection is taken for dead.
    IdleTimeout,
    /// An event broke the decoder's [`Limits`](sse_wire::Limits) and was skipped; the stream
    /// goes on (`ready_state` stays `Open`).
    Decode(DecodeError),
}

impl Error {
    pub(crate) fn new(
        kind: ErrorKind,
        ready_state: ReadyState,
        close_reason: Option<CloseReason>,
    ) -> Self {
        Error {
            kind,
            ready_state,
            close_reason,
        }
    }

    /// An error of a request that can never be sent.
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
    pub(crate) fn request(error: impl Into<BoxError>) -> Self {
        Error::new(
            ErrorKind::Request(error.into()),
            ReadyState::Closed,
            Some(CloseReason::Closed),
        )
    }

    /// What happened.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What happened, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The `readyState` after the error: `Connecting` (a reconnect is scheduled), `Closed`
    /// (for good), or `Open` (an event was skipped, the stream goes on).
    pub fn ready_state(&self) -> ReadyState {
        self.ready_state
    }

    /// Whether the source reconnects (as a browser's does after most errors).
    pub fn will_reconnect(&self) -> bool {
        self.ready_state == ReadyState::Connecting
    }

    /// Why the source is closed, when this error closed it: the response failed the
    /// connection, or the attempt limit was reached (`CloseReason::GaveUp`).
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.close_reason
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Request(error) => write!(f, "invalid request: {}", Chain(&**error)),
            ErrorKind::Connect(error) => write!(f, "connecting: {}", Chain(&**error)),
            ErrorKind::Response(reason) => reason.fmt(f),
            ErrorKind::Body(error) => write!(f, "reading the stream: {}", Chain(&**error)),
            ErrorKind::Ended { mid_event: true } => {
                f.write_str("the stream ended in the middle of an event")
            }
            ErrorKind::Ended { mid_event: false } => f.write_str("the stream ended"),
            ErrorKind::IdleTimeout => f.write_str("nothing arrived for the idle timeout"),
            ErrorKind::Decode(error) => write!(f, "{error} (event skipped)"),
        }
    }
}

/// An error and its sources, `: `-separated: HTTP stacks put the cause (refused, a bad
/// certificate) in the source, not in their own message.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)?;
        match (self.ready_state, self.close_reason) {
            (ReadyState::Connecting, _) => f.write_str("; reconnecting"),
            (ReadyState::Closed, Some(CloseReason::GaveUp { attempts })) if attempts > 0 => {
                write!(f, "; closed after {attempts} reconnection attempts")
            }
            (ReadyState::Closed, _) => f.write_str("; closed"),
            (ReadyState::Open, _) => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Request(error) | ErrorKind::Connect(error) | ErrorKind::Body(error) => {
                Some(&**error)
            }
            ErrorKind::Response(reason) => Some(reason),
            ErrorKind::Decode(error) => Some(error),
            ErrorKind::Ended { .. } | ErrorKind::IdleTimeout => None,
        }
    }
}
