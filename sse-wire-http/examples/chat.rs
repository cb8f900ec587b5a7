//! The articles' chat room on axum: `POST /chat` says it, `GET /chat` streams it (with
//! keep-alives), and a client that reconnects with `Last-Event-ID` gets exactly what it
//! missed; one whose ID is too old or from before a restart gets the recent history.
//!
//! ```text
//! cargo run -p sse-wire-http --features axum --example chat -- [127.0.0.1:3000]
//! curl -N localhost:3000/chat   # and elsewhere: curl -d 'hello' localhost:3000/chat
//! ```

use axum::{extract::State, http::StatusCode, routing::get, serve::Listener, Router};
use hyper::server::conn::http1;
use hyper_util::{rt::TokioIo, service::TowerToHyperService};
use sse_wire_http::server::{Channel, Event, KeepAlive, LastEventId, Sse, Subscription};

async fn stream(State(room): State<Channel>, LastEventId(id): LastEventId) -> Sse<Subscription> {
    let missed = room.subscribe(id.as_deref());
    let events = missed.unwrap_or_else(|_resync| room.subscribe_with_history());
    Sse::new(events).keep_alive(KeepAlive::new())
}

async fn say(State(room): State<Channel>, message: String) -> Result<String, StatusCode> {
    let event = Event::new().event("chat").data(message);
    room.publish(event).map_err(|_| StatusCode::BAD_REQUEST)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    let app = Router::new().route("/chat", get(stream).post(say));
    let app = app.with_state(Channel::new());
    let mut listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("chat: http://{}/chat", listener.local_addr()?);
    // hyper's HTTP/1 server, not `axum::serve` (HTTP/1 and 2): 11 KiB per idle subscriber, not 19.
    loop {
        let (tcp, _) = Listener::accept(&mut listener).await; // retries on accept errors
        let connection = http1::Builder::new()
            .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(app.clone()));
        tokio::spawn(connection);
    }
}
