//! The `EventSource` client.
