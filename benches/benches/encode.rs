//! Encoding throughput: `Frame::encode` (one exact allocation per event) and
//! `encode_into` a reused `BytesMut` (no allocation once the buffer is warm).

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sse_core::{Event, EventId, EventType, Frame, encode_into, encoded_len};

fn small_event() -> Event {
    Event::new(Bytes::from_static(
        br#"{"seq":123456,"price":101.25,"sym":"ACME","side":"b"}"#,
    ))
    .with_id(EventId::new("123456").unwrap())
    .with_type(EventType::new("quote").unwrap())
}

/// 1 MiB of data in 80-byte lines.
fn large_event() -> Event {
    let data: Vec<u8> = (0..1usize << 20)
        .map(|i| {
            if i % 81 == 80 {
                b'\n'
            } else {
                b'a' + (i % 26) as u8
            }
        })
        .collect();
    Event::new(data).with_type(EventType::new("snapshot").unwrap())
}

fn bench_event(c: &mut Criterion, name: &str, event: &Event) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(encoded_len(event) as u64));
    group.bench_function("Frame::encode", |b| {
        b.iter(|| Frame::encode(black_box(event)))
    });
    let mut out = BytesMut::with_capacity(encoded_len(event));
    group.bench_function("encode_into (reused buffer)", |b| {
        b.iter(|| {
            out.clear();
            encode_into(black_box(event), &mut out);
            black_box(out.len())
        })
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    bench_event(c, "encode_small", &small_event());
    bench_event(c, "encode_large", &large_event());
}

criterion_group!(benches, encode);
criterion_main!(benches);
