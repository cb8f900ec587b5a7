//! A [`futures_core::Stream`] of events over a stream of byte chunks: what `reqwest`
//! (`Response::bytes_stream`) and `hyper` users hold.
//!
//! ```
//! use futures::{executor::block_on, stream, StreamExt};
//! use sse_wire::stream::EventStream;
//!
//! let chunks = stream::iter([Ok::<_, std::io::Error>(&b"data: to"[..]), Ok(b"ken\n\n")]);
//! let events: Vec<_> = block_on(EventStream::new(chunks).collect());
//! assert_eq!(events[0].as_ref().unwrap().data(), "token");
//! ```

use core::{
    fmt,
    pin::Pin,
    task::{ready, Context, Poll},
};

use futures_core::Stream;

use crate::{DecodeError, Decoder, Event};

/// Decodes a stream of byte chunks (`Bytes`, `Vec<u8>`, `&[u8]`, anything `AsRef<[u8]>`) into
/// [`Event`]s with the owned [`Decoder`].
///
/// When the inner stream ends between events, this stream ends. When it ends in the middle of
/// an event (see [`Decoder::is_mid_event`]), the unfinished event is discarded, as the spec
/// requires, and the last item is [`StreamError::Truncated`]: a body cut off mid-answer is
/// not mistaken for a finished one.
///
/// ```
/// use futures::{executor::block_on, stream, StreamExt};
/// use sse_wire::stream::{EventStream, StreamError};
///
/// let chunks = stream::iter([Ok::<_, std::io::Error>(&b"data: one\n\ndata: cut o"[..])]);
/// let items: Vec<_> = block_on(EventStream::new(chunks).collect());
/// assert_eq!(items[0].as_ref().unwrap().data(), "one");
/// assert!(matches!(items[1], Err(StreamError::Truncated)));
/// assert_eq!(items.len(), 2);
/// ```
///
/// The inner stream must be `Unpin`; pin a `!Unpin` one with `Box::pin` first. Comments and
/// `retry` are applied to the decoder's state (see [`EventStream::decoder`]) but not yielded.
#[derive(Debug)]
pub struct EventStream<S> {
    inner: S,
    decoder: Decoder,
    done: bool,
}

impl<S> EventStream<S> {
    /// Decodes `inner` with a default [`Decoder`].
    pub fn new(inner: S) -> Self {
        Self::with_decoder(inner, Decoder::new())
    }

    /// Decodes `inner` with `decoder` (its limits, its last event ID).
    pub fn with_decoder(inner: S, decoder: Decoder) -> Self {
        EventStream {
            inner,
            decoder,
            done: false,
        }
    }

    /// The decoder: last event ID, reconnection time.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// The inner stream and the decoder, e.g. to reconnect with the same stream state.
    pub fn into_parts(self) -> (S, Decoder) {
        (self.inner, self.decoder)
    }
}

impl<S, B, E> Stream for EventStream<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = Result<Event, StreamError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            // Events still held from an earlier chunk come first.
            if let Some(event) = this.decoder.feed(&[]).next() {
                return Poll::Ready(Some(event.map_err(StreamError::Decode)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
                Some(Ok(chunk)) => {
                    // The rest of the chunk stays in the decoder when the feed is dropped.
                    if let Some(event) = this.decoder.feed(chunk.as_ref()).next() {
                        return Poll::Ready(Some(event.map_err(StreamError::Decode)));
                    }
                }
                Some(Err(error)) => return Poll::Ready(Some(Err(StreamError::Transport(error)))),
                None => {
                    let truncated = this.decoder.is_mid_event();
                    this.decoder.finish();
                    this.done = true;
                    if truncated {
                        return Poll::Ready(Some(Err(StreamError::Truncated)));
                    }
                }
            }
        }
    }
}

/// An error from an [`EventStream`].
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError<E> {
    /// A [`Limits`](crate::Limits) violation; the stream goes on with the next event.
    Decode(DecodeError),
    /// The inner stream yielded an error.
    Transport(E),
    /// The inner stream ended in the middle of an event, which was discarded; the last item.
    Truncated,
}

impl<E: fmt::Display> fmt::Display for StreamError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Decode(error) => error.fmt(f),
            StreamError::Transport(error) => write!(f, "reading the event stream: {error}"),
            StreamError::Truncated => f.write_str(TRUNCATED),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for StreamError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            StreamError::Decode(error) => Some(error),
            StreamError::Transport(error) => Some(error),
            StreamError::Truncated => None,
        }
    }
}

/// The message of [`StreamError::Truncated`].
pub(crate) const TRUNCATED: &str = "the event stream ended in the middle of an event";
