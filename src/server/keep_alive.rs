//! The keep-alive schedule.

/// When to send a keep-alive comment: after `interval` ms without writing anything.
///
/// The spec's authoring notes (HTML §9.2.7) advise a comment line every 15 s or so, because
/// legacy proxies drop HTTP connections that stay quiet. Any write counts, not only
/// comments: a busy stream needs no keep-alive. Times are the caller's monotonic ms.
///
/// ```
/// use sse_wire::server::KeepAlive;
///
/// let mut keep_alive = KeepAlive::new(KeepAlive::DEFAULT_INTERVAL, 1_000);
/// keep_alive.on_write(9_000); // an event went out
/// assert_eq!(keep_alive.deadline(), 24_000);
/// assert!(!keep_alive.due(23_999));
/// assert!(keep_alive.due(24_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeepAlive {
    interval: u64,
    last_write: u64,
}

impl KeepAlive {
    /// 15 s, as the spec's authoring notes suggest.
    pub const DEFAULT_INTERVAL: u64 = 15_000;

    /// The bytes of a keep-alive: an empty comment line, which clients ignore (it dispatches
    /// nothing and changes no state) but which resets their idle timers: the encoding of
    /// [`Comment::keep_alive`](crate::Comment::keep_alive).
    pub const COMMENT: &'static [u8] = crate::encode::comment::KEEP_ALIVE_LINE;

    /// A schedule that sends a comment `interval` ms after the last write; the stream started
    /// (or last wrote) at `now`.
    pub const fn new(interval: u64, now: u64) -> Self {
        KeepAlive {
            interval,
            last_write: now,
        }
    }

    /// Something (an event or a comment) was written at `now`. An earlier `now` than the last
    /// write is ignored.
    pub fn on_write(&mut self, now: u64) {
        self.last_write = self.last_write.max(now);
    }

    /// When a comment is due, in the caller's ms: sleep until then (or until the next write).
    pub const fn deadline(&self) -> u64 {
        self.last_write.saturating_add(self.interval)
    }

    /// Whether a comment is due at `now`. Write [`KeepAlive::COMMENT`] (or your own comment)
    /// and call [`KeepAlive::on_write`].
    pub const fn due(&self, now: u64) -> bool {
        now >= self.deadline()
    }

    /// If a comment is due at `now`, records it as written and returns `true`: a shorthand
    /// for [`KeepAlive::due`] then [`KeepAlive::on_write`].
    pub fn poll(&mut self, now: u64) -> bool {
        let due = self.due(now);
        if due {
            self.on_write(now);
        }
        due
    }

    /// The interval, in ms.
    pub const fn interval(&self) -> u64 {
        self.interval
    }
}
