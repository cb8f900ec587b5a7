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
    let events = EventSource::builder()
        .reconnection_time(Duration::from_millis(5))
        .backoff(Backoff::new().with_initial(1).with_max(5))
        .build_hyper(client, request);
    let got = collect(events).await;
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

/// Every event, error and redirect of `events` as text, until the stream ends.
async fn collect(mut events: EventSource) -> Vec<String> {
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
                ErrorKind::Connect(_) => "connect error".to_string(),
                _ => format!("{e}"),
            },
        });
    }
    got
}

#[tokio::test]
async fn hyper_backend_follows_redirects_as_fetch_does() {
    let server = Server::start(|n, _| match n {
        0 => Reply::redirect(303, "/events"),
        1 => Reply::redirect(307, "next"),
        2 => Reply::stream("id: 1\ndata: hi\n\n"),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::post(server.url("/a/old"))
        .header("content-type", "application/json")
        .header("authorization", "Bearer t")
        .body(Bytes::from_static(b"{\"q\":1}"))
        .unwrap();
    let events = EventSource::builder()
        .reconnection_time(Duration::from_millis(5))
        .build_hyper(client, request);
    assert_eq!(
        collect(events).await,
        ["open", "message hi 1", "ended mid_event=false", "204"]
    );
    let seen: Vec<_> = (0..4)
        .map(|n| {
            let r = server.request(n);
            (r.method.clone(), r.path.clone(), r.body.len())
        })
        .collect();
    assert_eq!(
        seen,
        [
            // 303 turns the POST into a GET without its body; 307 keeps the method; a
            // relative `Location` resolves against the URL it came from; the reconnect starts
            // again from the source's own URL.
            ("POST".into(), "/a/old".into(), 7),
            ("GET".into(), "/events".into(), 0),
            ("GET".into(), "/next".into(), 0),
            ("POST".into(), "/a/old".into(), 7),
        ]
    );
    assert_eq!(server.request(1).header("content-type"), None);
    assert_eq!(server.request(2).header("authorization"), Some("Bearer t"));
    assert_eq!(server.request(3).header("last-event-id"), Some("1"));
}

#[tokio::test]
async fn hyper_backend_sends_no_credentials_across_origins_and_stops_a_redirect_loop() {
    let other = Server::start(|_, _| Reply::status(204, "text/event-stream")).await;
    let target = other.url("/elsewhere");
    let server = Server::start(move |_, _| Reply::redirect(308, &target)).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::get(server.url("/s"))
        .header("authorization", "Bearer t")
        .body(Bytes::new())
        .unwrap();
    let events = EventSource::builder().build_hyper(client.clone(), request);
    assert_eq!(collect(events).await, ["204"]);
    assert_eq!(server.request(0).header("authorization"), Some("Bearer t"));
    assert_eq!(other.request(0).header("authorization"), None);

    let looping = Server::start(|_, _| Reply::redirect(302, "/again")).await;
    let request = http::Request::get(looping.url("/again"))
        .body(Bytes::new())
        .unwrap();
    let events = EventSource::builder()
        .max_attempts(0)
        .build_hyper(client, request);
    assert_eq!(collect(events).await, ["connect error"]);
    // The first request and 20 redirects, then a network error (fetch's limit).
    assert_eq!(looping.connects(), 21);
}
