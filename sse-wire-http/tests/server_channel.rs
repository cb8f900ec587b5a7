//! `Channel`: exactly once for live and resuming subscribers, `Resync`, IDs across a restart,
//! lagging subscribers closed, and 1,000 subscribers over loopback HTTP. Counted, not timed.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{bounded, open, serve_hyper};
use futures::StreamExt;
use sse_wire_http::server::{
    last_event_id, Channel, ChannelConfig, Encoded, Event, Lagged, Resync, Sse, Subscription,
};

/// The data of an encoded `data: …` event (the tests publish one-line data).
fn data(event: &Encoded) -> String {
    let mut decoder = sse_wire::Decoder::new();
    let events: Vec<_> = decoder.feed(event.as_bytes()).collect();
    assert_eq!(events.len(), 1);
    events[0].as_ref().unwrap().data().to_string()
}

fn id(event: &Encoded) -> String {
    let mut decoder = sse_wire::Decoder::new();
    let events: Vec<_> = decoder.feed(event.as_bytes()).collect();
    events[0].as_ref().unwrap().last_event_id().to_string()
}

/// Reads `n` events as a client would: from `subscription`, resubscribing with the last ID
/// after every `reconnect_every` events and whenever it lagged (was closed). Returns the data
/// seen and how many times it resubscribed.
async fn read_as_a_client(
    room: Channel,
    mut subscription: Subscription,
    n: usize,
    reconnect_every: usize,
) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut last: Option<String> = None;
    let mut resubscribed = 0;
    while seen.len() < n {
        let mut read = 0;
        while read < reconnect_every && seen.len() < n {
            match subscription.next().await {
                Some(Ok(event)) => {
                    last = Some(id(&event));
                    seen.push(data(&event));
                    read += 1;
                }
                Some(Err(Lagged { .. })) | None => break,
            }
        }
        // Closed before its first event, it has no ID to resume from: the whole history then
        // (the replay buffer holds every event in this test).
        subscription = match &last {
            Some(id) => room.subscribe(Some(id)).unwrap(),
            None => room.subscribe_with_history(),
        };
        resubscribed += 1;
    }
    (seen, resubscribed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_and_resuming_subscribers_get_every_event_exactly_once_in_order() {
    bounded("exactly once", async {
        const N: usize = 5_000;
        let room = Channel::with_config(ChannelConfig::new().queue(64).replay_events(N));
        // Subscribed before the first event: "live" only resubscribes if it lags.
        let live = tokio::spawn(read_as_a_client(
            room.clone(),
            room.subscribe(None).unwrap(),
            N,
            usize::MAX,
        ));
        // Reconnects after every 37 events while publishing goes on.
        let resuming = tokio::spawn(read_as_a_client(
            room.clone(),
            room.subscribe(None).unwrap(),
            N,
            37,
        ));
        for n in 1..=N {
            room.publish(Event::new().data(n.to_string())).unwrap();
            if n % 16 == 0 {
                tokio::task::yield_now().await;
            }
        }
        let (seen, lags) = live.await.unwrap();
        let (resumed, reconnects) = resuming.await.unwrap();
        let expected: Vec<String> = (1..=N).map(|n| n.to_string()).collect();
        assert_eq!(seen, expected, "live: every event once, in order");
        assert_eq!(resumed, expected, "resuming: every event once, in order");
        assert!(reconnects >= N / 37, "{reconnects} reconnects");
        println!(
            "exactly once: {N} events to 2 subscribers; {reconnects} resumes, {} lag closes",
            lags - 1
        );
    })
    .await;
}

#[tokio::test]
async fn unknown_and_evicted_ids_are_a_resync_not_a_silent_gap() {
    let room = Channel::with_config(ChannelConfig::new().epoch("e").replay_events(3));
    for n in 1..=5 {
        assert_eq!(
            room.publish(Event::new().data(format!("{n}"))).unwrap(),
            format!("e-{n}")
        );
    }
    // Kept: e-3, e-4, e-5.
    let replayed = |id| {
        let subscription: Subscription = room.subscribe(Some(id)).unwrap();
        assert_eq!(
            subscription.backlog(),
            5 - id[2..].parse::<usize>().unwrap()
        );
    };
    replayed("e-3");
    replayed("e-5");
    assert_eq!(room.subscribe(Some("e-2")).unwrap_err(), Resync::TooOld);
    assert_eq!(room.subscribe(Some("e-1")).unwrap_err(), Resync::TooOld);
    for unknown in [
        "f-4", "e-6", "e-0", "e-x", "e-", "e-+4", "e-04", "4", "garbage",
    ] {
        assert_eq!(
            room.subscribe(Some(unknown)).unwrap_err(),
            Resync::UnknownId,
            "{unknown}"
        );
    }
    assert_eq!(room.subscribe_with_history().backlog(), 3);
    assert_eq!(room.subscribe(None).unwrap().backlog(), 0);
    assert_eq!(room.subscribe(Some("")).unwrap().backlog(), 0);
    // An event without data is refused and uses up no ID.
    assert!(room.publish(Event::new().event("empty")).is_err());
    assert_eq!(room.publish(Event::new().data("6")).unwrap(), "e-6");
}

#[tokio::test]
async fn ids_stay_unique_across_a_restart_and_old_ones_are_unknown_to_the_new_channel() {
    let before = Channel::new();
    let old: Vec<String> = (0..3)
        .map(|_| before.publish(Event::new().data("x")).unwrap())
        .collect();
    drop(before);
    // The restarted server: a new channel, counting from 1 again, under another epoch.
    let after = Channel::new();
    let new: Vec<String> = (0..3)
        .map(|_| after.publish(Event::new().data("x")).unwrap())
        .collect();
    assert_eq!(new[0], format!("{}-1", after.epoch()));
    for id in &new {
        assert!(
            !old.contains(id),
            "{id} was handed out before the restart: {old:?}"
        );
    }
    assert_eq!(
        after.subscribe(Some(&old[2])).unwrap_err(),
        Resync::UnknownId
    );
    // Many channels, many epochs: the 48 random bits do not repeat.
    let epochs: std::collections::HashSet<String> = (0..1000)
        .map(|_| Channel::new().epoch().to_owned())
        .collect();
    assert_eq!(epochs.len(), 1000);
}

#[tokio::test]
async fn a_lagging_subscriber_is_closed_while_the_others_get_everything() {
    let room = Channel::with_config(ChannelConfig::new().queue(8));
    let mut slow = room.subscribe(None).unwrap();
    let mut fast = room.subscribe(None).unwrap();
    let mut fast_seen = Vec::new();
    let mut last_seen_by_slow = None;
    for n in 1..=30 {
        room.publish(Event::new().data(n.to_string())).unwrap();
        fast_seen.push(data(&fast.next().await.unwrap().unwrap()));
        if n == 2 {
            // The slow one reads two events, then stops reading.
            slow.next().await.unwrap().unwrap();
            last_seen_by_slow = Some(id(&slow.next().await.unwrap().unwrap()));
        }
    }
    assert_eq!(
        fast_seen,
        (1..=30).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    // 28 events behind with room for 8: closed, with how many it missed, then the end.
    let Some(Err(Lagged { missed })) = slow.next().await else {
        panic!("not closed")
    };
    assert_eq!(missed, 28 - 8);
    assert!(slow.next().await.is_none());
    assert_eq!(room.subscriber_count(), 1, "the closed one holds nothing");
    // It reconnects with its Last-Event-ID and catches up from the replay buffer.
    let mut resumed = room.subscribe(last_seen_by_slow.as_deref()).unwrap();
    assert_eq!(resumed.backlog(), 28);
    let mut caught_up = Vec::new();
    for _ in 0..28 {
        caught_up.push(data(&resumed.next().await.unwrap().unwrap()));
    }
    assert_eq!(
        caught_up,
        (3..=30).map(|n| n.to_string()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_waiting_burst_is_read_in_order_then_the_subscriber_waits_then_ends_with_the_channel() {
    let room = Channel::new();
    let mut subscriber = room.subscribe(None).unwrap();
    let reader = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(event) = subscriber.next().await {
            seen.push(data(&event.unwrap()));
        }
        seen
    });
    tokio::task::yield_now().await; // the reader waits for the first event
    for n in 1..=3 {
        room.publish(Event::new().data(n.to_string())).unwrap();
    }
    tokio::task::yield_now().await; // the burst is read; the reader waits again
    room.publish(Event::new().data("4")).unwrap();
    drop(room); // the last handle: after "4" the subscription ends
    let seen = tokio::time::timeout(Duration::from_secs(10), reader)
        .await
        .expect("woken for the event after the burst, and at the end")
        .unwrap();
    assert_eq!(seen, ["1", "2", "3", "4"]);
}

/// `GET /` on a hyper server: the room's events after the request's `Last-Event-ID`.
async fn room_server(room: Channel) -> common::Server {
    serve_hyper(move |request: hyper::Request<hyper::body::Incoming>| {
        let room = room.clone();
        async move {
            let subscription = room.subscribe(last_event_id(request.headers())).unwrap();
            Sse::new(subscription).into_response()
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_a_lagging_subscriber_is_cut_and_resumes_with_last_event_id() {
    bounded("http lag", async {
        let room = Channel::with_config(ChannelConfig::new().queue(4).replay_bytes(64 << 20));
        let server = room_server(room.clone()).await;
        let mut slow = open(server.addr, "/", None).await;
        let mut fast = open(server.addr, "/", None).await;
        while room.subscriber_count() < 2 {
            tokio::task::yield_now().await;
        }
        room.publish(Event::new().data("1")).unwrap();
        let (_, first_id, _) = slow.next_event().await.unwrap();
        assert_eq!(fast.next_event().await.unwrap().2, "1");
        // Large events, more than the socket and hyper buffers hold (a few MiB on loopback),
        // so that the slow client's subscriber falls behind; the fast one reads them all.
        const PUBLISHED: u64 = 1 + 400;
        let big = "x".repeat(64 * 1024);
        for _ in 2..=PUBLISHED {
            room.publish(Event::new().data(big.clone())).unwrap();
            assert_eq!(fast.next_event().await.unwrap().2.len(), big.len());
        }
        let published = PUBLISHED;
        // The slow client reads what was sent before the cut, then sees the body end.
        let mut last = first_id;
        let mut read = 1;
        while let Some((_, id, _)) = slow.next_event().await {
            last = id;
            read += 1;
        }
        assert!(slow.ended);
        assert!(read < published, "the slow subscriber was never closed");
        println!("lagging subscriber: cut after {read} of {published} events, then resumed");
        let mut resumed = open(server.addr, "/", Some(&last)).await;
        let after: u64 = last.rsplit('-').next().unwrap().parse().unwrap();
        let missed = resumed.events((published - after) as usize).await;
        assert_eq!(
            missed.last().unwrap().1,
            format!("{}-{published}", room.epoch())
        );
        room.publish(Event::new().data("live")).unwrap();
        assert_eq!(fast.next_event().await.unwrap().2, "live");
        assert_eq!(resumed.next_event().await.unwrap().2, "live");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_subscribers_each_get_every_message_exactly_once() {
    bounded("1,000 subscribers", async {
        const SUBSCRIBERS: usize = 1_000;
        const MESSAGES: usize = 50;
        let room = Channel::new();
        let server = room_server(room.clone()).await;
        let addr = server.addr;
        let opened = Arc::new(tokio::sync::Semaphore::new(0));
        let mut clients = tokio::task::JoinSet::new();
        for _ in 0..SUBSCRIBERS {
            let opened = opened.clone();
            clients.spawn(async move {
                let mut stream = open(addr, "/", None).await;
                opened.add_permits(1);
                let seen: Vec<String> = stream
                    .events(MESSAGES)
                    .await
                    .into_iter()
                    .map(|e| e.2)
                    .collect();
                seen
            });
        }
        let _all = opened.acquire_many(SUBSCRIBERS as u32).await.unwrap();
        while room.subscriber_count() < SUBSCRIBERS {
            tokio::task::yield_now().await;
        }
        for n in 1..=MESSAGES {
            room.publish(Event::new().event("chat").data(format!("message {n}")))
                .unwrap();
        }
        let expected: Vec<String> = (1..=MESSAGES).map(|n| format!("message {n}")).collect();
        let mut delivered = 0;
        while let Some(seen) = clients.join_next().await {
            assert_eq!(seen.unwrap(), expected);
            delivered += MESSAGES;
        }
        assert_eq!(delivered, SUBSCRIBERS * MESSAGES);
        println!(
            "1,000 subscribers: {delivered} deliveries, each message exactly once per subscriber"
        );
    })
    .await;
}
