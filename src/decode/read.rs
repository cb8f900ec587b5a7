//! A blocking adapter: events from any [`std::io::Read`] (a file, stdin, a blocking HTTP
//! body), through the [`LendingDecoder`].

use std::io;

use super::lending::LendingDecoder;
use super::lent::EventView;
use crate::{DecodeError, Event, Item, Limits};

/// Reads an event stream from `R` and yields what it says: lent items with
/// [`EventReader::next_item`], or owned [`Event`]s as an [`Iterator`].
///
/// At the end of the input the unfinished event is discarded, as the spec requires, and the
/// reader yields nothing more.
///
/// ```
/// use sse_wire::decode::EventReader;
///
/// let body: &[u8] = b"id: 1\ndata: hello\n\n: ping\n\ndata: world\n\ndata: cut off";
/// let data: Vec<String> = EventReader::new(body)
///     .map(|event| event.map(|event| event.data().to_owned()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(data, ["hello", "world"]);
/// # Ok::<(), sse_wire::decode::ReadError>(())
/// ```
#[derive(Debug)]
pub struct EventReader<R> {
    reader: R,
    decoder: LendingDecoder,
    done: bool,
}

impl<R: io::Read> EventReader<R> {
    /// A reader with the default [`Limits`].
    pub fn new(reader: R) -> Self {
        Self::with_limits(reader, Limits::new())
    }

    /// A reader with the given limits.
    pub fn with_limits(reader: R, limits: Limits) -> Self {
        EventReader {
            reader,
            decoder: LendingDecoder::with_limits(limits),
            done: false,
        }
    }

    /// The decoder, for its stream state (last event ID, reconnection time).
    pub fn decoder(&self) -> &LendingDecoder {
        &self.decoder
    }

    /// The decoder, to set its last event ID (one persisted from an earlier connection).
    pub fn decoder_mut(&mut self) -> &mut LendingDecoder {
        &mut self.decoder
    }

    /// The reader, by value (input read but not yet decoded is lost).
    pub fn into_inner(self) -> R {
        self.reader
    }

    /// The next item (event, comment, retry), lent until the next call; reads as needed.
    /// `None` at the end of the input.
    ///
    /// # Errors
    ///
    /// [`ReadError::Io`] from the reader ([`io::ErrorKind::Interrupted`] is retried), or
    /// [`ReadError::Decode`] once per block over a limit (reading goes on after it).
    pub fn next_item(&mut self) -> Option<Result<Item<EventView<'_>, &str>, ReadError>> {
        Some(self.fill(false)?.map(|()| self.decoder.take()))
    }

    /// The next event (comments and retries are applied and skipped), lent until the next
    /// call.
    ///
    /// # Errors
    ///
    /// As [`EventReader::next_item`].
    pub fn next_event(&mut self) -> Option<Result<EventView<'_>, ReadError>> {
        Some(self.fill(true)?.map(|()| self.decoder.take_event()))
    }

    /// Reads until the decoder has an item to lend (only an event if `events_only`: other
    /// items are skipped, already applied); `None` at the end of the input.
    fn fill(&mut self, events_only: bool) -> Option<Result<(), ReadError>> {
        loop {
            let found = if events_only {
                self.decoder.advance_to_event()
            } else {
                self.decoder.advance()
            };
            match found {
                Ok(true) => return Some(Ok(())),
                Ok(false) => {}
                Err(error) => return Some(Err(ReadError::Decode(error))),
            }
            match self.read_more() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(error) => return Some(Err(error)),
            }
        }
    }

    /// Reads more input into the decoder (finishing it at the end of the input); `Ok(false)`
    /// once the input had ended before this call.
    fn read_more(&mut self) -> Result<bool, ReadError> {
        if self.done {
            return Ok(false);
        }
        match self.decoder.read_from(&mut self.reader) {
            Ok(0) => {
                self.done = true;
                self.decoder.finish();
            }
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(ReadError::Io(error)),
        }
        Ok(true)
    }
}

impl<R: io::Read> Iterator for EventReader<R> {
    type Item = Result<Event, ReadError>;

    /// The next event, owned (comments and retries skipped).
    fn next(&mut self) -> Option<Self::Item> {
        self.next_event()
            .map(|event| event.map(|event| event.to_owned()))
    }
}

/// Why an [`EventReader`] could not go on.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// The reader failed.
    Io(io::Error),
    /// A block broke a configured limit; it was dropped, and reading goes on after it.
    Decode(DecodeError),
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "reading the event stream failed: {error}"),
            ReadError::Decode(error) => core::fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(error) => Some(error),
            ReadError::Decode(error) => Some(error),
        }
    }
}

impl From<ReadError> for io::Error {
    fn from(error: ReadError) -> io::Error {
        match error {
            ReadError::Io(error) => error,
            ReadError::Decode(error) => io::Error::new(io::ErrorKind::InvalidData, error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{string::String, vec::Vec};

    #[test]
    fn next_event_skips_blocks_that_fire_nothing_and_applies_their_retry() {
        let body: &[u8] = b": ping\n\nretry: 5\n\nid: 1\n\ndata: a\n\n: c\nevent: t\ndata: b\n\n";
        let mut reader = EventReader::new(body);
        let mut seen = Vec::new();
        while let Some(event) = reader.next_event() {
            let event = event.unwrap();
            seen.push(
                String::from(event.event_type()) + " " + event.data() + " " + event.last_event_id(),
            );
        }
        assert_eq!(seen, ["message a 1", "t b 1"]);
        assert_eq!(reader.decoder().reconnection_time(), Some(5));
    }
}
