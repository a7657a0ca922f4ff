//! What the decoder allocates: one `String` per event (plus one per new `id` longer
//! than 23 bytes), and nothing for comments, blank lines, short ids, or repeated
//! event types.

mod alloc_counter;

use alloc_counter::{CountingAllocator, allocations};
use sse_core::{Decoded, Decoder};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Feeds `stream` whole, then takes and drops every item; returns the allocations.
fn allocations_for(decoder: &mut Decoder, stream: &[u8]) -> (usize, usize) {
    allocations(|| {
        decoder.feed(stream);
        let mut events = 0;
        while let Some(item) = decoder.next_item() {
            events += usize::from(matches!(item, Ok(Decoded::Event(_))));
        }
        events
    })
}

fn repeat(frame: &str, times: usize) -> Vec<u8> {
    frame.repeat(times).into_bytes()
}

#[test]
fn a_single_line_event_costs_one_allocation() {
    let mut decoder = Decoder::new();
    let stream = repeat("event: tick\ndata: some payload of a typical size\n\n", 200);
    // The first round grows the item queue and caches the event type.
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!(events, 200);
    assert_eq!(count, 200);
}

/// 200 events, each with a new id of `width` digits.
fn events_with_new_ids(width: usize) -> Vec<u8> {
    (0..200)
        .flat_map(|n| format!("id: {n:0width$}\ndata: payload\n\n").into_bytes())
        .collect()
}

#[test]
fn a_new_short_id_costs_nothing() {
    let mut decoder = Decoder::new();
    // 23 bytes, the longest id stored inline.
    let stream = events_with_new_ids(23);
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!(events, 200);
    assert_eq!(count, 200);
}

#[test]
fn a_new_long_id_costs_one_more() {
    let mut decoder = Decoder::new();
    let stream = events_with_new_ids(24);
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!(events, 200);
    assert_eq!(count, 400);
}

#[test]
fn comments_and_blank_lines_cost_nothing() {
    let mut decoder = Decoder::new();
    let stream = repeat(": keep-alive\n\n\r\n:\r", 500);
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!((count, events), (0, 0));
}

#[test]
fn a_large_line_in_small_pieces_grows_its_buffer_logarithmically() {
    let mut decoder = Decoder::new();
    let mut stream = b"data: ".to_vec();
    stream.extend(std::iter::repeat_n(b'z', 1 << 20));
    stream.extend_from_slice(b"\n\n");
    let (count, events) = allocations(|| {
        for piece in stream.chunks(8 << 10) {
            decoder.feed(piece);
        }
        std::iter::from_fn(|| decoder.next_item()).count()
    });
    assert_eq!(events, 1);
    // 128 pieces; the data buffer doubles about 17 times, the queue once.
    assert!(count <= 24, "{count} allocations");
}

#[test]
fn events_of_many_lines_reuse_the_size_of_the_previous_one() {
    let mut decoder = Decoder::new();
    let mut frame = String::new();
    for row in 0..64 {
        frame.push_str(&format!("data: row {row:02} of a table with some width\n"));
    }
    frame.push('\n');
    let stream = repeat(&frame, 50);
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!(events, 50);
    assert_eq!(count, 50);
}
