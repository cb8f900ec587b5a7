//! `Sse` responses over loopback (hyper and axum): headers, the `retry` prelude, keep-alive
//! comments on tokio's paused clock, `Last-Event-ID`, and encode errors.

mod common;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use common::{bounded, open, serve_axum, serve_hyper};
use futures::StreamExt;
use http_body_util::BodyExt;
use sse_wire_http::server::{last_event_id, Event, KeepAlive, LastEventId, Sse};

fn numbered(from: u64, to: u64) -> impl futures::Stream<Item = Result<Event, Infallible>> {
    futures::stream::iter(from..=to).map(|n| {
        Ok(Event::new()
            .event("n")
            .id(n.to_string())
            .data(format!("#{n}")))
    })
}

#[tokio::test]
async fn a_hyper_response_has_the_event_stream_headers_and_starts_with_retry() {
    bounded("headers", async {
        let server = serve_hyper(|_request| async {
            Sse::new(numbered(1, 2))
                .retry(Duration::from_millis(2500))
                .into_response()
        })
        .await;
        let mut stream = open(server.addr, "/", None).await;
        assert_eq!(stream.status, 200);
        assert_eq!(stream.headers["content-type"], "text/event-stream");
        assert_eq!(stream.headers["cache-control"], "no-cache");
        assert_eq!(stream.headers["x-accel-buffering"], "no");
        let events = stream.events(2).await;
        assert_eq!(events[1], ("n".into(), "2".into(), "#2".into()));
        assert_eq!(stream.next_event().await, None, "ends with the stream");
        assert_eq!(
            stream.raw,
            b"retry: 2500\n\nevent: n\nid: 1\ndata: #1\n\nevent: n\nid: 2\ndata: #2\n\n"
        );
    })
    .await;
}

/// Collects `(ms since start, frame)` until the body ends, on tokio's paused clock.
async fn frames<B>(body: B) -> Vec<(u128, Bytes)>
where
    B: http_body::Body<Data = Bytes>,
    B::Error: std::fmt::Debug,
{
    let start = tokio::time::Instant::now();
    let mut body = std::pin::pin!(body);
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        let data = frame.unwrap().into_data().unwrap();
        frames.push((start.elapsed().as_millis(), data));
    }
    frames
}

#[tokio::test(start_paused = true)]
async fn keep_alives_come_after_the_idle_time_and_never_while_events_flow() {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Event, Infallible>>(1);
    tokio::spawn(async move {
        for n in 1..=10 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            sender
                .send(Ok(Event::new().data(n.to_string())))
                .await
                .unwrap();
        }
        // Then 3.5 s of silence and the end.
        tokio::time::sleep(Duration::from_millis(3500)).await;
    });
    let events = futures::stream::unfold(receiver, |mut r| async { Some((r.recv().await?, r)) });
    let body = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
        .into_body();
    let frames = frames(body).await;
    let mut expected: Vec<(u128, Bytes)> = (1..=10)
        .map(|n| (500 * n, Bytes::from(format!("data: {n}\n\n"))))
        .collect();
    for at in [6000, 7000, 8000] {
        expected.push((at, Bytes::from_static(b":\n")));
    }
    assert_eq!(frames, expected);
}

#[tokio::test(start_paused = true)]
async fn the_retry_prelude_counts_as_a_write_and_a_custom_comment_is_used() {
    let body = Sse::new(futures::stream::pending::<Result<Event, Infallible>>())
        .retry(Duration::from_secs(3))
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_millis(250))
                .text("ping"),
        )
        .into_body();
    let frames: Vec<(u128, Bytes)> = frames(body.take_frames(4)).await;
    assert_eq!(
        frames,
        [
            (0, Bytes::from_static(b"retry: 3000\n\n")),
            (250, Bytes::from_static(b": ping\n")),
            (500, Bytes::from_static(b": ping\n")),
            (750, Bytes::from_static(b": ping\n")),
        ]
    );
}

/// A body limited to its first `n` frames.
trait TakeFrames: http_body::Body + Sized {
    fn take_frames(self, n: usize) -> Taken<Self> {
        Taken {
            body: Box::pin(self),
            left: n,
        }
    }
}
impl<B: http_body::Body> TakeFrames for B {}

struct Taken<B> {
    body: std::pin::Pin<Box<B>>,
    left: usize,
}

impl<B: http_body::Body> http_body::Body for Taken<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        if self.left == 0 {
            return std::task::Poll::Ready(None);
        }
        let polled = self.body.as_mut().poll_frame(cx);
        if polled.is_ready() {
            self.left -= 1;
        }
        polled
    }
}

#[tokio::test]
async fn an_event_that_cannot_be_encoded_cuts_the_body_after_the_good_ones() {
    let events = futures::stream::iter([
        Ok::<_, Infallible>(Event::new().data("fine")),
        Ok(Event::new().event("bad\ntype").data("x")),
        Ok(Event::new().data("never")),
    ]);
    let mut body = std::pin::pin!(Sse::new(events).into_body());
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, &b"data: fine\n\n"[..]);
    let error = body.frame().await.unwrap().unwrap_err();
    assert!(error.to_string().contains("event type"), "{error}");
    assert!(body.frame().await.is_none());
}

#[tokio::test]
async fn last_event_id_is_read_from_a_hyper_request_and_resumes_the_stream() {
    bounded("hyper resume", async {
        let server = serve_hyper(
            |request: hyper::Request<hyper::body::Incoming>| async move {
                let after = last_event_id(request.headers()).and_then(|id| id.parse::<u64>().ok());
                Sse::new(numbered(after.unwrap_or(0) + 1, 5)).into_response()
            },
        )
        .await;
        let all: Vec<String> = open(server.addr, "/", None)
            .await
            .events(5)
            .await
            .into_iter()
            .map(|(_, id, _)| id)
            .collect();
        assert_eq!(all, ["1", "2", "3", "4", "5"]);
        let mut resumed = open(server.addr, "/", Some("3")).await;
        let rest: Vec<String> = resumed.events(2).await.into_iter().map(|e| e.2).collect();
        assert_eq!(rest, ["#4", "#5"]);
        assert_eq!(resumed.next_event().await, None);
    })
    .await;
}

#[tokio::test]
async fn axum_sse_is_into_response_and_last_event_id_an_extractor() {
    bounded("axum", async {
        async fn handler(
            LastEventId(id): LastEventId,
        ) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
            let after = id.and_then(|id| id.parse::<u64>().ok()).unwrap_or(0);
            Sse::new(numbered(after + 1, 4)).keep_alive(KeepAlive::new())
        }
        let server =
            serve_axum(axum::Router::new().route("/events", axum::routing::get(handler))).await;
        let mut stream = open(server.addr, "/events", Some("2")).await;
        assert_eq!(stream.status, 200);
        assert_eq!(stream.headers["content-type"], "text/event-stream");
        assert_eq!(stream.headers["cache-control"], "no-cache");
        assert_eq!(stream.headers["x-accel-buffering"], "no");
        let events = stream.events(2).await;
        assert_eq!(
            events,
            [
                ("n".to_string(), "3".to_string(), "#3".to_string()),
                ("n".to_string(), "4".to_string(), "#4".to_string())
            ]
        );
        assert_eq!(stream.next_event().await, None);
        // No header, and an empty one, are both "no last event ID".
        assert_eq!(
            open(server.addr, "/events", Some(""))
                .await
                .events(4)
                .await
                .len(),
            4
        );
    })
    .await;
}

#[tokio::test]
async fn a_burst_already_waiting_is_one_frame_in_order_and_a_lag_after_it_still_cuts() {
    use futures::FutureExt;
    use sse_wire_http::server::{Channel, ChannelConfig};

    let room = Channel::with_config(ChannelConfig::new().epoch("e").queue(4));
    let live = room.subscribe(None).unwrap();
    let mut body = std::pin::pin!(Sse::new(live).retry(Duration::from_secs(1)).into_body());
    for n in 1..=3 {
        room.publish(Event::new().data(n.to_string())).unwrap();
    }
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().now_or_never() {
        frames.push(frame.unwrap().unwrap().into_data().unwrap());
    }
    assert_eq!(
        frames,
        [Bytes::from_static(
            b"retry: 1000\n\nid: e-1\ndata: 1\n\nid: e-2\ndata: 2\n\nid: e-3\ndata: 3\n\n"
        )],
        "the prelude and the three waiting events in one frame"
    );

    // A resuming subscriber: one replayed event, then its live queue overflows (lags).
    let resumed = room.subscribe(Some("e-2")).unwrap();
    let mut body = std::pin::pin!(Sse::new(resumed).into_body());
    for n in 4..=8 {
        room.publish(Event::new().data(n.to_string())).unwrap();
    }
    let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(
        frame,
        &b"id: e-3\ndata: 3\n\n"[..],
        "what came before the lag"
    );
    let error = body.frame().await.unwrap().unwrap_err();
    assert!(error.to_string().contains("behind"), "{error}");
    assert!(body.frame().await.is_none(), "cut after the lag");
}
