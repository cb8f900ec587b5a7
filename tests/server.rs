//! Keep-alive schedule and replay buffer.

use sse_wire::server::KeepAlive;

#[test]
fn keep_alive_is_due_after_the_idle_interval() {
    let mut keep_alive = KeepAlive::new(15_000, 100);
    assert_eq!(keep_alive.deadline(), 15_100);
    assert!(!keep_alive.due(15_099));
    assert!(keep_alive.due(15_100));
    // Any write postpones it; a write "in the past" does not.
    keep_alive.on_write(10_000);
    keep_alive.on_write(9_000);
    assert_eq!(keep_alive.deadline(), 25_000);
    assert!(!keep_alive.poll(24_999));
    assert!(keep_alive.poll(25_003));
    assert_eq!(keep_alive.deadline(), 40_003);
    assert!(!keep_alive.poll(25_004));
}

#[test]
fn keep_alive_edges_saturate() {
    let always = KeepAlive::new(0, 7);
    assert!(always.due(7));
    let never = KeepAlive::new(u64::MAX, 5);
    assert_eq!(never.deadline(), u64::MAX);
    assert!(!never.due(u64::MAX - 1));
    assert!(never.due(u64::MAX));
    assert_eq!(KeepAlive::COMMENT, b":\n");
}

#[cfg(feature = "alloc")]
#[test]
fn keep_alive_comment_is_invisible_to_the_decoder() {
    let mut decoder = sse_wire::Decoder::new();
    let mut stream = KeepAlive::COMMENT.to_vec();
    stream.extend_from_slice(b"data: x\n");
    stream.extend_from_slice(KeepAlive::COMMENT);
    stream.extend_from_slice(b"\n");
    let events: Vec<_> = decoder.feed(&stream).map(Result::unwrap).collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data(), "x");
}

#[cfg(feature = "alloc")]
mod replay {
    use proptest::prelude::*;
    use sse_wire::server::{Replay, ReplayBuffer};

    fn event(id: &str, len: usize) -> Vec<u8> {
        let mut bytes = format!("id: {id}\ndata: ").into_bytes();
        bytes.resize(len.max(bytes.len() + 2), b'x');
        let n = bytes.len();
        bytes[n - 2..].copy_from_slice(b"\n\n");
        bytes
    }

    fn ids<B>(replay: Replay<'_, B>) -> Option<Vec<String>> {
        replay
            .events()
            .map(|events| events.map(|(id, _)| id.to_owned()).collect())
    }

    #[test]
    fn hits_return_exactly_the_events_after_the_id() {
        let mut buffer = ReplayBuffer::new(10, 10_000);
        for id in ["1", "2", "3", "4"] {
            buffer.push(id, event(id, 20));
        }
        assert_eq!(ids(buffer.since("2")), Some(vec!["3".into(), "4".into()]));
        assert_eq!(ids(buffer.since("1")).unwrap().len(), 3);
        assert_eq!(ids(buffer.since("4")), Some(vec![]));
        // No Last-Event-ID: from now on.
        assert_eq!(ids(buffer.since("")), Some(vec![]));
        let Replay::Events(events) = buffer.since("3") else {
            panic!()
        };
        let bytes: Vec<&Vec<u8>> = events.map(|(_, bytes)| bytes).collect();
        assert_eq!(bytes, [&event("4", 20)]);
    }

    #[test]
    fn unknown_id_before_any_loss_and_too_old_after() {
        let mut buffer = ReplayBuffer::new(2, usize::MAX);
        buffer.push("a", event("a", 10));
        assert!(matches!(buffer.since("zz"), Replay::UnknownId));
        assert!(buffer.since("zz").is_resync());
        buffer.push("b", event("b", 10));
        buffer.push("c", event("c", 10));
        assert_eq!(buffer.len(), 2);
        assert_eq!(buffer.oldest_id(), Some("b"));
        assert_eq!(buffer.newest_id(), Some("c"));
        assert!(matches!(buffer.since("a"), Replay::TooOld));
        assert!(matches!(buffer.since("zz"), Replay::TooOld));
        assert_eq!(ids(buffer.since("b")), Some(vec!["c".into()]));
    }

    #[test]
    fn bounded_by_bytes() {
        let mut buffer = ReplayBuffer::new(100, 100);
        buffer.push("1", event("1", 40));
        buffer.push("2", event("2", 40));
        assert_eq!(buffer.bytes(), 80);
        buffer.push("3", event("3", 40)); // 120 > 100: "1" goes
        assert_eq!(buffer.bytes(), 80);
        assert_eq!(buffer.oldest_id(), Some("2"));
        assert!(matches!(buffer.since("1"), Replay::TooOld));
        buffer.push("4", event("4", 20)); // exactly 100
        assert_eq!(buffer.bytes(), 100);
        assert_eq!(buffer.len(), 3);
    }

    #[test]
    fn an_event_larger_than_the_buffer_is_not_kept_and_not_skipped() {
        let mut buffer = ReplayBuffer::new(100, 100);
        buffer.push("1", event("1", 40));
        buffer.push("big", event("big", 101));
        assert!(buffer.is_empty());
        assert_eq!(buffer.bytes(), 0);
        // A client that saw the big event is up to date; one before it must resync, since
        // replaying "1".. would skip the big one.
        assert_eq!(ids(buffer.since("big")), Some(vec![]));
        assert!(matches!(buffer.since("1"), Replay::TooOld));
        buffer.push("2", event("2", 40));
        assert_eq!(ids(buffer.since("big")), None);
        assert_eq!(ids(buffer.since("2")), Some(vec![]));
    }

    #[test]
    fn zero_capacity_keeps_nothing() {
        let mut buffer = ReplayBuffer::new(0, 1000);
        buffer.push("1", event("1", 10));
        buffer.push("2", event("2", 10));
        assert!(buffer.is_empty());
        assert_eq!(ids(buffer.since("2")), Some(vec![]));
        assert!(matches!(buffer.since("1"), Replay::TooOld));
    }

    #[test]
    fn repeated_ids_resume_after_the_newest() {
        let mut buffer = ReplayBuffer::new(10, usize::MAX);
        for id in ["x", "y", "x", "z"] {
            buffer.push(id, event(id, 10));
        }
        assert_eq!(ids(buffer.since("x")), Some(vec!["z".into()]));
    }

    #[test]
    fn clear_makes_old_ids_too_old() {
        let mut buffer = ReplayBuffer::new(10, usize::MAX);
        buffer.push("1", event("1", 10));
        buffer.clear();
        assert!(buffer.is_empty());
        assert!(matches!(buffer.since("1"), Replay::TooOld));
        assert_eq!(buffer.iter().count(), 0);
    }

    #[cfg(feature = "bytes")]
    #[test]
    fn bytes_are_shared_not_copied() {
        let encoded = bytes::Bytes::from(event("1", 64));
        let mut buffer = ReplayBuffer::new(10, 1000);
        buffer.push("0", bytes::Bytes::from_static(b"id: 0\ndata: a\n\n"));
        buffer.push("1", encoded.clone());
        let Replay::Events(mut events) = buffer.since("0") else {
            panic!()
        };
        let (id, replayed) = events.next().unwrap();
        assert_eq!(id, "1");
        assert_eq!(replayed.as_ptr(), encoded.as_ptr());
    }

    proptest! {
        /// Against a model that keeps everything: the buffer replays exactly the suffix after
        /// any ID it holds, stays within both bounds, and keeps the newest events.
        #[test]
        fn replay_matches_the_unbounded_model(
            sizes in proptest::collection::vec(1usize..60, 0..60),
            max_events in 0usize..12,
            max_bytes in 0usize..400,
        ) {
            let mut buffer = ReplayBuffer::new(max_events, max_bytes);
            let mut all: Vec<(String, usize)> = Vec::new();
            for (n, &size) in sizes.iter().enumerate() {
                let id = n.to_string();
                buffer.push(&id, vec![b'x'; size]);
                all.push((id, size));
                prop_assert!(buffer.len() <= max_events);
                prop_assert!(buffer.bytes() <= max_bytes);
                prop_assert_eq!(buffer.bytes(), buffer.iter().map(|(_, b)| b.len()).sum::<usize>());
            }
            // What is kept is a suffix of what was pushed.
            let kept: Vec<String> = buffer.iter().map(|(id, _)| id.to_owned()).collect();
            let suffix: Vec<String> = all[all.len() - kept.len()..].iter().map(|(id, _)| id.clone()).collect();
            prop_assert_eq!(&kept, &suffix);
            // Nothing is evicted that fits: without refused events, the kept suffix is the
            // longest one within both bounds.
            let refused = all.iter().any(|&(_, size)| size > max_bytes);
            if !refused && max_events > 0 && kept.len() < all.len() {
                let (_, previous) = &all[all.len() - kept.len() - 1];
                prop_assert!(kept.len() + 1 > max_events || buffer.bytes() + previous > max_bytes);
            }
            // The newest event is kept whenever it fits on its own.
            if let Some((id, size)) = all.last() {
                if *size <= max_bytes && max_events > 0 {
                    prop_assert_eq!(buffer.newest_id(), Some(id.as_str()));
                }
                // The newest ID is always answered as up to date.
                prop_assert_eq!(ids(buffer.since(id)), Some(vec![]));
            }
            for (n, (id, _)) in all.iter().enumerate() {
                let expected: Vec<String> = all[n + 1..].iter().map(|(id, _)| id.clone()).collect();
                match ids(buffer.since(id)) {
                    Some(got) => prop_assert_eq!(got, expected),
                    None => prop_assert!(matches!(buffer.since(id), Replay::TooOld)),
                }
            }
        }
    }
}
