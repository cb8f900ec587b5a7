//! The opt-in policy for repeated failures: exponential backoff with full jitter.

/// Exponential backoff with full jitter, a cap, an attempt limit and a reset after health.
///
/// The spec lets a user agent wait longer than the reconnection time, and suggests
/// exponential backoff after failed attempts (HTML §9.2.3, "reestablish the connection").
/// With a policy, the wait before reconnection attempt `n` (counting from 1 since the last
/// healthy connection) is
///
/// ```text
/// reconnection time + random(0 ..= min(max, initial × 2^(n−1)))
/// ```
///
/// The random part is "full jitter": clients dropped together by a restarting server spread
/// their reconnects over the whole window instead of arriving in waves. The reconnection time
/// (from `retry`) stays the floor, as the spec requires.
///
/// ```
/// use sse_wire::client::Backoff;
///
/// let backoff = Backoff::new().with_initial(500).with_max(4_000);
/// assert_eq!(backoff.window(1), 500);
/// assert_eq!(backoff.window(2), 1_000);
/// assert_eq!(backoff.window(4), 4_000);
/// assert_eq!(backoff.window(40), 4_000); // capped
/// assert_eq!(backoff.jitter(2, 7), 7); // 7 % (1_000 + 1)
/// assert_eq!(backoff.jitter(2, 1_001), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Backoff {
    initial: u64,
    max: u64,
    max_attempts: Option<u32>,
    reset_after: u64,
}

impl Backoff {
    /// Defaults: `initial` 1 s, `max` 60 s, no attempt limit, `reset_after` 60 s.
    pub const fn new() -> Self {
        Backoff {
            initial: 1_000,
            max: 60_000,
            max_attempts: None,
            reset_after: 60_000,
        }
    }

    /// The jitter window of the first attempt, in ms; it doubles with every further attempt.
    #[must_use]
    pub const fn with_initial(mut self, ms: u64) -> Self {
        self.initial = ms;
        self
    }

    /// The largest jitter window, in ms.
    #[must_use]
    pub const fn with_max(mut self, ms: u64) -> Self {
        self.max = ms;
        self
    }

    /// Gives up (closes the client) when this many consecutive reconnection attempts did not
    /// lead to a healthy connection. `0` never reconnects.
    #[must_use]
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// A connection that stayed open this long (in ms) counts as healthy: the attempt count
    /// starts again from zero when it ends.
    #[must_use]
    pub const fn with_reset_after(mut self, ms: u64) -> Self {
        self.reset_after = ms;
        self
    }

    /// The jitter window of the first attempt, in ms.
    pub const fn initial(&self) -> u64 {
        self.initial
    }

    /// The largest jitter window, in ms.
    pub const fn max(&self) -> u64 {
        self.max
    }

    /// The attempt limit, if any.
    pub const fn max_attempts(&self) -> Option<u32> {
        self.max_attempts
    }

    /// How long a connection must stay open to reset the attempt count, in ms.
    pub const fn reset_after(&self) -> u64 {
        self.reset_after
    }

    /// The jitter window of attempt `attempt` (1-based): `min(max, initial × 2^(attempt−1))`,
    /// saturating; `0` for attempt 0.
    pub fn window(&self, attempt: u32) -> u64 {
        if attempt == 0 {
            return 0;
        }
        let factor = 1u64.checked_shl(attempt - 1).unwrap_or(u64::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }

    /// The extra wait of attempt `attempt` for a uniformly random `random`: a value in
    /// `0 ..= window(attempt)` (`random` modulo the window size, so equal `random`s give equal
    /// waits).
    pub fn jitter(&self, attempt: u32, random: u64) -> u64 {
        match self.window(attempt).checked_add(1) {
            Some(size) => random % size,
            None => random,
        }
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}
