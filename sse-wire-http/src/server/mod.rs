//! SSE responses for hyper and axum, with keep-alive comments, `Last-Event-ID` from the
//! request, and a broadcast [`Channel`] with replay: the server half of what SSE users build.
//!
//! Built on the codec's sans-IO pieces: the encoder validates and writes every event once
//! ([`Event`] → [`Encoded`], shared `Bytes`), [`sse_wire::server::KeepAlive`] schedules the
//! keep-alive comments, [`sse_wire::server::ReplayBuffer`] answers `Last-Event-ID`.
//!
//! - [`Sse`]: a response from any `Stream` of `Result<Event | Encoded, E>`: an
//!   `http_body::Body` for hyper ([`Sse::into_response`], [`SseBody`]), `IntoResponse` for
//!   axum (feature `axum`); headers by [`set_headers`], keep-alive by [`Sse::keep_alive`].
//! - [`last_event_id`] and [`LastEventId`] (an axum extractor with the feature).
//! - [`Channel`]: `publish` once, `subscribe(last_event_id)` for the missed events then the
//!   live ones, or a [`Resync`].
//!
//! A chat room's stream endpoint on hyper:
//!
//! ```
//! use sse_wire_http::server::{last_event_id, Channel, Encoded, Event, KeepAlive, Sse};
//!
//! fn stream(room: &Channel, request: &http::Request<()>) -> http::Response<impl http_body::Body> {
//!     let subscription = match room.subscribe(last_event_id(request.headers())) {
//!         Ok(subscription) => subscription,
//!         Err(_resync) => room.subscribe_with_history(),
//!     };
//!     Sse::new(subscription).keep_alive(KeepAlive::new()).into_response()
//! }
//!
//! let room = Channel::new();
//! room.publish(Event::new().event("chat").data("hello"))?;
//! let response = stream(&room, &http::Request::new(()));
//! assert_eq!(response.headers()["cache-control"], "no-cache");
//! # Ok::<(), sse_wire_http::server::EventError>(())
//! ```

mod channel;
mod event;
mod last_event_id;
mod response;

pub use channel::{Channel, Config as ChannelConfig, Lagged, Resync, Subscription};
pub use event::{Encoded, Event, EventError, IntoEncoded};
pub use last_event_id::{last_event_id, LastEventId, HEADER_NAME as LAST_EVENT_ID};
pub use response::{set_headers, BoxError, KeepAlive, Sse, SseBody, X_ACCEL_BUFFERING};
