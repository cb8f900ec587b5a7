//! The portable encoding check: what in an event some browser engine reads differently from
//! the spec (and from this crate's decoder), and what each engine does with it.
//!
//! The encoder writes exactly what the spec defines; these are the places where Blink
//! (Chromium), Gecko (Firefox) and WebKit (Safari) do not all read that the same way. They
//! were measured on Chromium 156, Firefox 153 ESR and WebKitGTK 2.50 by the crate's browser
//! tests (`tests/browser.rs`, `tests/browser_encode.rs`, `tests/browser_probe.rs`); the
//! README's "Conformance decisions" table lists them with a minimal stream each.

use core::fmt;

use super::EventRef;

/// Firefox's lowest reconnection time, in milliseconds: a smaller `retry` waits this long.
pub const FIREFOX_MIN_RETRY_MS: u64 = 500;

/// One way an event would be read differently by some browser engine.
///
/// Returned by [`EventRef::portability`]. `Display` says what each engine does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Finding {
    /// The data holds NUL (first at `offset`). Chromium and WebKit keep it, as the spec says;
    /// Firefox drops every NUL of a data line after its first character (so, as this encoder
    /// writes `data: `, every NUL).
    NulInData {
        /// Byte offset of the first NUL in the data.
        offset: usize,
    },
    /// The event type of an event with data holds NUL (first at `offset`). Chromium and
    /// WebKit fire the type with it; Firefox drops the NUL, so the event fires under another type and listeners for
    /// this one do not see it.
    NulInEventType {
        /// Byte offset of the first NUL in the type.
        offset: usize,
    },
    /// An ID on an event without data, used to move the resume point: nothing fires. The spec
    /// and Chromium set the last event ID (later events' `lastEventId`, and the
    /// `Last-Event-ID` sent on reconnection); WebKit sets later events' `lastEventId` but
    /// reconnects with the ID of the last event that fired; Firefox does neither until an event
    /// with data fires. Put the ID on an event that carries data.
    IdWithoutData,
    /// `retry` below [`FIREFOX_MIN_RETRY_MS`]. Chromium and WebKit wait that long; Firefox
    /// waits 500 ms.
    RetryBelowFirefoxMinimum {
        /// The requested reconnection time.
        milliseconds: u64,
    },
    /// `retry` above `u32::MAX` ms (49.7 days). Chromium and WebKit take it (a wait longer
    /// than any connection lasts); Firefox keeps only the low 32 bits of the number, so
    /// `4294968296` waits about 1 s (then raised to 500 ms if smaller).
    RetryAboveU32 {
        /// The requested reconnection time.
        milliseconds: u64,
    },
}

impl Finding {
    /// The reconnection time Firefox uses for a `retry` of `milliseconds` (at most
    /// `u32::MAX`; its timer caps very long waits further), measured and read off Gecko's
    /// `EventSourceImpl::SetFieldAndClear`: the low 32 bits, at least 500.
    pub const fn firefox_retry(milliseconds: u64) -> u64 {
        let low = milliseconds & 0xFFFF_FFFF;
        if low < FIREFOX_MIN_RETRY_MS {
            FIREFOX_MIN_RETRY_MS
        } else {
            low
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Finding::NulInData { offset } => write!(
                f,
                "data holds NUL at byte {offset}: Chromium and WebKit keep it, Firefox drops it"
            ),
            Finding::NulInEventType { offset } => write!(
                f,
                "event type holds NUL at byte {offset}: Chromium and WebKit fire that type, \
                 Firefox drops the NUL and fires another type"
            ),
            Finding::IdWithoutData => f.write_str(
                "ID on an event without data: Chromium moves the last event ID and the \
                 Last-Event-ID it resumes from, WebKit only the last event ID, Firefox neither \
                 (both resume from the last event that fired)",
            ),
            Finding::RetryBelowFirefoxMinimum { milliseconds } => write!(
                f,
                "retry {milliseconds} ms: Chromium and WebKit wait {milliseconds} ms, Firefox \
                 waits {FIREFOX_MIN_RETRY_MS} ms"
            ),
            Finding::RetryAboveU32 { milliseconds } => write!(
                f,
                "retry {milliseconds} ms: Chromium and WebKit wait that long, Firefox keeps the \
                 low 32 bits and waits {} ms",
                Finding::firefox_retry(milliseconds)
            ),
        }
    }
}

/// Everything [`EventRef::portability`] found, in the order of [`Finding`]'s variants; an
/// iterator of [`Finding`]s (no allocation). Empty when all three engines read the event as
/// the spec does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    found: [Option<Finding>; 4],
    next: usize,
}

impl Findings {
    fn push(&mut self, finding: Finding) {
        if let Some(slot) = self.found.iter_mut().find(|slot| slot.is_none()) {
            *slot = Some(finding);
        }
    }

    /// Whether every engine reads the event as the spec does.
    pub fn is_empty(&self) -> bool {
        self.found[self.next..].iter().all(Option::is_none)
    }
}

impl Iterator for Findings {
    type Item = Finding;

    fn next(&mut self) -> Option<Finding> {
        let found = (*self.found.get(self.next)?)?;
        self.next += 1;
        Some(found)
    }
}

impl EventRef<'_> {
    /// The portable encoding check (opt-in: encoding never runs it): what in this event
    /// Chromium, Firefox or WebKit would read differently from the spec, each [`Finding`]
    /// saying what every engine does. An event with no findings is read alike by all three.
    ///
    /// IDs cannot hold NUL ([`EventId`](super::EventId) rejects it: the spec ignores such an
    /// ID, and Firefox mangles the line after it), so only data and type are checked for it.
    /// Costs one scan of the data and the type.
    ///
    /// ```
    /// use sse_wire::encode::Finding;
    /// use sse_wire::{EventId, EventRef};
    ///
    /// let id = EventId::new("7")?;
    /// assert!(EventRef::new().with_id(id).with_data("hi").portability().is_empty());
    ///
    /// let resume_only = EventRef::new().with_id(id).with_retry(100);
    /// let found: Vec<Finding> = resume_only.portability().collect();
    /// assert_eq!(
    ///     found,
    ///     [Finding::IdWithoutData, Finding::RetryBelowFirefoxMinimum { milliseconds: 100 }]
    /// );
    /// assert_eq!(
    ///     found[1].to_string(),
    ///     "retry 100 ms: Chromium and WebKit wait 100 ms, Firefox waits 500 ms"
    /// );
    /// # Ok::<(), sse_wire::EncodeError>(())
    /// ```
    pub fn portability(&self) -> Findings {
        let mut findings = Findings::default();
        if let Some(offset) = self.data().and_then(|data| memchr::memchr(0, data)) {
            findings.push(Finding::NulInData { offset });
        }
        // The type matters only when the event fires, that is, has data.
        if let Some(offset) = self
            .event_type()
            .filter(|_| self.data().is_some())
            .and_then(|t| memchr::memchr(0, t.as_str().as_bytes()))
        {
            findings.push(Finding::NulInEventType { offset });
        }
        if self.id().is_some() && self.data().is_none() {
            findings.push(Finding::IdWithoutData);
        }
        match self.retry() {
            Some(milliseconds) if milliseconds < FIREFOX_MIN_RETRY_MS => {
                findings.push(Finding::RetryBelowFirefoxMinimum { milliseconds });
            }
            Some(milliseconds) if milliseconds > u64::from(u32::MAX) => {
                findings.push(Finding::RetryAboveU32 { milliseconds });
            }
            _ => {}
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    use super::{Finding, FIREFOX_MIN_RETRY_MS};
    use crate::{EventId, EventRef, EventType};

    fn found(event: EventRef<'_>) -> Vec<Finding> {
        event.portability().collect()
    }

    #[test]
    fn an_event_every_engine_reads_alike_has_no_findings() {
        let id = EventId::new("42").unwrap();
        let kind = EventType::new("tick").unwrap();
        for event in [
            EventRef::new().with_data("hi"),
            EventRef::new().with_data(""),
            EventRef::new()
                .with_id(id)
                .with_event_type(kind)
                .with_data("a\r\nb"),
            EventRef::new()
                .with_retry(FIREFOX_MIN_RETRY_MS)
                .with_data("x"),
            EventRef::new().with_retry(u64::from(u32::MAX)),
            EventRef::new(),
        ] {
            assert!(event.portability().is_empty(), "{event:?}");
            assert_eq!(found(event), []);
        }
    }

    #[test]
    fn each_finding_is_reported_where_it_is() {
        let id = EventId::new("7").unwrap();
        assert_eq!(
            found(EventRef::new().with_data_bytes(b"ab\0c\0")),
            [Finding::NulInData { offset: 2 }]
        );
        assert_eq!(
            found(
                EventRef::new()
                    .with_event_type(EventType::new("\0x").unwrap())
                    .with_data("d")
            ),
            [Finding::NulInEventType { offset: 0 }]
        );
        assert_eq!(found(EventRef::new().with_id(id)), [Finding::IdWithoutData]);
        // Without data nothing fires, so the type does not matter.
        let typed = EventRef::new().with_event_type(EventType::new("\0").unwrap());
        assert_eq!(found(typed), []);
        assert_eq!(
            found(EventRef::new().with_retry(499).with_data("d")),
            [Finding::RetryBelowFirefoxMinimum { milliseconds: 499 }]
        );
        assert_eq!(
            found(EventRef::new().with_retry(1 << 32)),
            [Finding::RetryAboveU32 {
                milliseconds: 1 << 32
            }]
        );
    }

    #[test]
    fn findings_come_in_variant_order_and_all_at_once() {
        let event = EventRef::new()
            .with_event_type(EventType::new("a\0").unwrap())
            .with_data_bytes(b"\0")
            .with_retry(0);
        let mut findings = event.portability();
        assert!(!findings.is_empty());
        assert_eq!(findings.next(), Some(Finding::NulInData { offset: 0 }));
        assert_eq!(findings.next(), Some(Finding::NulInEventType { offset: 1 }));
        assert_eq!(
            findings.next(),
            Some(Finding::RetryBelowFirefoxMinimum { milliseconds: 0 })
        );
        assert!(findings.is_empty());
        assert_eq!(findings.next(), None);
    }

    #[test]
    fn firefox_keeps_the_low_32_bits_and_at_least_500() {
        assert_eq!(Finding::firefox_retry(0), 500);
        assert_eq!(Finding::firefox_retry(499), 500);
        assert_eq!(Finding::firefox_retry(1500), 1500);
        assert_eq!(Finding::firefox_retry(4_294_968_296), 1000);
        assert_eq!(Finding::firefox_retry(1 << 32), 500);
        assert_eq!(Finding::firefox_retry(u64::MAX), u64::from(u32::MAX));
    }

    #[test]
    fn display_says_what_each_engine_does() {
        let all = [
            Finding::NulInData { offset: 3 },
            Finding::NulInEventType { offset: 0 },
            Finding::IdWithoutData,
            Finding::RetryBelowFirefoxMinimum { milliseconds: 10 },
            Finding::RetryAboveU32 {
                milliseconds: 4_294_968_296,
            },
        ];
        for finding in all {
            let text = finding.to_string();
            for engine in ["Chromium", "Firefox", "WebKit"] {
                assert!(text.contains(engine), "{text}");
            }
        }
        assert!(all[4].to_string().ends_with("waits 1000 ms"));
    }
}
