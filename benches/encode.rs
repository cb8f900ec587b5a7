//! Encode throughput on SSE-shaped events generated in code: a chat message (type, id, ~80 B
//! of JSON) and an LLM token event, in events/s and MB/s, through every output path.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sse_wire::{Encode, EventId, EventRef, EventType, EventWriter};

const CHAT_TYPE: EventType<'static> = EventType::from_static("chat.message");
const TOKEN_TYPE: EventType<'static> = EventType::from_static("token");
const CHAT_DATA: &str =
    r#"{"user":"ada","room":"general","text":"Shall we ship the encoder today?","ts":1718000000}"#;
const TOKEN_DATA: &str = r#"{"delta":" the"}"#;

fn cases() -> [(&'static str, EventRef<'static>); 2] {
    [
        (
            "chat",
            EventRef::new()
                .with_event_type(CHAT_TYPE)
                .with_id(EventId::from_static("1718000000-42"))
                .with_data(CHAT_DATA),
        ),
        (
            "llm_token",
            EventRef::new()
                .with_event_type(TOKEN_TYPE)
                .with_data(TOKEN_DATA),
        ),
    ]
}

fn encode(c: &mut Criterion) {
    for (throughput, unit) in [("events", 0), ("bytes", 1)] {
        let mut group = c.benchmark_group(format!("encode/{throughput}"));
        for (name, event) in cases() {
            let len = event.encoded_len();
            group.throughput(if unit == 0 {
                Throughput::Elements(1)
            } else {
                Throughput::Bytes(len as u64)
            });
            let mut vec = Vec::with_capacity(4096);
            group.bench_function(format!("{name}/vec"), |b| {
                b.iter(|| {
                    vec.clear();
                    black_box(&event).encode_to_vec(&mut vec)
                })
            });
            let mut slice = [0u8; 4096];
            group.bench_function(format!("{name}/slice"), |b| {
                b.iter(|| black_box(&event).encode_to_slice(&mut slice))
            });
            #[cfg(feature = "bytes")]
            group.bench_function(format!("{name}/bytes"), |b| {
                b.iter(|| black_box(&event).to_bytes())
            });
            let data = event.data().unwrap_or_default();
            let mut check = EventWriter::new();
            if let Some(event_type) = event.event_type() {
                check = check.with_event_type(event_type);
            }
            if let Some(id) = event.id() {
                check = check.with_id(id);
            }
            let mut streamed = Vec::new();
            check.data_to_vec(data, &mut streamed);
            check.finish_to_vec(&mut streamed);
            let mut one_shot = Vec::new();
            event.encode_to_vec(&mut one_shot);
            assert_eq!(
                streamed, one_shot,
                "the writer bench measures the same output"
            );
            group.bench_function(format!("{name}/writer_vec"), |b| {
                b.iter(|| {
                    vec.clear();
                    let mut writer = EventWriter::new();
                    if let Some(event_type) = event.event_type() {
                        writer = writer.with_event_type(event_type);
                    }
                    if let Some(id) = event.id() {
                        writer = writer.with_id(id);
                    }
                    writer.data_to_vec(black_box(data), &mut vec);
                    writer.finish_to_vec(&mut vec)
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, encode);
criterion_main!(benches);
