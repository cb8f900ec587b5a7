//! `EventSource` over hyper-util's client: the same driver as over reqwest, so one sequence
//! (POST with a body, resume after a drop mid-event, 204 stops) and the connector's refusal
//! of `https` suffice here.
#![cfg(feature = "hyper-client")]

mod support;

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sse_wire_http::client::{Backoff, ErrorKind, Event, EventSource, FailReason};
use support::{Reply, Server};

const BOUND: Duration = Duration::from_secs(20);

#[tokio::test]
async fn hyper_backend_posts_resumes_after_a_drop_and_stops_at_204() {
    let server = Server::start(|n, _| match n {
        0 => Reply::stream("id: 1\ndata: a\n\ndata: cut"),
        1 => Reply::stream("id: 2\nevent: custom\ndata: b\n\n"),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::post(server.url("/llm"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(b"{\"q\":1}"))
        .unwrap();
    let mut events = EventSource::builder()
        .reconnection_time(Duration::from_millis(5))
        .backoff(Backoff::new().with_initial(1).with_max(5))
        .build_hyper(client, request);
    let mut got = Vec::new();
    while let Some(item) = tokio::time::timeout(BOUND, events.next()).await.unwrap() {
        assert!(got.len() < 100, "the stream did not end: {got:?}");
        got.push(match item {
            Ok(Event::Open) => "open".to_string(),
            Ok(Event::Message(m)) => {
                format!("{} {} {}", m.event_type(), m.data(), m.last_event_id())
            }
            Ok(other) => format!("{other:?}"),
            Err(e) => match e.kind() {
                ErrorKind::Ended { mid_event } => format!("ended mid_event={mid_event}"),
                ErrorKind::Response(FailReason::NoContent) => "204".to_string(),
                _ => format!("{e}"),
            },
        });
    }
    assert_eq!(
        got,
        [
            "open",
            "message a 1",
            "ended mid_event=true",
            "open",
            "custom b 2",
            "ended mid_event=false",
            "204"
        ]
    );
    assert_eq!(server.connects(), 3);
    for n in 0..3 {
        let request = server.request(n);
        assert_eq!(request.method, "POST");
        assert_eq!(request.body, b"{\"q\":1}");
        assert_eq!(request.header("accept"), Some("text/event-stream"));
    }
    assert_eq!(server.request(1).header("last-event-id"), Some("1"));
    assert_eq!(server.request(2).header("last-event-id"), Some("2"));
}

#[tokio::test]
async fn hyper_http_connector_refuses_https_instead_of_sending_plain_http() {
    let server = Server::start(|_, _| Reply::stream("data: plain\n\n")).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let url = format!("https://{}/s", server.addr);
    let request = http::Request::get(url).body(Bytes::new()).unwrap();
    let mut events = EventSource::builder()
        .max_attempts(0)
        .build_hyper(client, request);
    let error = tokio::time::timeout(BOUND, events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Connect(_)), "{error}");
    assert!(!error.will_reconnect());
    assert_eq!(server.connects(), 0, "nothing was sent in plain text");
}
