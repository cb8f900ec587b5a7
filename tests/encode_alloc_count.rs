//! Proves the encoder's allocation claims by counting: encoding into a reused buffer
//! allocates nothing, per event, on every path.
#![cfg(feature = "alloc")]

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::allocations_during;

use sse_wire::{Comment, Encode, EventId, EventRef, EventType, EventWriter};

const EVENTS: usize = 1000;
const CHAT: &str =
    r#"{"role":"assistant","content":"Sure, here is the summary you asked for.","n":1}"#;

#[test]
fn the_counter_sees_allocations() {
    // Without this, a broken counter would make every other test here pass.
    let n = allocations_during(|| drop(std::hint::black_box(vec![1u8; 64])));
    assert_eq!(n, 1);
}

#[test]
fn zero_allocations_per_event_into_a_reused_vec() {
    const TYPE: EventType<'static> = EventType::from_static("message.delta");
    let ids: Vec<String> = (0..EVENTS).map(|i| i.to_string()).collect();
    let mut buf = Vec::with_capacity(4096);
    let mut written = 0;
    let n = allocations_during(|| {
        for id in &ids {
            buf.clear();
            let event = EventRef::new()
                .with_event_type(TYPE)
                .with_id(EventId::new(id).unwrap())
                .with_data("line one\r\nline two\n{\"x\":1}");
            written += event.encode_to_vec(&mut buf);
            buf.clear();
            written += EventRef::new().with_data(CHAT).encode_to_vec(&mut buf);
            buf.clear();
            written += Comment::keep_alive().encode_to_vec(&mut buf);
        }
    });
    assert!(written > EVENTS * 100);
    assert_eq!(n, 0, "{n} allocations for {EVENTS} events");
}

#[test]
fn zero_allocations_into_a_slice() {
    let mut buf = [0u8; 512];
    let n = allocations_during(|| {
        for _ in 0..EVENTS {
            let event = EventRef::new()
                .with_id(EventId::from_static("42"))
                .with_retry(3000)
                .with_data(CHAT);
            assert!(event.encode_to_slice(&mut buf).is_ok());
            assert!(event.encode_to_slice(&mut buf[..10]).is_err());
        }
    });
    assert_eq!(n, 0);
}

#[test]
fn zero_allocations_streaming_tokens() {
    let tokens = ["Hel", "lo", ",\r", "\nwor", "ld\r\n", ""];
    let mut buf = Vec::with_capacity(4096);
    let mut out = [0u8; 64];
    let n = allocations_during(|| {
        for _ in 0..EVENTS {
            buf.clear();
            let mut writer = EventWriter::new().with_event_type(EventType::from_static("token"));
            for token in tokens {
                writer.data_to_vec(token.as_bytes(), &mut buf);
            }
            writer.finish_to_vec(&mut buf);

            let mut writer = EventWriter::new();
            for token in tokens {
                let (_, read, _) = writer.data(token.as_bytes(), &mut out);
                assert_eq!(read, token.len());
            }
            let _ = writer.finish(&mut out);
        }
    });
    assert_eq!(n, 0);
}

#[cfg(feature = "bytes")]
#[test]
fn bytes_fan_out_allocates_once_per_event_not_per_subscriber() {
    let event = EventRef::new().with_data(CHAT);
    let mut subscribers = Vec::with_capacity(200);
    let n = allocations_during(|| {
        let shared = event.to_bytes();
        for _ in 0..100 {
            subscribers.push(shared.clone());
        }
    });
    // The exactly sized buffer, plus the reference count `bytes` sets up on the first clone.
    assert!(n <= 2, "{n} allocations");
    let n = allocations_during(|| {
        for _ in 0..100 {
            subscribers.push(subscribers[0].clone());
        }
    });
    assert_eq!(n, 0, "cloning for more subscribers allocates nothing");
    let first = subscribers[0].as_ptr();
    assert!(
        subscribers.iter().all(|b| b.as_ptr() == first),
        "one shared copy"
    );
}
