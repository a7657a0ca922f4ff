//! What the decoder allocates, and how much memory it holds.
//!
//! - Fed with `feed_bytes`, an event whole in one read costs no allocation: its data
//!   is a slice of the read. The read itself costs at most one (the shared header
//!   `bytes` makes the first time a `Vec`-backed `Bytes` is sliced).
//! - Fed with `feed`, a read costs the copy of its whole lines (two allocations) and
//!   nothing per event.
//! - A new `id` longer than 23 bytes costs one; comments, blank lines, short ids and
//!   repeated event types cost nothing.
//! - Memory held is bounded by the limits in input bytes, even for invalid UTF-8.

mod alloc_counter;

use alloc_counter::{CountingAllocator, allocations, peak_bytes};
use bytes::Bytes;
use sse_core::{DecodeError, Decoded, Decoder, Limits};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Takes and drops every item; returns the number of events.
fn drain(decoder: &mut Decoder) -> usize {
    let mut events = 0;
    while let Some(item) = decoder.next_item() {
        events += usize::from(matches!(item, Ok(Decoded::Event(_))));
    }
    events
}

/// Feeds `stream` whole as one owned read, then drains; returns the allocations.
fn allocations_for(decoder: &mut Decoder, stream: &Bytes) -> (usize, usize) {
    let read = stream.clone();
    allocations(|| {
        decoder.feed_bytes(read);
        drain(decoder)
    })
}

fn repeat(frame: &str, times: usize) -> Bytes {
    Bytes::from(frame.repeat(times))
}

#[test]
fn a_small_event_whole_in_a_read_costs_no_allocation() {
    let mut decoder = Decoder::new();
    let stream = repeat("event: tick\ndata: some payload of a typical size\n\n", 200);
    // The first round grows the item queue and caches the event type.
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!(events, 200);
    assert_eq!(count, 0);
    // The same through `feed`: one copy of the read, nothing per event.
    let (count, events) = allocations(|| {
        decoder.feed(&stream);
        drain(&mut decoder)
    });
    assert_eq!(events, 200);
    assert!(count <= 2, "{count} allocations");
}

#[test]
fn a_fresh_read_costs_at_most_one_allocation_whatever_its_events() {
    let mut decoder = Decoder::new();
    let frame = "id: 7\ndata: {\"seq\":1,\"price\":101.25}\n\n";
    // Grows the item queue to its size for 1000 events.
    allocations_for(&mut decoder, &repeat(frame, 1000));
    for events in [1, 100, 1000] {
        // A `Vec`-backed read, as a socket read into a fresh buffer gives.
        let read = Bytes::from(frame.repeat(events).into_bytes());
        let (count, taken) = allocations(|| {
            decoder.feed_bytes(read);
            drain(&mut decoder)
        });
        assert_eq!(taken, events);
        assert!(count <= 1, "{count} allocations for {events} events");
    }
}

/// 200 events, each with a new id of `width` digits.
fn events_with_new_ids(width: usize) -> Bytes {
    (0..200)
        .flat_map(|n| format!("id: {n:0width$}\ndata: payload\n\n").into_bytes())
        .collect::<Vec<u8>>()
        .into()
}

#[test]
fn a_new_short_id_costs_nothing() {
    let mut decoder = Decoder::new();
    // 23 bytes, the longest id stored inline.
    let stream = events_with_new_ids(23);
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!((count, events), (0, 200));
}

#[test]
fn a_new_long_id_costs_one() {
    let mut decoder = Decoder::new();
    let stream = events_with_new_ids(24);
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!((count, events), (200, 200));
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
    // 128 pieces; the line's buffer doubles about 17 times, the queue once.
    assert!(count <= 24, "{count} allocations");
}

#[test]
fn a_large_line_in_owned_reads_costs_a_few_allocations() {
    let mut decoder = Decoder::new();
    let mut stream = b"data: ".to_vec();
    stream.extend(std::iter::repeat_n(b'z', 64 << 10));
    stream.extend_from_slice(b"\n\n");
    let reads: Vec<Bytes> = stream
        .chunks(16 << 10)
        .map(Bytes::copy_from_slice)
        .collect();
    let (count, event) = allocations(|| {
        for read in reads {
            decoder.feed_bytes(read);
        }
        decoder.next_item()
    });
    let Some(Ok(Decoded::Event(event))) = event else {
        panic!("no event: {event:?}")
    };
    assert_eq!(event.data().len(), 64 << 10);
    // The data's buffer (it doubles as the reads arrive), the queue.
    assert!(count <= 10, "{count} allocations");
}

#[test]
fn events_of_many_lines_are_joined_in_one_allocation() {
    let mut decoder = Decoder::new();
    let mut frame = String::new();
    for row in 0..20 {
        frame.push_str(&format!("data: row {row:02} of a table with some width\n"));
    }
    frame.push('\n');
    let stream = repeat(&frame, 50);
    allocations_for(&mut decoder, &stream);
    let (count, events) = allocations_for(&mut decoder, &stream);
    assert_eq!((count, events), (50, 50));
}

/// Feeds `reads` copies of `read` and drains after each; returns the peak bytes
/// allocated and the errors.
fn peak_while_feeding(
    decoder: &mut Decoder,
    first: &[u8],
    read: &[u8],
    reads: usize,
) -> (usize, Vec<DecodeError>) {
    peak_bytes(|| {
        let mut errors = Vec::new();
        decoder.feed(first);
        for _ in 0..reads {
            decoder.feed(read);
            while let Some(item) = decoder.next_item() {
                if let Err(error) = item {
                    errors.push(error);
                }
            }
        }
        errors
    })
}

#[test]
fn invalid_utf8_is_held_as_input_bytes_within_the_line_limit() {
    let limit = 4 << 20;
    let junk = vec![0xFF; 64 << 10];
    for first in [&b"data: "[..], b"event: ", b"id: ", b""] {
        let mut decoder = Decoder::with_limits(Limits::default().max_line(limit).max_event(limit));
        // 16 MiB of 0xFF on one line: four times the limit.
        let (peak, errors) = peak_while_feeding(&mut decoder, first, &junk, 256);
        assert!(
            peak <= limit * 3 / 2,
            "{first:?}: peak {peak} bytes for a limit of {limit}"
        );
        assert_eq!(errors, [DecodeError::LineTooLong { limit }], "{first:?}");
    }
}

#[test]
fn invalid_utf8_data_lines_count_as_input_bytes_against_the_event_limit() {
    let limit = 1 << 20;
    let mut line = b"data: ".to_vec();
    line.extend(std::iter::repeat_n(0xFF, 16 << 10));
    line.push(b'\n');
    let mut decoder = Decoder::with_limits(Limits::default().max_event(limit));
    // 60 lines of 16 KiB: under the limit in input bytes, three times over once decoded.
    let (_, errors) = peak_while_feeding(&mut decoder, b"", &line, 60);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        decoder.buffered_len() <= limit,
        "{} bytes held",
        decoder.buffered_len()
    );
    // Over the limit in input bytes: reported, and memory stayed bounded.
    let (peak, errors) = peak_while_feeding(&mut decoder, b"", &line, 60);
    assert_eq!(errors, [DecodeError::EventTooLarge { limit }]);
    assert!(
        peak <= limit * 3 / 2,
        "peak {peak} bytes for a limit of {limit}"
    );
    decoder.feed(b"\n");
    assert_eq!(decoder.next_item(), None);
}
