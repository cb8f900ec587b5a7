//! Property tests: whatever happens, in whatever order, at whatever times, the client never
//! schedules a wait in the past or beyond its configured bound, and never connects after
//! it closed.
#![cfg(feature = "alloc")]

use proptest::prelude::*;
use sse_wire::client::{Action, Backoff, Client, Config, ReadyState};

#[derive(Debug, Clone)]
enum Op {
    Poll,
    Response(u16, Option<&'static [u8]>),
    Feed(&'static [u8]),
    Disconnect,
    Close,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Poll),
        2 => prop_oneof![
            Just(Op::Response(200, Some(&b"text/event-stream"[..]))),
            Just(Op::Response(200, Some(&b"text/event-stream; charset=utf-8"[..]))),
        ],
        1 => prop_oneof![
            Just(Op::Response(204, None)),
            Just(Op::Response(200, Some(&b"text/html"[..]))),
            Just(Op::Response(200, None)),
            Just(Op::Response(503, Some(&b"text/event-stream"[..]))),
        ],
        4 => prop_oneof![
            Just(Op::Feed(&b"data: x\n\n"[..])),
            Just(Op::Feed(&b"id: 1\nretry: 50\n\n"[..])),
            Just(Op::Feed(&b"retry: 18446744073709551615\n"[..])),
            Just(Op::Feed(&b"retry: 0\n"[..])),
            Just(Op::Feed(&b": ping\n"[..])),
            Just(Op::Feed(&b"id: 2\ndata: cut"[..])),
            Just(Op::Feed(&b""[..])),
        ],
        3 => Just(Op::Disconnect),
        1 => Just(Op::Close),
    ]
}

fn step() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 0u64..5_000, 1 => Just(0), 1 => any::<u64>()]
}

fn config() -> impl Strategy<Value = Config> {
    let backoff = (
        any::<u64>(),
        prop_oneof![0u64..100_000, any::<u64>()],
        proptest::option::of(0u32..6),
        0u64..20_000,
    )
        .prop_map(|(initial, max, attempts, reset)| {
            let b = Backoff::new()
                .with_initial(initial)
                .with_max(max)
                .with_reset_after(reset);
            match attempts {
                Some(n) => b.with_max_attempts(n),
                None => b,
            }
        });
    (
        prop_oneof![0u64..10_000, any::<u64>()],
        proptest::option::of(0u64..100_000),
        proptest::option::of(prop_oneof![0u64..10_000, any::<u64>()]),
        proptest::option::of(backoff),
    )
        .prop_map(|(rt, max_rt, idle, backoff)| {
            let mut config = Config::new().with_reconnection_time(rt);
            if let Some(max) = max_rt {
                config = config.with_max_reconnection_time(max);
            }
            if let Some(idle) = idle {
                config = config.with_idle_timeout(idle);
            }
            if let Some(backoff) = backoff {
                config = config.with_backoff(backoff);
            }
            config
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn waits_are_never_negative_nor_unbounded_and_closed_is_final(
        config in config(),
        seed in any::<u64>(),
        start in prop_oneof![0u64..1_000, any::<u64>()],
        script in proptest::collection::vec((step(), op()), 0..80),
    ) {
        let mut client = Client::new(config, seed);
        let mut now = start;
        let mut closed = false;
        for (dt, op) in script {
            now = now.saturating_add(dt);
            match op {
                Op::Poll => {}
                Op::Response(status, content_type) => {
                    let result = client.on_response(now, status, content_type);
                    prop_assert_eq!(result.is_ok(), !closed && status == 200
                        && content_type.is_some_and(|ct| ct.starts_with(b"text/event-stream")));
                }
                Op::Feed(chunk) => {
                    let opened = client.ready_state() == ReadyState::Open;
                    let events = client.feed(now, chunk).count();
                    prop_assert!(opened || events == 0);
                }
                Op::Disconnect => client.on_disconnect(now),
                Op::Close => client.close(),
            }
            // The bound on any wait: the (clamped) reconnection time plus the largest jitter.
            let bound = client.reconnection_time().saturating_add(config.backoff().map_or(0, |b| b.max()));
            let state_before = client.ready_state();
            match client.poll(now) {
                Action::Connect { last_event_id } => {
                    prop_assert!(last_event_id.map_or(true, |id| !id.is_empty()));
                    prop_assert!(!closed, "connected after closing");
                    prop_assert_ne!(state_before, ReadyState::Closed);
                    prop_assert_eq!(client.ready_state(), ReadyState::Connecting);
                    // Connect is returned once per attempt.
                    let again = client.poll(now);
                    prop_assert!(!matches!(again, Action::Connect { .. }), "{:?}", again);
                }
                Action::WaitUntil(at) => {
                    prop_assert!(!closed);
                    prop_assert!(at > now, "wait at {} is not after now {}", at, now);
                    prop_assert!(at - now <= bound, "wait {} beyond bound {}", at - now, bound);
                    prop_assert_eq!(client.ready_state(), ReadyState::Connecting);
                }
                Action::Receive { deadline } => {
                    prop_assert!(!closed);
                    if let Some(deadline) = deadline {
                        // (At the end of time a deadline cannot be later than now.)
                        prop_assert!(deadline > now || deadline == u64::MAX);
                    }
                    prop_assert_eq!(deadline.is_some(), config.idle_timeout().is_some());
                }
                Action::Closed(reason) => {
                    prop_assert_eq!(client.ready_state(), ReadyState::Closed);
                    prop_assert_eq!(client.close_reason(), Some(reason));
                    closed = true;
                }
            }
        }
        if closed {
            for later in [now, now.saturating_add(1), u64::MAX] {
                prop_assert!(matches!(client.poll(later), Action::Closed(_)));
            }
        }
    }
}
