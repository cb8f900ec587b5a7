//! The heartbeat health check: the server sends a keep-alive comment every second and no
//! events; the client counts comments as life, and when nothing arrives for three seconds it
//! declares the connection dead and reconnects, showing the status an indicator would.
//!
//! ```text
//! cargo run -p sse-wire-http --features axum --example heartbeat -- serve [127.0.0.1:3001]
//! cargo run -p sse-wire-http --example heartbeat -- watch http://127.0.0.1:3001/health
//! kill -STOP <server pid>   # the pings stop: the watcher reconnects; kill -CONT to resume
//! ```

use std::{convert::Infallible, time::Duration};

use futures_util::{stream, StreamExt};
use sse_wire_http::client::{Event, EventSource};
use sse_wire_http::server::{self, KeepAlive, Sse};

/// A stream with no events: only the keep-alive comments, one a second, reach the client.
async fn health() -> Sse<stream::Pending<Result<server::Event, Infallible>>> {
    Sse::new(stream::pending()).keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
}

async fn serve(addr: &str) -> std::io::Result<()> {
    let app = axum::Router::new().route("/health", axum::routing::get(health));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("heartbeat: http://{}/health", listener.local_addr()?);
    axum::serve(listener, app).await
}

async fn watch(url: &str) -> Result<(), sse_wire_http::client::Error> {
    let mut source = EventSource::builder()
        .idle_timeout(Duration::from_secs(3))
        .reconnection_time(Duration::from_millis(500))
        .comments(true)
        .get(url)?;
    let mut status = source.status();
    loop {
        tokio::select! {
            Ok(()) = status.changed() => println!("status: {:?}", *status.borrow_and_update()),
            event = source.next() => match event {
                Some(Ok(Event::Comment(_))) => println!("heartbeat"),
                Some(Ok(_)) => {}
                Some(Err(error)) if error.will_reconnect() => println!("down: {error}"),
                Some(Err(error)) => return Err(error),
                None => return Ok(()),
            },
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["serve"] => serve("127.0.0.1:3001").await?,
        ["serve", addr] => serve(addr).await?,
        ["watch", url] => watch(url).await?,
        _ => return Err("usage: heartbeat serve [ADDR] | heartbeat watch URL".into()),
    }
    Ok(())
}
