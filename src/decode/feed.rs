//! [`Decoder::feed`] and [`Decoder::feed_items`]: chunks decoded where they lie, the partial
//! line at a chunk's end kept in the decoder (after the data being built) and completed by the
//! next chunk. One loop serves both, generic over what it yields ([`Yield`](super::report::Yield)): `feed` is the
//! item loop with comments and retries not reported, compiled to the events-only loop it
//! always was.

use alloc::string::String;
use core::ops::Range;

use super::dispatch::Step;
use super::event::to_string;
use super::line_end::find_line_end;
use super::owned::Decoder;
use super::report::{Events, Items, Yield};
use super::scan::clamp_limit;
use super::text::Utf8Prefix;
use crate::{DecodeError, Event, Item, Status};

/// The loop's slow step for each [`Yield`]: a plain function, so it is compiled here, once,
/// not in every crate that iterates.
pub(super) trait SlowStep: Yield {
    /// [`FedChunk::next_slow`] for this `Yield`.
    fn next_slow(items: &mut FedChunk<'_, '_>) -> Option<Result<Self::Out, DecodeError>>;
}

impl SlowStep for Events {
    fn next_slow(items: &mut FedChunk<'_, '_>) -> Option<Result<Event, DecodeError>> {
        items.next_slow::<Self>()
    }
}

impl SlowStep for Items {
    fn next_slow(items: &mut FedChunk<'_, '_>) -> Option<Result<Item<Event, String>, DecodeError>> {
        items.next_slow::<Self>()
    }
}

impl Decoder {
    /// Whether `feed` keeps a partial line (or undecoded input) after the data.
    #[inline]
    pub(super) fn has_tail(&self) -> bool {
        self.buf.len() > self.data_len as usize
    }

    /// Continues the partial line `feed` keeps with `chunk`: takes the chunk's bytes through its
    /// first line end (all of a small chunk, or of one without a line end) and decodes them.
    /// Comments and retries are returned only if `Y` reports them.
    pub(super) fn continue_tail<Y: Yield>(
        &mut self,
        chunk: &mut &[u8],
    ) -> Result<Option<Y::Out>, DecodeError> {
        let tail = &self.buf[self.data_len as usize..];
        let tail_len = tail.len();
        // Bytes that only lengthen a partial line within the limits (and not one that may
        // yet be a `data` line, which is streamed) need not be decoded.
        let idle = chunk.len() <= self.interpreter.room(tail_len)
            && (tail_len > 5 || !b"data:".starts_with(tail));
        let found = find_line_end(chunk);
        let clean = found.unwrap_or(chunk.len());
        // The bytes searched here are not searched again: the scanner goes on after them.
        self.interpreter.count_search(clean);
        self.interpreter.searched(tail_len + clean);
        // A small chunk goes to the tail whole: its lines are decoded there in one pass. A big
        // one gives only the line's end; its other lines are decoded where they are.
        let take = match found {
            Some(end) if chunk.len() > SMALL_CHUNK => line_end(chunk, end),
            _ => chunk.len(),
        };
        self.buf.extend_from_slice(&chunk[..take]);
        *chunk = &chunk[take..];
        if idle && found.is_none() {
            return Ok(None);
        }
        self.decode_tail::<Y>()
    }

    /// Decodes the partial line kept after the data (now completed or longer), in place,
    /// until an item (comments and retries only if `Y` reports them) or only a partial line is
    /// left.
    pub(super) fn decode_tail<Y: Yield>(&mut self) -> Result<Option<Y::Out>, DecodeError> {
        loop {
            let data_len = self.data_len as usize;
            let Some(tail) = self.buf.get(data_len..).filter(|tail| !tail.is_empty()) else {
                // A huge line kept here is gone: so is its memory.
                self.release_if_empty();
                return Ok(None);
            };
            let tail_len = tail.len();
            // Past what an error left processed (a dropped `Feed` kept its input as it was).
            let mut at = core::mem::take(&mut self.pos).min(tail_len);
            let step = match self.interpreter.step(tail, &mut at, Y::REPORT, true) {
                Ok(step) => step,
                Err(error) => {
                    // What the interpreter consumed goes; the rest (it may hold the offending
                    // line's end now) is decoded again as it is next time.
                    self.buf.drain(data_len..data_len + at);
                    self.drop_data();
                    self.pos = 0;
                    self.raw_tail = self.has_tail();
                    return Err(error);
                }
            };
            let data = match step {
                Step::Partial { consumed } => {
                    self.buf.drain(data_len..data_len + consumed);
                    self.release_if_empty();
                    return Ok(None);
                }
                Step::Data { value, first, next } => {
                    self.data_from_tail(value, !first, next);
                    continue;
                }
                Step::Piece {
                    value,
                    starts,
                    first,
                    next,
                } => {
                    self.data_from_tail(value, starts && !first, next.unwrap_or(tail_len));
                    continue;
                }
                // Only when `Y` reports them.
                Step::Comment { text, next } => {
                    let item = Y::comment(&tail[text]);
                    self.buf.drain(data_len..data_len + next);
                    if item.is_some() {
                        self.raw_tail = self.has_tail();
                        return Ok(item);
                    }
                    continue;
                }
                Step::Retry { ms, next } => {
                    self.buf.drain(data_len..data_len + next);
                    if let Some(item) = Y::retry(ms) {
                        self.raw_tail = self.has_tail();
                        return Ok(Some(item));
                    }
                    continue;
                }
                Step::Event { value, next } => {
                    let data = to_string(&tail[value]);
                    self.buf.drain(data_len..data_len + next);
                    data
                }
                Step::Dispatch { next } => {
                    self.buf.drain(data_len..data_len + next);
                    self.take_data()
                }
            };
            // Lines may follow in the tail (a small chunk is taken whole): decoded as they
            // are, before more is appended.
            self.raw_tail = self.has_tail();
            return Ok(Some(Y::event(self.interpreter.dispatch(data))));
        }
    }

    /// Moves a data value from the kept partial line (`value`, relative to it) to the data's
    /// end (after an LF if `lf`), dropping the line's bytes through `next`.
    fn data_from_tail(&mut self, value: Range<usize>, lf: bool, next: usize) {
        let data_len = self.data_len as usize;
        // The value follows at least `data:` in the line: moving it left by up to five bytes
        // (LF first) never overwrites what is still to be moved.
        let to = data_len + usize::from(lf);
        self.buf
            .copy_within(data_len + value.start..data_len + value.end, to);
        if lf {
            self.buf[data_len] = b'\n';
        }
        let new_len = to + value.len();
        self.buf.drain(new_len..data_len + next);
        self.data_len = clamp_limit(new_len);
    }

    /// Decodes a chunk as it arrived: iterate to get its events. The decoder keeps the partial
    /// line at the chunk's end for the next call. Comments and `retry` are applied but not
    /// yielded (use [`Decoder::feed_items`] to see them).
    ///
    /// Dropping the iterator early keeps the rest of the chunk for the next call: no event is
    /// lost.
    ///
    /// Time is linear in the bytes fed, at any chunking: every byte is searched for line ends
    /// once.
    pub fn feed<'d, 'c>(&'d mut self, chunk: &'c [u8]) -> Feed<'d, 'c> {
        Feed {
            items: FedChunk::new(self, chunk),
        }
    }

    /// [`Decoder::feed`], yielding everything the stream says, in stream order: events,
    /// comments (servers' keep-alives: proof that the connection lives) and valid `retry`
    /// values (already applied: see [`Decoder::reconnection_time`]). The same loop as `feed`,
    /// with the same partial line kept for the next chunk; only the comments cost more (their
    /// text is copied into a `String`, invalid UTF-8 replaced).
    ///
    /// ```
    /// use sse_wire::{Decoder, Item};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut seen = Vec::new();
    /// for chunk in [&b": keep-"[..], b"alive\nretry: 5000\nda", b"ta: hi\n\n"] {
    ///     for item in decoder.feed_items(chunk) {
    ///         match item? {
    ///             Item::Event(event) => seen.push(format!("event {}", event.data())),
    ///             Item::Comment(text) => seen.push(format!("comment {text}")),
    ///             Item::Retry(ms) => seen.push(format!("retry {ms}")),
    ///             _ => {}
    ///         }
    ///     }
    /// }
    /// assert_eq!(seen, ["comment keep-alive", "retry 5000", "event hi"]);
    /// # Ok::<(), sse_wire::DecodeError>(())
    /// ```
    ///
    /// Dropping the iterator early keeps the rest of the chunk for the next call: no item is
    /// lost.
    pub fn feed_items<'d, 'c>(&'d mut self, chunk: &'c [u8]) -> FeedItems<'d, 'c> {
        FeedItems {
            items: FedChunk::new(self, chunk),
        }
    }
}

/// Iterator over the events of one chunk. See [`Decoder::feed`].
#[derive(Debug)]
pub struct Feed<'d, 'c> {
    items: FedChunk<'d, 'c>,
}

/// Iterator over the items (events, comments, retries) of one chunk, in stream order. See
/// [`Decoder::feed_items`].
#[derive(Debug)]
pub struct FeedItems<'d, 'c> {
    items: FedChunk<'d, 'c>,
}

impl Iterator for Feed<'_, '_> {
    type Item = Result<Event, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.items.next::<Events>()
    }
}

impl Iterator for FeedItems<'_, '_> {
    type Item = Result<Item<Event, String>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.items.next::<Items>()
    }
}

/// The one loop over a fed chunk, behind [`Feed`] and [`FeedItems`].
#[derive(Debug)]
pub(super) struct FedChunk<'d, 'c> {
    decoder: &'d mut Decoder,
    chunk: &'c [u8],
    prefix: Utf8Prefix<'c>,
}

impl<'d, 'c> FedChunk<'d, 'c> {
    fn new(decoder: &'d mut Decoder, chunk: &'c [u8]) -> Self {
        FedChunk {
            decoder,
            chunk,
            prefix: Utf8Prefix::default(),
        }
    }

    /// The next item `Y` yields.
    #[inline]
    fn next<Y: SlowStep>(&mut self) -> Option<Result<Y::Out, DecodeError>> {
        let decoder = &mut *self.decoder;
        if !decoder.has_tail() {
            if let Some(next) = decoder.stream_data(self.chunk) {
                self.chunk = &self.chunk[next..];
                self.prefix.advance(next);
                if self.chunk.is_empty() {
                    return None;
                }
            }
        }
        Y::next_slow(self)
    }

    /// [`FedChunk::next`] past its fast path.
    #[inline(always)]
    fn next_slow<Y: Yield>(&mut self) -> Option<Result<Y::Out, DecodeError>> {
        let decoder = &mut *self.decoder;
        if decoder.raw_tail {
            // Input kept as it came (a dropped iterator's rest, a line an error left): decoded
            // first, in place, until only a partial line is left.
            match decoder.decode_tail::<Y>() {
                Ok(Some(item)) => return Some(Ok(item)),
                Ok(None) => decoder.raw_tail = false,
                Err(error) => return Some(Err(error)),
            }
        }
        loop {
            if self.chunk.is_empty() {
                return None;
            }
            if decoder.has_tail() {
                let before = self.chunk.len();
                let outcome = decoder.continue_tail::<Y>(&mut self.chunk);
                self.prefix.advance(before - self.chunk.len());
                match outcome {
                    Ok(Some(item)) => return Some(Ok(item)),
                    Ok(None) => continue,
                    Err(error) => return Some(Err(error)),
                }
            }
            let decoded = match decoder.decode_items::<Y>(self.chunk, Some(&mut self.prefix)) {
                Ok(decoded) => decoded,
                Err(error) => return Some(Err(error)),
            };
            self.chunk = &self.chunk[decoded.consumed..];
            self.prefix.advance(decoded.consumed);
            let item = match decoded.status {
                Status::Complete(Item::Event(event)) => Some(Y::event(event)),
                Status::Complete(Item::Comment(text)) => Y::comment(text),
                Status::Complete(Item::Retry(ms)) => Y::retry(ms),
                Status::Partial => {
                    // Keep the partial line; the scanner resumes where it stopped.
                    decoder.buf.extend_from_slice(self.chunk);
                    self.chunk = &[];
                    return None;
                }
            };
            if let Some(item) = item {
                return Some(Ok(item));
            }
        }
    }
}

impl Drop for FedChunk<'_, '_> {
    #[inline]
    fn drop(&mut self) {
        // Whatever was not decoded yet waits for the next call.
        if !self.chunk.is_empty() {
            self.keep_rest();
        }
    }
}

impl FedChunk<'_, '_> {
    #[cold]
    fn keep_rest(&mut self) {
        self.decoder.buf.extend_from_slice(self.chunk);
        self.decoder.raw_tail = true;
    }
}

/// Where the line whose terminator is at `chunk[end]` ends, its terminator included.
fn line_end(chunk: &[u8], end: usize) -> usize {
    end + 1 + usize::from(chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n'))
}

/// Chunks up to this long that continue a partial line are appended to it whole.
const SMALL_CHUNK: usize = 64;

#[cfg(test)]
mod tests {
    use super::Decoder;
    use alloc::{string::String, vec::Vec};

    fn events(chunks: impl Iterator<Item = Vec<u8>>) -> Vec<(String, String, String)> {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        for chunk in chunks {
            for event in decoder.feed(&chunk) {
                let event = event.unwrap();
                let (kind, id) = (event.event_type().into(), event.last_event_id().into());
                events.push((kind, event.into_data(), id));
            }
        }
        events
    }

    /// Partial lines that end before, at and after the part of a big chunk searched for their
    /// end, followed by more lines in the same chunk; UTF-8 split across chunks.
    /// Small chunks are taken into the kept partial line whole, several lines at a time, with
    /// events among them: every chunk size through twice the small-chunk bound.
    #[test]
    fn feed_in_small_chunks_equals_feed_whole() {
        let mut stream = Vec::new();
        for i in 0..60 {
            let lines = alloc::format!(
                ": c{i}\r\nid: {i}\nevent: e{}\rdata: {}\ndata\r\n\ndata: {i}\n\n",
                i % 4,
                "x".repeat(i % 9)
            );
            stream.extend_from_slice(lines.as_bytes());
        }
        let whole = events(core::iter::once(stream.clone()));
        assert_eq!(whole.len(), 120);
        for size in 1..=2 * super::SMALL_CHUNK + 2 {
            let chunked = events(stream.chunks(size).map(<[u8]>::to_vec));
            assert!(chunked == whole, "chunks of {size}");
        }
    }

    #[test]
    fn feed_in_big_chunks_equals_feed_whole() {
        let mut stream = Vec::new();
        for (i, len) in [1, 70, 504, 512, 515, 3000]
            .into_iter()
            .cycle()
            .take(40)
            .enumerate()
        {
            stream.extend_from_slice(alloc::format!("id: {i}\r\nevent: e{}\r\n", i % 3).as_bytes());
            for line in 0..i % 3 + 1 {
                stream.extend_from_slice(b"data: ");
                // Valid two-byte characters (split by some chunkings), ASCII, invalid bytes.
                let unit: &[u8] = [&b"\xC3\xA9"[..], b"x", b"\xFF"][(i + line) % 3];
                for _ in 0..len {
                    stream.extend_from_slice(unit);
                }
                stream.extend_from_slice(if i % 2 == 0 { b"\n" } else { b"\r" });
            }
            stream.extend_from_slice(b"\r\n");
        }
        let whole = events(core::iter::once(stream.clone()));
        assert_eq!(whole.len(), 40);
        for size in [1, 7, 511, 512, 700, 1000, 4096] {
            let chunked = events(stream.chunks(size).map(<[u8]>::to_vec));
            assert!(chunked == whole, "chunks of {size}");
        }
    }
}
