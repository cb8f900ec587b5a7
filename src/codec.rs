//! [`tokio_util::codec`] integration: read events from any `AsyncRead` with `FramedRead`,
//! write them to any `AsyncWrite` with `FramedWrite`.
//!
//! ```
//! use futures::StreamExt;
//! use sse_wire::{codec::{CodecError, SseCodec}, Item};
//! use tokio_util::codec::FramedRead;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let body: &[u8] = b": hi\ndata: one\n\ndata: two\n\n: bye\n";
//! let mut frames = FramedRead::new(body, SseCodec::new());
//! let mut data = Vec::new();
//! while let Some(item) = frames.next().await {
//!     if let Item::Event(event) = item? {
//!         data.push(event.data().clone());
//!     }
//! }
//! assert_eq!(data, ["one", "two"]);
//!
//! // Cut off in the middle of an event: it is discarded, and the reader is told.
//! let body: &[u8] = b"data: one\n\ndata: cut o";
//! let mut frames = FramedRead::new(body, SseCodec::new());
//! assert!(matches!(frames.next().await, Some(Ok(Item::Event(_)))));
//! assert!(matches!(frames.next().await, Some(Err(CodecError::Truncated))));
//! assert!(frames.next().await.is_none());
//! # Ok::<(), CodecError>(())
//! # }).unwrap();
//! ```
//!
//! Writing: [`SseCodec`] encodes anything that implements [`Encode`] (an [`EventRef`](crate::EventRef), a
//! [`Comment`](crate::Comment)) with one `reserve` of its exact length into the write buffer.
//!
//! ```
//! use futures::SinkExt;
//! use sse_wire::{codec::SseCodec, Comment, EventId, EventRef};
//! use tokio_util::codec::FramedWrite;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let mut out = FramedWrite::new(Vec::new(), SseCodec::new());
//! out.send(EventRef::new().with_id(EventId::new("1")?).with_data("hi")).await?;
//! out.send(Comment::keep_alive()).await?;
//! assert_eq!(out.get_ref(), b"id: 1\ndata: hi\n\n:\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use std::{fmt, io};

use bytes::{Bytes, BytesMut};

use crate::{BytesDecoder, DecodeError, Encode, Event, Item, Limits};

/// A `tokio_util::codec::Decoder` for `text/event-stream`, built on [`BytesDecoder`]:
/// yields every [`Item`] (events, comments for liveness, `retry`), with `Bytes` data shared
/// with the read buffer. Also a `tokio_util::codec::Encoder` of everything that implements
/// [`Encode`] (encoding never fails: field values are validated when built).
///
/// Since it encodes more than one item type, a `FramedWrite` method that takes no item
/// needs the type named: `SinkExt::<EventRef<'_>>::close(&mut sink)`.
///
/// At end of input an unfinished event is discarded, as the spec requires, and reported as
/// [`CodecError::Truncated`] (as `tokio_util`'s default `decode_eof` reports bytes left on
/// the stream), so a body cut off mid-event is told from one that ended between events.
/// A [`Limits`] violation is returned as [`CodecError::Decode`]; `FramedRead` ends the stream
/// after any error (use [`BytesDecoder`] directly to skip the event and go on).
#[derive(Debug, Clone, Default)]
pub struct SseCodec {
    decoder: BytesDecoder,
}

impl SseCodec {
    /// A codec with the default [`Limits`].
    pub const fn new() -> Self {
        SseCodec {
            decoder: BytesDecoder::new(),
        }
    }

    /// A codec with the given limits.
    pub const fn with_limits(limits: Limits) -> Self {
        SseCodec {
            decoder: BytesDecoder::with_limits(limits),
        }
    }

    /// The decoder, for the stream state it keeps (last event ID, reconnection time).
    pub fn decoder(&self) -> &BytesDecoder {
        &self.decoder
    }

    /// The decoder, e.g. to set the last event ID before a resumed stream.
    pub fn decoder_mut(&mut self) -> &mut BytesDecoder {
        &mut self.decoder
    }
}

impl tokio_util::codec::Decoder for SseCodec {
    type Item = Item<Event<Bytes>, Bytes>;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, CodecError> {
        Ok(self.decoder.decode(src)?)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, CodecError> {
        if let Some(item) = self.decoder.decode(src)? {
            return Ok(Some(item));
        }
        // End of stream: the unfinished event (a partial line, or fields without their
        // blank line) is discarded, and reported.
        let truncated = !src.is_empty() || self.decoder.is_mid_event();
        src.clear();
        self.decoder.finish();
        if truncated {
            return Err(CodecError::Truncated);
        }
        Ok(None)
    }
}

/// Encodes anything that [encodes itself](Encode): an [`EventRef`](crate::EventRef), a
/// [`Comment`](crate::Comment), or a reference to one.
impl<T: Encode> tokio_util::codec::Encoder<T> for SseCodec {
    type Error = CodecError;

    fn encode(&mut self, frame: T, dst: &mut BytesMut) -> Result<(), CodecError> {
        crate::encode::encode_to_bytes_mut(&frame, dst);
        Ok(())
    }
}

/// An error reading an event stream through [`SseCodec`].
#[derive(Debug)]
#[non_exhaustive]
pub enum CodecError {
    /// A [`Limits`] violation.
    Decode(DecodeError),
    /// The underlying reader failed.
    Io(io::Error),
    /// The input ended in the middle of an event, which was discarded.
    Truncated,
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Decode(error) => error.fmt(f),
            CodecError::Io(error) => write!(f, "reading the event stream: {error}"),
            CodecError::Truncated => {
                f.write_str("the event stream ended in the middle of an event")
            }
        }
    }
}

impl std::error::Error for CodecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CodecError::Decode(error) => Some(error),
            CodecError::Io(error) => Some(error),
            CodecError::Truncated => None,
        }
    }
}

impl From<DecodeError> for CodecError {
    fn from(error: DecodeError) -> Self {
        CodecError::Decode(error)
    }
}

impl From<io::Error> for CodecError {
    fn from(error: io::Error) -> Self {
        CodecError::Io(error)
    }
}
