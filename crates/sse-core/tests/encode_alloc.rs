//! The encoder allocates nothing beyond its output buffer: `encode_into` a buffer with
//! room makes no allocation at all, `Frame::encode` exactly one.

mod alloc_counter;

use std::time::Duration;

use alloc_counter::{CountingAllocator, allocations};
use bytes::BytesMut;
use sse_core::{DataEncoder, Event, EventId, EventType, Frame, encode_into, encoded_len};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn events() -> Vec<Event> {
    vec![
        Event::new("small"),
        Event::new("line one\r\nline two\rline three\n")
            .with_id(EventId::new("42").unwrap())
            .with_type(EventType::new("update").unwrap())
            .with_retry(Duration::from_millis(1500))
            .with_comment("a comment\nover two lines"),
        Event::new(vec![b'x'; 1 << 20]),
        Event::default().with_id(EventId::empty()),
    ]
}

#[test]
fn encode_into_a_buffer_with_room_allocates_nothing() {
    for event in events() {
        let mut out = BytesMut::with_capacity(encoded_len(&event));
        let (count, ()) = allocations(|| encode_into(&event, &mut out));
        assert_eq!(count, 0, "{event:?}");
        assert_eq!(out.len(), encoded_len(&event));
    }
}

#[test]
fn encode_into_a_reused_buffer_allocates_nothing_per_event() {
    let events = events();
    let mut out = BytesMut::with_capacity(4 << 20);
    let (count, ()) = allocations(|| {
        for _ in 0..100 {
            for event in &events {
                out.clear();
                encode_into(event, &mut out);
            }
        }
    });
    assert_eq!(count, 0);
}

#[test]
fn frame_encode_allocates_exactly_once() {
    for event in events() {
        let (count, frame) = allocations(|| Frame::encode(&event));
        assert_eq!(count, 1, "{event:?}");
        assert_eq!(frame.len(), encoded_len(&event));
    }
}

#[test]
fn data_encoder_into_a_buffer_with_room_allocates_nothing() {
    let head = Event::default().with_type(EventType::new("doc").unwrap());
    let chunks: Vec<&[u8]> = vec![b"{\"a\":\r", b"\n1,\"b\"", b":[1,2]}\n", b"tail"];
    let mut out = BytesMut::with_capacity(1024);
    let (count, ()) = allocations(|| {
        let mut encoder = DataEncoder::begin(&head, &mut out);
        for chunk in &chunks {
            encoder.push(chunk, &mut out);
        }
        encoder.finish(&mut out);
    });
    assert_eq!(count, 0);
    assert_eq!(
        &out[..],
        &Frame::encode(&head.with_data("{\"a\":\r\n1,\"b\":[1,2]}\ntail")).as_bytes()[..]
    );
}
