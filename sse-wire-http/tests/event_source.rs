//! `EventSource` against a scripted server on loopback: the browser's open / message / error
//! sequence and `readyState`, drops mid-event and resume, restarts, idle timeouts, responses
//! that fail the connection, comments as life, requests with a body, the attempt cap.
//! Connects are counted on the server; nothing is timed. Every wait is bounded.
#![cfg(feature = "reqwest")]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use sse_wire::client::{CloseReason, FailReason};
use sse_wire_http::client::{Backoff, Builder, Error, ErrorKind, Event, EventSource, ReadyState};
use support::{Reply, Server, Step};

/// The bound on every wait: far above what any step takes, so only a hang reaches it.
const BOUND: Duration = Duration::from_secs(20);

async fn next(events: &mut EventSource) -> Option<Result<Event, Error>> {
    tokio::time::timeout(BOUND, events.next())
        .await
        .expect("the event source answered within the bound")
}

/// Quick reconnects, fixed jitter.
fn fast() -> Builder {
    EventSource::builder()
        .reconnection_time(Duration::from_millis(5))
        .backoff(Backoff::new().with_initial(1).with_max(5))
        .jitter_seed(7)
}

/// An item in a line: what the test compares.
fn describe(item: Option<Result<Event, Error>>) -> String {
    match item {
        None => "end".into(),
        Some(Ok(Event::Open)) => "open".into(),
        Some(Ok(Event::Message(m))) => {
            format!("{} {:?} id={}", m.event_type(), m.data(), m.last_event_id())
        }
        Some(Ok(Event::Comment(text))) => format!("comment {text:?}"),
        Some(Ok(other)) => format!("{other:?}"),
        Some(Err(error)) => {
            let what = match error.kind() {
                ErrorKind::Ended { mid_event: true } => "ended mid-event".to_string(),
                ErrorKind::Ended { mid_event: false } => "ended".to_string(),
                ErrorKind::IdleTimeout => "idle timeout".to_string(),
                ErrorKind::Connect(_) => "connect".to_string(),
                ErrorKind::Response(reason) => format!("response {reason:?}"),
                other => format!("{other:?}"),
            };
            let then = match error.close_reason() {
                None if error.will_reconnect() => "reconnecting".to_string(),
                None => format!("{:?}", error.ready_state()),
                Some(reason) => format!("closed {reason:?}"),
            };
            format!("error {what}, {then}")
        }
    }
}

/// Every item until the stream ends, described; at most `max` (a source that never ends
/// fails the test instead of looping forever).
async fn drain(events: &mut EventSource, max: usize) -> Vec<String> {
    let mut got = Vec::new();
    while let Some(item) = next(events).await {
        got.push(describe(Some(item)));
        assert!(got.len() <= max, "the stream did not end: {got:?}");
    }
    got
}

/// The next `n` items, each with the `readyState` right after it.
async fn take(events: &mut EventSource, n: usize) -> Vec<String> {
    let mut got = Vec::new();
    for _ in 0..n {
        let item = describe(next(events).await);
        got.push(format!("{item} [{:?}]", events.ready_state()));
    }
    got
}

#[tokio::test]
async fn the_browser_sequence_open_messages_custom_types_error_and_ready_state() {
    let server = Server::start(|n, _| match n {
        0 => Reply::stream("retry: 5\n\ndata: one\nid: 1\n\nevent: custom\ndata: two\n\n"),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let mut events = fast()
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    assert_eq!(events.ready_state(), ReadyState::Connecting);
    let mut status = events.status();
    // A watcher sees each change the stream reports.
    assert_eq!(describe(next(&mut events).await), "open");
    assert!(status.has_changed().unwrap());
    assert_eq!(*status.borrow_and_update(), ReadyState::Open);
    assert_eq!(
        take(&mut events, 5).await,
        [
            "message \"one\" id=1 [Open]",
            "custom \"two\" id=1 [Open]",
            "error ended, reconnecting [Connecting]",
            "error response NoContent, closed Failed(NoContent) [Closed]",
            "end [Closed]",
        ]
    );
    assert!(status.has_changed().unwrap());
    assert_eq!(*status.borrow_and_update(), ReadyState::Closed);
    assert_eq!(server.connects(), 2);
    let first = server.request(0);
    assert_eq!(first.method, "GET");
    assert_eq!(first.header("accept"), Some("text/event-stream"));
    assert_eq!(first.header("cache-control"), Some("no-cache"));
    assert_eq!(first.header("last-event-id"), None);
    assert_eq!(server.request(1).header("last-event-id"), Some("1"));
    // Polling after the end stays at the end.
    assert!(next(&mut events).await.is_none());
}

#[tokio::test]
async fn a_drop_mid_event_discards_the_partial_event_and_resumes_with_last_event_id() {
    let server = Server::start(|n, request| match n {
        0 => Reply::stream("id: 1\ndata: a\n\nid: 2\ndata: par"),
        1 if request.header("last-event-id") == Some("1") => Reply::stream("id: 2\ndata: full\n\n"),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let mut events = fast()
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    assert_eq!(
        take(&mut events, 7).await,
        [
            "open [Open]",
            "message \"a\" id=1 [Open]",
            "error ended mid-event, reconnecting [Connecting]",
            "open [Open]",
            "message \"full\" id=2 [Open]",
            "error ended, reconnecting [Connecting]",
            "error response NoContent, closed Failed(NoContent) [Closed]",
        ]
    );
    assert_eq!(server.connects(), 3);
    assert_eq!(server.request(2).header("last-event-id"), Some("2"));
}

#[tokio::test]
async fn a_server_restart_on_the_same_port_is_survived_and_resumed() {
    let handler = Arc::new(|n: usize, request: &support::Recorded| {
        match (n, request.header("last-event-id")) {
            (0, None) => Reply::stream_steps(vec![
                Step::Send(b"id: 5\ndata: before\n\n".to_vec()),
                Step::Hang,
            ]),
            (_, Some("5")) => Reply::stream("id: 6\ndata: after\n\n"),
            _ => Reply::status(500, "text/plain"),
        }
    });
    let requests = Arc::new(Mutex::new(Vec::new()));
    let server = Server::start_on(
        "127.0.0.1:0".parse().unwrap(),
        requests.clone(),
        handler.clone(),
    )
    .await;
    let addr = server.addr;
    let mut events = fast()
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    assert_eq!(
        take(&mut events, 2).await,
        ["open [Open]", "message \"before\" id=5 [Open]"]
    );
    let requests = server.kill().await;
    // The killed server's connection ends; with nothing listening, connects are refused.
    let item = describe(next(&mut events).await);
    assert!(item.starts_with("error ended"), "{item}");
    assert_eq!(
        describe(next(&mut events).await),
        "error connect, reconnecting"
    );
    let server = Server::start_on(addr, requests.clone(), handler).await;
    // Refused attempts may go on until the new listener is up; then it opens and resumes.
    let mut refused = 0;
    loop {
        match describe(next(&mut events).await).as_str() {
            "error connect, reconnecting" => refused += 1,
            "open" => break,
            other => panic!("unexpected {other}"),
        }
        assert!(refused < 10_000);
    }
    assert_eq!(describe(next(&mut events).await), "message \"after\" id=6");
    let last = server.request(server.connects() - 1);
    assert_eq!(last.header("last-event-id"), Some("5"));
}

#[tokio::test]
async fn silence_past_the_idle_timeout_reconnects_and_resumes() {
    let server = Server::start(|n, _| match n {
        0 => Reply::stream_steps(vec![Step::Send(b"id: 1\ndata: a\n\n".to_vec()), Step::Hang]),
        1 => Reply::stream("data: b\n\n"),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let mut events = fast()
        .idle_timeout(Duration::from_millis(200))
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    assert_eq!(
        take(&mut events, 6).await,
        [
            "open [Open]",
            "message \"a\" id=1 [Open]",
            "error idle timeout, reconnecting [Connecting]",
            "open [Open]",
            "message \"b\" id=1 [Open]",
            "error ended, reconnecting [Connecting]",
        ]
    );
    assert_eq!(server.request(1).header("last-event-id"), Some("1"));
}

#[tokio::test]
async fn comments_count_as_life_and_are_reported_only_on_request() {
    const PINGS: usize = 12;
    let steps = || {
        let mut steps = Vec::new();
        for _ in 0..PINGS {
            steps.push(Step::Pause(Duration::from_millis(60)));
            steps.push(Step::Send(b": ping\n\n".to_vec()));
        }
        steps.push(Step::Send(b"data: done\n\n".to_vec()));
        steps
    };
    for report in [true, false] {
        let server = Server::start(move |n, _| match n {
            0 => Reply::stream_steps(steps()),
            _ => Reply::status(204, "text/event-stream"),
        })
        .await;
        // The stream lasts over twice the idle timeout (silence that long would be dead);
        // the pings, five to a timeout, keep it alive.
        let mut events = fast()
            .idle_timeout(Duration::from_millis(300))
            .comments(report)
            .build(reqwest::Client::new().get(server.url("/s")))
            .unwrap();
        let got = drain(&mut events, 100).await;
        let mut expected = vec!["open".to_string()];
        if report {
            expected.extend((0..PINGS).map(|_| "comment \"ping\"".to_string()));
        }
        expected.push("message \"done\" id=".into());
        expected.push("error ended, reconnecting".into());
        expected.push("error response NoContent, closed Failed(NoContent)".into());
        assert_eq!(got, expected, "comments reported: {report}");
        assert_eq!(
            server.connects(),
            2,
            "no idle timeout: one connect, then the 204"
        );
    }
}

#[tokio::test]
async fn comments_split_across_chunks_arrive_in_order_and_a_partial_line_at_the_end_is_mid_event() {
    // Pauses between the sends, so the client most likely reads them as separate chunks (the
    // outcome is the same at any chunking). The body ends inside a line of no `data`: only
    // the decoder knows that line is unfinished.
    let pause = || Step::Pause(Duration::from_millis(30));
    let server = Server::start(move |n, _| match n {
        0 => Reply::stream_steps(vec![
            Step::Send(b": pi".to_vec()),
            pause(),
            Step::Send(b"ng\ndata: one\n".to_vec()),
            pause(),
            Step::Send(b"\n: two\nretry: 5\n".to_vec()),
            pause(),
            Step::Send(b": thr".to_vec()),
            pause(),
            Step::Send(b"ee\n\n: cut of".to_vec()),
        ]),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let mut events = fast()
        .comments(true)
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    assert_eq!(
        drain(&mut events, 20).await,
        [
            "open",
            "comment \"ping\"",
            "message \"one\" id=",
            "comment \"two\"",
            "comment \"three\"",
            "error ended mid-event, reconnecting",
            "error response NoContent, closed Failed(NoContent)",
        ]
    );
}

#[tokio::test]
async fn no_content_stops_for_good() {
    let server = Server::start(|_, _| Reply::status(204, "text/event-stream")).await;
    let mut events = fast()
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    let item = next(&mut events).await.unwrap().unwrap_err();
    assert!(matches!(
        item.kind(),
        ErrorKind::Response(FailReason::NoContent)
    ));
    assert!(!item.will_reconnect());
    assert!(next(&mut events).await.is_none());
    assert_eq!(events.ready_state(), ReadyState::Closed);
    assert_eq!(server.connects(), 1);
}

#[tokio::test]
async fn a_wrong_content_type_or_status_fails_the_connection_without_a_retry_storm() {
    for (status, content_type, reason) in [
        (200, "text/plain", FailReason::WrongContentType),
        (500, "text/event-stream", FailReason::Status(500)),
        (404, "text/html", FailReason::Status(404)),
    ] {
        let server = Server::start(move |_, _| Reply {
            status,
            content_type,
            steps: vec![Step::Send(b"data: not for you\n\n".to_vec())],
            location: None,
        })
        .await;
        let mut events = fast()
            .build(reqwest::Client::new().get(server.url("/s")))
            .unwrap();
        let error = next(&mut events).await.unwrap().unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Response(r) if *r == reason),
            "{error}"
        );
        assert_eq!(error.close_reason(), Some(CloseReason::Failed(reason)));
        assert!(next(&mut events).await.is_none());
        assert_eq!(
            server.connects(),
            1,
            "{status} {content_type}: one connect, no retries"
        );
    }
}

#[tokio::test]
async fn a_post_with_body_and_headers_arrives_and_is_sent_again_on_reconnect() {
    let server = Server::start(|n, _| match n {
        0 => Reply::stream("id: 9\ndata: token\n\n"),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let request = reqwest::Client::new()
        .post(server.url("/v1/chat"))
        .bearer_auth("secret")
        .header("content-type", "application/json")
        .header("last-event-id", "3")
        .body(r#"{"stream":true}"#);
    let mut events = fast().build(request).unwrap();
    assert_eq!(drain(&mut events, 10).await.len(), 4);
    assert_eq!(server.connects(), 2);
    for (n, id) in [(0, "3"), (1, "9")] {
        let request = server.request(n);
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/v1/chat");
        assert_eq!(request.body, br#"{"stream":true}"#);
        assert_eq!(request.header("authorization"), Some("Bearer secret"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("accept"), Some("text/event-stream"));
        assert_eq!(request.header("last-event-id"), Some(id), "request {n}");
    }
}

#[tokio::test]
async fn the_attempt_cap_closes_the_source_after_that_many_reconnects() {
    // Every stream opens and ends at once: never healthy, so attempts add up.
    let server = Server::start(|_, _| Reply::stream("")).await;
    let mut events = fast()
        .max_attempts(3)
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    let got = drain(&mut events, 100).await;
    let mut expected = Vec::new();
    for _ in 0..3 {
        expected.push("open".to_string());
        expected.push("error ended, reconnecting".to_string());
    }
    expected.push("open".to_string());
    expected.push("error ended, closed GaveUp { attempts: 3 }".to_string());
    assert_eq!(got, expected);
    assert_eq!(
        server.connects(),
        4,
        "the first connect and three reconnects"
    );

    // Refused connects count the same way.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut events = fast()
        .max_attempts(2)
        .build(reqwest::Client::new().get(format!("http://127.0.0.1:{port}/")))
        .unwrap();
    assert_eq!(
        take(&mut events, 4).await,
        [
            "error connect, reconnecting [Connecting]",
            "error connect, reconnecting [Connecting]",
            "error connect, closed GaveUp { attempts: 2 } [Closed]",
            "end [Closed]",
        ]
    );
}

#[tokio::test]
async fn close_drops_the_connection_and_ends_the_stream() {
    let server = Server::start(|_, _| {
        Reply::stream_steps(vec![Step::Send(b"data: a\n\n".to_vec()), Step::Hang])
    })
    .await;
    let mut events = fast()
        .build(reqwest::Client::new().get(server.url("/s")))
        .unwrap();
    assert_eq!(
        take(&mut events, 2).await,
        ["open [Open]", "message \"a\" id= [Open]"]
    );
    events.close();
    assert_eq!(events.ready_state(), ReadyState::Closed);
    assert!(next(&mut events).await.is_none());
    assert_eq!(server.connects(), 1);
}

#[tokio::test]
async fn an_https_url_never_becomes_plain_http() {
    // A plain TCP listener: what arrives on it tells what the client sent.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/s", listener.local_addr().unwrap());
    let made = fast()
        .max_attempts(0)
        .build(reqwest::Client::new().get(url));
    if cfg!(any(feature = "rustls", feature = "native-tls")) {
        let mut events = made.unwrap();
        let accept = async {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut first = [0u8; 2];
            tokio::io::AsyncReadExt::read_exact(&mut socket, &mut first)
                .await
                .unwrap();
            first
        };
        let (first, item) = tokio::join!(
            async { tokio::time::timeout(BOUND, accept).await.unwrap() },
            next(&mut events)
        );
        // A TLS handshake record (0x16, version 3.x), not "GE" of a GET.
        assert_eq!(first, [0x16, 0x03]);
        let error = item.unwrap().unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Connect(_)), "{error}");
    } else {
        let error = made.unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Request(_)));
        assert!(error.to_string().contains("rustls"), "{error}");
    }
}

#[test]
fn an_event_source_can_move_to_another_task() {
    fn send<T: Send + Unpin>() {}
    send::<EventSource>();
}

/// The server's `retry` sets the wait: ten minutes means no reconnect while the test looks
/// (a count, which only a client that ignores `retry` can change); clamped by
/// `max_reconnection_time`, the reconnect comes.
#[tokio::test]
async fn the_servers_retry_time_sets_the_wait_before_reconnecting() {
    for clamp in [false, true] {
        let server = Server::start(|n, _| match n {
            0 => Reply::stream("retry: 600000\ndata: a\n\n"),
            _ => Reply::status(204, "text/event-stream"),
        })
        .await;
        let mut builder = fast();
        if clamp {
            builder = builder.max_reconnection_time(Duration::from_millis(10));
        }
        let mut events = builder
            .build(reqwest::Client::new().get(server.url("/s")))
            .unwrap();
        assert_eq!(
            take(&mut events, 3).await,
            [
                "open [Open]",
                "message \"a\" id= [Open]",
                "error ended, reconnecting [Connecting]"
            ]
        );
        // Half a second for the unclamped source (it must stay quiet), the bound otherwise.
        let look = if clamp {
            BOUND
        } else {
            Duration::from_millis(500)
        };
        let looked = tokio::time::timeout(look, events.next()).await;
        if clamp {
            let item = describe(looked.expect("the clamped wait is over"));
            assert_eq!(item, "error response NoContent, closed Failed(NoContent)");
            assert_eq!(server.connects(), 2);
        } else {
            assert!(looked.is_err(), "still waiting out the server's retry time");
            assert_eq!(server.connects(), 1);
        }
    }
}

#[cfg(feature = "rustls")]
#[tokio::test]
async fn an_https_url_is_served_over_tls_and_resumed() {
    let server = Server::start_tls(|n, _| match n {
        0 => Reply::stream("id: 1\ndata: secret\n\n"),
        _ => Reply::status(204, "text/event-stream"),
    })
    .await;
    let ca = reqwest::Certificate::from_pem(include_bytes!("tls/ca.pem")).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let url = format!("https://127.0.0.1:{}/s", server.addr.port());
    let mut events = fast().build(client.get(url)).unwrap();
    assert_eq!(
        take(&mut events, 4).await,
        [
            "open [Open]",
            "message \"secret\" id=1 [Open]",
            "error ended, reconnecting [Connecting]",
            "error response NoContent, closed Failed(NoContent) [Closed]",
        ]
    );
    assert_eq!(server.connects(), 2, "both requests arrived through TLS");
    assert_eq!(server.request(1).header("last-event-id"), Some("1"));
}
