//! # sse-wire-http
//!
//! Server-Sent Events over HTTP, on the [`sse_wire`] codec and its sans-IO reconnection and
//! server pieces. Tokio is the runtime (reqwest, hyper and axum run on it).
//!
//! - [`client`]: a browser-like [`EventSource`](client::EventSource) over reqwest (default)
//!   or hyper-util's client (`hyper-client`): a `Stream` of open, message and error events
//!   that reconnects as the spec says (the server's `retry`, `Last-Event-ID`, 204 stops, a
//!   wrong response fails for good), with backoff and jitter, an attempt cap, and an idle
//!   timeout that notices a dead connection (comments count as life).
//! - [`server`]: SSE responses for hyper and axum ([`server::Sse`]) with keep-alive
//!   comments, `Last-Event-ID` from the request, and a broadcast channel with replay
//!   ([`server::Channel`]: encoded once, exactly the missed events on resume, IDs unique
//!   across restarts, lagging subscribers closed).

#![deny(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod client;
pub mod server;
