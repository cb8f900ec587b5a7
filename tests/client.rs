//! Scripted timelines for the sans-IO `EventSource` client, on a fake clock.

use sse_wire::client::{check_response, is_event_stream, Backoff, FailReason};

#[test]
fn only_200_with_event_stream_opens() {
    assert_eq!(check_response(200, Some(b"text/event-stream")), Ok(()));
    assert_eq!(check_response(204, None), Err(FailReason::NoContent));
    assert_eq!(
        check_response(204, Some(b"text/event-stream")),
        Err(FailReason::NoContent)
    );
    for status in [100, 201, 202, 206, 301, 304, 400, 401, 404, 500, 502, 503] {
        assert_eq!(
            check_response(status, Some(b"text/event-stream")),
            Err(FailReason::Status(status)),
            "{status}"
        );
    }
    assert_eq!(
        check_response(200, None),
        Err(FailReason::MissingContentType)
    );
    assert_eq!(
        check_response(200, Some(b"text/html")),
        Err(FailReason::WrongContentType)
    );
}

#[test]
fn content_type_is_compared_as_a_mime_essence() {
    for ok in [
        &b"text/event-stream"[..],
        b"TEXT/Event-Stream",
        b"text/event-stream;charset=utf-8",
        b"text/event-stream ; charset=UTF-8",
        b" \ttext/event-stream\t ",
        b"text/event-stream;",
    ] {
        assert!(is_event_stream(ok), "{}", ok.escape_ascii());
    }
    for bad in [
        &b""[..],
        b";",
        b"text/plain",
        b"text/event-streams",
        b"text/event",
        b"text /event-stream",
        b"text/ event-stream",
        b"application/event-stream",
        b"text/event-stream, text/html",
        b"\"text/event-stream\"",
    ] {
        assert!(!is_event_stream(bad), "{}", bad.escape_ascii());
    }
}

#[test]
fn backoff_window_doubles_then_caps_without_overflow() {
    let backoff = Backoff::new().with_initial(100).with_max(800);
    let windows: Vec<u64> = (0..8).map(|n| backoff.window(n)).collect();
    assert_eq!(windows, [0, 100, 200, 400, 800, 800, 800, 800]);
    assert_eq!(backoff.window(u32::MAX), 800);
    let huge = Backoff::new().with_initial(u64::MAX / 2).with_max(u64::MAX);
    assert_eq!(huge.window(1), u64::MAX / 2);
    assert_eq!(huge.window(3), u64::MAX);
    assert_eq!(huge.window(200), u64::MAX);
    // Full jitter: any value of the window, chosen by `random`.
    assert_eq!(backoff.jitter(1, 0), 0);
    assert_eq!(backoff.jitter(1, 100), 100);
    assert_eq!(backoff.jitter(1, 101), 0);
    assert_eq!(backoff.jitter(3, 1234), 1234 % 401);
    assert_eq!(huge.jitter(9, u64::MAX), u64::MAX);
    assert_eq!(Backoff::new().with_max(0).jitter(5, 99), 0);
}

#[cfg(feature = "alloc")]
mod timelines {
    use sse_wire::client::{Action, Backoff, Client, CloseReason, Config, FailReason, ReadyState};
    use sse_wire::{Decoder, Limits};

    const SSE: Option<&[u8]> = Some(b"text/event-stream");

    /// Feeds a chunk and returns the data of the events it completed.
    fn feed(client: &mut Client, now: u64, chunk: &[u8]) -> Vec<String> {
        client
            .feed(now, chunk)
            .map(|event| event.unwrap().data().to_owned())
            .collect()
    }

    /// Polls and expects a `Connect`, returning the header it asks for.
    fn connect(client: &mut Client, now: u64) -> Option<String> {
        match client.poll(now) {
            Action::Connect { last_event_id } => last_event_id.map(str::to_owned),
            other => panic!("expected Connect at {now}, got {other:?}"),
        }
    }

    fn wait_until(client: &mut Client, now: u64) -> u64 {
        match client.poll(now) {
            Action::WaitUntil(at) => at,
            other => panic!("expected WaitUntil at {now}, got {other:?}"),
        }
    }

    #[test]
    fn connect_receive_drop_mid_event_reconnect_with_header_after_retry() {
        let mut client = Client::new(Config::new(), 1);
        assert_eq!(client.ready_state(), ReadyState::Connecting);
        assert_eq!(connect(&mut client, 0), None);
        // Connect is returned once per attempt; then we wait for the response.
        assert_eq!(client.poll(1), Action::Receive { deadline: None });
        assert_eq!(client.on_response(5, 200, SSE), Ok(()));
        assert_eq!(client.ready_state(), ReadyState::Open);
        let got = feed(
            &mut client,
            10,
            b"retry: 1500\nid: 1\ndata: a\n\nid: 2\ndata: b",
        );
        assert_eq!(got, ["a"]);
        // The connection drops inside event 2: it is discarded, its id never applied.
        client.on_disconnect(100);
        assert_eq!(client.ready_state(), ReadyState::Connecting);
        assert_eq!(client.last_event_id(), "1");
        assert_eq!(wait_until(&mut client, 100), 1600);
        assert_eq!(wait_until(&mut client, 1599), 1600);
        assert_eq!(connect(&mut client, 1600).as_deref(), Some("1"));
        assert_eq!(client.on_response(1650, 200, SSE), Ok(()));
        // The new stream starts clean: the old partial event does not leak into it.
        let events: Vec<_> = client
            .feed(1700, b"data: c\n\n")
            .map(Result::unwrap)
            .collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data(), "c");
        assert_eq!(events[0].last_event_id(), "1");
    }

    #[test]
    fn default_reconnection_time_is_3000_ms() {
        let mut client = Client::new(Config::new(), 1);
        connect(&mut client, 0);
        client.on_response(0, 200, SSE).unwrap();
        client.on_disconnect(10);
        assert_eq!(wait_until(&mut client, 10), 3010);
        assert_eq!(client.reconnection_time(), 3000);
        // A failed connection attempt (no response) reestablishes the same way.
        connect(&mut client, 3010);
        client.on_disconnect(3020);
        assert_eq!(wait_until(&mut client, 3020), 6020);
    }

    #[test]
    fn retry_only_block_and_retry_in_a_dropped_event_still_apply() {
        let mut client = Client::new(Config::new(), 1);
        connect(&mut client, 0);
        client.on_response(0, 200, SSE).unwrap();
        assert!(feed(&mut client, 1, b"retry: 7000\n\n").is_empty());
        client.on_disconnect(2);
        assert_eq!(wait_until(&mut client, 2), 7002);
        connect(&mut client, 7002);
        client.on_response(7002, 200, SSE).unwrap();
        // `retry` applies when its line is read, even if its event never completes.
        assert!(feed(&mut client, 7003, b"retry: 250\ndata: never finished").is_empty());
        client.on_disconnect(7004);
        assert_eq!(wait_until(&mut client, 7004), 7254);
        // Invalid retry values are ignored.
        connect(&mut client, 7254);
        client.on_response(7254, 200, SSE).unwrap();
        feed(&mut client, 7255, b"retry: 1e3\nretry: -5\nretry:  10\n\n");
        assert_eq!(client.reconnection_time(), 250);
    }

    #[test]
    fn last_event_id_header_is_absent_when_empty_and_can_be_restored() {
        let mut client = Client::new(Config::new().with_reconnection_time(0), 1);
        assert_eq!(connect(&mut client, 0), None);
        client.on_response(0, 200, SSE).unwrap();
        feed(&mut client, 0, b"id: 9\n\n");
        client.on_disconnect(0);
        assert_eq!(connect(&mut client, 0).as_deref(), Some("9"));
        client.on_response(0, 200, SSE).unwrap();
        // An empty `id` resets the last event ID: no header any more.
        feed(&mut client, 0, b"id\n\n");
        client.on_disconnect(0);
        assert_eq!(connect(&mut client, 0), None);

        let mut decoder = Decoder::new();
        decoder.set_last_event_id("persisted-41");
        let mut restored = Client::with_decoder(Config::new(), 1, decoder);
        assert_eq!(connect(&mut restored, 0).as_deref(), Some("persisted-41"));
    }

    #[test]
    fn no_content_closes_for_good() {
        let mut client = Client::new(Config::new(), 1);
        connect(&mut client, 0);
        let closed = CloseReason::Failed(FailReason::NoContent);
        assert_eq!(client.on_response(3, 204, None), Err(closed));
        assert_eq!(client.ready_state(), ReadyState::Closed);
        assert_eq!(client.close_reason(), Some(closed));
        client.on_disconnect(4);
        for now in [4, 3_004, 1 << 40, u64::MAX] {
            assert_eq!(client.poll(now), Action::Closed(closed));
        }
        // A later response is refused with the original reason.
        assert_eq!(client.on_response(5, 200, SSE), Err(closed));
        assert!(feed(&mut client, 6, b"data: x\n\n").is_empty());
    }

    #[test]
    fn wrong_status_or_content_type_fails_the_connection_without_reconnect() {
        let cases: [(u16, Option<&[u8]>, FailReason); 4] = [
            (200, Some(b"text/plain"), FailReason::WrongContentType),
            (200, None, FailReason::MissingContentType),
            (500, SSE, FailReason::Status(500)),
            (404, Some(b"text/html"), FailReason::Status(404)),
        ];
        for (status, content_type, reason) in cases {
            let mut client = Client::new(Config::new().with_backoff(Backoff::new()), 1);
            connect(&mut client, 0);
            let closed = CloseReason::Failed(reason);
            assert_eq!(client.on_response(1, status, content_type), Err(closed));
            assert_eq!(client.poll(1_000_000), Action::Closed(closed));
        }
    }

    #[test]
    fn idle_timeout_declares_the_connection_dead_comments_keep_it_alive() {
        let mut client = Client::new(Config::new().with_idle_timeout(1000), 1);
        connect(&mut client, 0);
        // The response itself must arrive within the timeout.
        assert_eq!(
            client.poll(999),
            Action::Receive {
                deadline: Some(1000)
            }
        );
        client.on_response(200, 200, SSE).unwrap();
        assert_eq!(
            client.poll(200),
            Action::Receive {
                deadline: Some(1200)
            }
        );
        assert!(feed(&mut client, 1100, b": heartbeat\n").is_empty());
        assert_eq!(
            client.poll(2099),
            Action::Receive {
                deadline: Some(2100)
            }
        );
        // An empty read is not a byte.
        assert!(feed(&mut client, 2000, b"").is_empty());
        feed(&mut client, 2050, b"data: half an ev");
        assert_eq!(
            client.poll(3049),
            Action::Receive {
                deadline: Some(3050)
            }
        );
        assert_eq!(client.ready_state(), ReadyState::Open);
        // Silence for the whole timeout: dead. Drop it and reconnect after the reconnection time.
        assert_eq!(wait_until(&mut client, 3050), 6050);
        assert_eq!(client.ready_state(), ReadyState::Connecting);
        // Late bytes from the dead connection are ignored.
        assert!(feed(&mut client, 3060, b"ent\n\n").is_empty());
        connect(&mut client, 6050);
        client.on_response(6050, 200, SSE).unwrap();
        assert_eq!(feed(&mut client, 6051, b"data: fresh\n\n"), ["fresh"]);
    }

    #[test]
    fn a_zero_idle_timeout_is_one_ms_so_a_connect_is_never_dead_at_once() {
        let config = Config::new().with_idle_timeout(0).with_reconnection_time(0);
        assert_eq!(config.idle_timeout(), Some(1));
        let mut client = Client::new(config, 1);
        connect(&mut client, 10);
        assert_eq!(client.poll(10), Action::Receive { deadline: Some(11) });
        assert_eq!(connect(&mut client, 11), None);
    }

    #[test]
    fn response_timeout_reschedules() {
        let mut client = Client::new(Config::new().with_idle_timeout(500), 1);
        connect(&mut client, 0);
        assert_eq!(wait_until(&mut client, 500), 3500);
        assert_eq!(client.attempts(), 1);
    }

    /// Reconnects `n` times without ever getting a response; returns each wait minus the
    /// reconnection time (the jitter).
    fn failing_jitters(seed: u64, backoff: Backoff, n: usize) -> Vec<u64> {
        let mut client = Client::new(
            Config::new()
                .with_reconnection_time(100)
                .with_backoff(backoff),
            seed,
        );
        let mut now = 0;
        let mut jitters = Vec::new();
        for _ in 0..n {
            connect(&mut client, now);
            now += 7;
            client.on_disconnect(now);
            let at = wait_until(&mut client, now);
            jitters.push(at - now - 100);
            now = at;
        }
        jitters
    }

    #[test]
    fn backoff_grows_and_caps_with_a_fixed_seed() {
        let backoff = Backoff::new().with_initial(100).with_max(800);
        let first = failing_jitters(42, backoff, 12);
        assert_eq!(first, failing_jitters(42, backoff, 12), "deterministic");
        assert_ne!(first, failing_jitters(43, backoff, 12), "seeded");
        let mut max_seen = [0u64; 12];
        for seed in 0..300 {
            for (n, jitter) in failing_jitters(seed, backoff, 12).into_iter().enumerate() {
                let window = backoff.window(n as u32 + 1);
                assert!(jitter <= window, "attempt {}: {jitter} > {window}", n + 1);
                max_seen[n] = max_seen[n].max(jitter);
            }
        }
        // The windows are used in full: 100, 200, 400, then capped at 800.
        for (n, &seen) in max_seen.iter().enumerate() {
            let window = backoff.window(n as u32 + 1);
            assert!(
                seen * 10 >= window * 9,
                "attempt {}: max {seen} of {window}",
                n + 1
            );
        }
        assert!(max_seen[1] > 100 && max_seen[2] > 200 && max_seen[3] > 400);
    }

    #[test]
    fn without_backoff_the_wait_is_exactly_the_reconnection_time() {
        let mut client = Client::new(Config::new().with_reconnection_time(100), 7);
        let mut now = 0;
        for _ in 0..20 {
            connect(&mut client, now);
            client.on_disconnect(now + 1);
            let at = wait_until(&mut client, now + 1);
            assert_eq!(at, now + 101);
            now = at;
        }
        assert_eq!(client.attempts(), 20);
    }

    #[test]
    fn max_attempts_gives_up() {
        let backoff = Backoff::new().with_max(0).with_max_attempts(3);
        let mut client = Client::new(
            Config::new()
                .with_reconnection_time(10)
                .with_backoff(backoff),
            1,
        );
        let mut now = 0;
        for attempt in 1..=3 {
            connect(&mut client, now);
            client.on_disconnect(now);
            assert_eq!(client.attempts(), attempt);
            now = wait_until(&mut client, now);
        }
        connect(&mut client, now);
        // Even a connection that opens but dies young counts as a failure.
        client.on_response(now, 200, SSE).unwrap();
        client.on_disconnect(now + 1);
        let gave_up = CloseReason::GaveUp { attempts: 3 };
        assert_eq!(client.poll(now + 1), Action::Closed(gave_up));
        assert_eq!(client.poll(u64::MAX), Action::Closed(gave_up));
        assert_eq!(client.ready_state(), ReadyState::Closed);

        let never = Backoff::new().with_max_attempts(0);
        let mut client = Client::new(Config::new().with_backoff(never), 1);
        connect(&mut client, 0);
        client.on_disconnect(0);
        assert_eq!(
            client.poll(0),
            Action::Closed(CloseReason::GaveUp { attempts: 0 })
        );
    }

    #[test]
    fn a_healthy_connection_resets_the_attempt_count() {
        let backoff = Backoff::new()
            .with_initial(100)
            .with_max(100_000)
            .with_reset_after(10_000);
        let mut client = Client::new(
            Config::new()
                .with_reconnection_time(0)
                .with_backoff(backoff),
            3,
        );
        let mut now = 0;
        for _ in 0..4 {
            connect(&mut client, now);
            client.on_disconnect(now);
            now = wait_until(&mut client, now);
        }
        assert_eq!(client.attempts(), 4);
        // Open, but too briefly: still failing.
        connect(&mut client, now);
        client.on_response(now, 200, SSE).unwrap();
        client.on_disconnect(now + 9_999);
        assert_eq!(client.attempts(), 5);
        now = wait_until(&mut client, now + 9_999);
        // Open long enough: the count starts again, and so does the window.
        connect(&mut client, now);
        client.on_response(now, 200, SSE).unwrap();
        client.on_disconnect(now + 10_000);
        assert_eq!(client.attempts(), 1);
        let at = wait_until(&mut client, now + 10_000);
        assert!(at - (now + 10_000) <= 100);
    }

    #[test]
    fn a_decode_error_skips_the_event_but_keeps_the_connection() {
        let decoder = Decoder::with_limits(Limits::new().with_max_line_len(16));
        let mut client = Client::with_decoder(Config::new().with_idle_timeout(100), 1, decoder);
        connect(&mut client, 0);
        client.on_response(0, 200, SSE).unwrap();
        let results: Vec<_> = client
            .feed(10, b"data: this line is far too long\n\ndata: ok\n\n")
            .collect();
        assert_eq!(results.len(), 2);
        assert!(results[0].is_err());
        assert_eq!(results[1].as_ref().unwrap().data(), "ok");
        assert_eq!(client.ready_state(), ReadyState::Open);
        assert_eq!(
            client.poll(20),
            Action::Receive {
                deadline: Some(110)
            }
        );
    }

    #[test]
    fn close_is_final() {
        let mut client = Client::new(Config::new(), 1);
        connect(&mut client, 0);
        client.on_response(0, 200, SSE).unwrap();
        client.close();
        assert_eq!(client.poll(1), Action::Closed(CloseReason::Closed));
        client.on_disconnect(2);
        assert_eq!(client.poll(10_000), Action::Closed(CloseReason::Closed));
        assert_eq!(client.on_response(3, 200, SSE), Err(CloseReason::Closed));
        // Closing again keeps the first reason.
        let mut failed = Client::new(Config::new(), 1);
        connect(&mut failed, 0);
        let _ = failed.on_response(0, 204, None);
        failed.close();
        assert_eq!(
            failed.close_reason(),
            Some(CloseReason::Failed(FailReason::NoContent))
        );
    }

    #[test]
    fn retry_can_be_clamped() {
        let mut client = Client::new(Config::new().with_max_reconnection_time(10_000), 1);
        connect(&mut client, 0);
        client.on_response(0, 200, SSE).unwrap();
        feed(&mut client, 0, b"retry: 18446744073709551615\n");
        assert_eq!(client.reconnection_time(), 10_000);
        assert_eq!(client.decoder().reconnection_time(), Some(u64::MAX));
        client.on_disconnect(5);
        assert_eq!(wait_until(&mut client, 5), 10_005);
    }

    #[test]
    fn huge_retry_saturates_instead_of_overflowing() {
        let mut client = Client::new(Config::new().with_backoff(Backoff::new()), 1);
        connect(&mut client, 0);
        client.on_response(0, 200, SSE).unwrap();
        feed(&mut client, 0, b"retry: 18446744073709551615\n");
        client.on_disconnect(10);
        assert_eq!(wait_until(&mut client, 10), u64::MAX);
        assert_eq!(connect(&mut client, u64::MAX), None);
    }

    #[test]
    fn disconnect_without_a_connection_schedules_nothing_new() {
        let mut client = Client::new(Config::new(), 1);
        connect(&mut client, 0);
        client.on_disconnect(10);
        assert_eq!(wait_until(&mut client, 10), 3010);
        client.on_disconnect(20);
        client.on_disconnect(30);
        assert_eq!(wait_until(&mut client, 30), 3010);
        assert_eq!(client.attempts(), 1);
    }

    #[test]
    fn bytes_before_the_response_are_ignored_and_time_going_back_is_harmless() {
        let mut client = Client::new(Config::new().with_idle_timeout(100), 1);
        connect(&mut client, 1000);
        assert!(feed(&mut client, 1001, b"data: early\n\n").is_empty());
        client.on_response(1010, 200, SSE).unwrap();
        // A clock that jumps back does not move deadlines back.
        feed(&mut client, 1050, b": a\n");
        feed(&mut client, 5, b": b\n");
        assert_eq!(
            client.poll(0),
            Action::Receive {
                deadline: Some(1150)
            }
        );
        client.on_disconnect(3);
        assert_eq!(wait_until(&mut client, 3), 1050 + 3000);
    }
}
