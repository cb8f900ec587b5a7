//! The owned event, as an `EventSource` fires it, and the UTF-8 decoding of its fields.

use alloc::{string::String, sync::Arc, vec::Vec};

/// A dispatched event, as an `EventSource` would fire it.
///
/// `D` is the data's type: [`String`] from [`Decoder`](crate::Decoder), `bytes::Bytes` from
/// [`BytesDecoder`](crate::BytesDecoder). Data is UTF-8 in both: invalid sequences were
/// replaced with U+FFFD, as the spec requires. Every line break in the data is an LF.
///
/// The type and the last event ID are shared (`Arc<str>`) with the decoder: an event whose
/// type or ID did not change from the previous event costs no allocation for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event<D = String> {
    pub(super) event_type: Option<Arc<str>>,
    pub(super) data: D,
    pub(super) last_event_id: Option<Arc<str>>,
}

impl<D> Event<D> {
    /// An event as a decoder would produce it (useful in tests): an empty `event_type` means
    /// `message`, an empty `last_event_id` means none.
    pub fn new(event_type: &str, data: D, last_event_id: &str) -> Self {
        Event {
            event_type: super::rules::custom_type(Some(event_type.as_bytes()))
                .map(|_| event_type.into()),
            data,
            last_event_id: (!last_event_id.is_empty()).then(|| last_event_id.into()),
        }
    }

    /// The event type: the last `event` field's value, or `message`.
    pub fn event_type(&self) -> &str {
        self.event_type.as_deref().unwrap_or("message")
    }

    /// The stream's last event ID when this event fired (`""` if none was ever set). As in
    /// `MessageEvent.lastEventId`, it persists across events that carry no `id`.
    pub fn last_event_id(&self) -> &str {
        self.last_event_id.as_deref().unwrap_or("")
    }

    /// The data, by value.
    pub fn into_data(self) -> D {
        self.data
    }
}

impl Event<String> {
    /// The data: `data` lines joined with LF.
    pub fn data(&self) -> &str {
        &self.data
    }
}

#[cfg(feature = "bytes")]
impl Event<bytes::Bytes> {
    /// The data: `data` lines joined with LF, always valid UTF-8.
    pub fn data(&self) -> &bytes::Bytes {
        &self.data
    }
}

/// Decodes UTF-8, replacing invalid sequences with U+FFFD.
fn lossy(bytes: &[u8]) -> alloc::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// A field value as a shared string, invalid UTF-8 replaced with U+FFFD. `from_utf8` first:
/// on short valid values it is much cheaper than the lossy decoder.
pub(super) fn shared(bytes: &[u8]) -> Arc<str> {
    match core::str::from_utf8(bytes) {
        Ok(text) => Arc::from(text),
        Err(_) => Arc::from(lossy(bytes)),
    }
}

/// Turns joined data bytes into a `String`, copying only if they are not valid UTF-8.
pub(crate) fn into_string(data: Vec<u8>) -> String {
    String::from_utf8(data).unwrap_or_else(|error| lossy(error.as_bytes()).into_owned())
}

/// Copies data bytes into an exactly sized `String` (one allocation, no growth), replacing
/// invalid UTF-8 with U+FFFD.
pub(crate) fn to_string(data: &[u8]) -> String {
    // Validated after the copy: the fresh allocation is word-aligned, which std's validator
    // runs fastest on.
    into_string(data.to_vec())
}
