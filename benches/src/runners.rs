//! One function per decoder: decode a chunked stream, return the number of events.
//!
//! Items are passed through `black_box` so no decoder's work is optimized away.

use std::convert::Infallible;
use std::hint::black_box;
use std::pin::pin;

use bytes::{Bytes, BytesMut};
use futures_executor::block_on;
use futures_util::{Stream, StreamExt, stream};
use sse_core::{Decoded, Decoder};

/// The floor: find every line ending (CR or LF) with `memchr2`, nothing else.
pub fn memchr_scan(chunks: &[Bytes]) -> usize {
    chunks
        .iter()
        .map(|chunk| memchr::memchr2_iter(b'\r', b'\n', chunk).count())
        .sum()
}

/// Takes the decoder's items, reading each event's data; returns the events.
fn take_events(decoder: &mut Decoder) -> usize {
    let mut events = 0;
    while let Some(item) = decoder.next_item() {
        if let Ok(Decoded::Event(event)) = item {
            black_box(event.data());
            events += 1;
        }
    }
    events
}

/// Our [`Decoder`], given each chunk as it owns it (`feed_bytes`, the zero-copy
/// path), items taken after each feed.
pub fn ours(chunks: &[Bytes]) -> usize {
    let mut decoder = Decoder::new();
    let mut events = 0;
    for chunk in chunks {
        decoder.feed_bytes(chunk.clone());
        events += take_events(&mut decoder);
    }
    decoder.finish();
    events
}

/// Our [`Decoder`] given borrowed chunks (`feed`, which copies whole lines once).
pub fn ours_borrowed(chunks: &[Bytes]) -> usize {
    let mut decoder = Decoder::new();
    let mut events = 0;
    for chunk in chunks {
        decoder.feed(chunk);
        events += take_events(&mut decoder);
    }
    decoder.finish();
    events
}

/// Polls an async event stream to its end, counting the items `is_event` accepts.
fn drain_stream<T>(stream: impl Stream<Item = T>, is_event: impl Fn(&T) -> bool) -> usize {
    block_on(async {
        let mut stream = pin!(stream);
        let mut events = 0;
        while let Some(item) = stream.next().await {
            events += usize::from(is_event(black_box(&item)));
        }
        events
    })
}

fn chunk_stream(chunks: &[Bytes]) -> impl Stream<Item = Result<Bytes, std::io::Error>> + '_ {
    stream::iter(chunks.iter().cloned().map(Ok))
}

/// `eventsource-stream`: an async stream adapter, polled to the end.
pub fn eventsource_stream(chunks: &[Bytes]) -> usize {
    use eventsource_stream::Eventsource;
    let events = stream::iter(chunks.iter().cloned().map(Ok::<_, Infallible>)).eventsource();
    drain_stream(events, |event| {
        event
            .as_ref()
            .is_ok_and(|event| black_box(event.data.as_str()).len() < usize::MAX)
    })
}

/// `sse-stream`: `SseByteStream` over a byte stream; it yields every block, so only
/// blocks with data count as events.
pub fn sse_stream(chunks: &[Bytes]) -> usize {
    let blocks = sse_stream::SseByteStream::new(chunk_stream(chunks));
    drain_stream(
        blocks,
        |block| matches!(block, Ok(sse) if black_box(sse.data.as_deref()).is_some()),
    )
}

/// `sseer`: `EventStream` over a byte stream.
pub fn sseer(chunks: &[Bytes]) -> usize {
    let events = sseer::EventStream::new(chunk_stream(chunks));
    drain_stream(events, |event| {
        event
            .as_ref()
            .is_ok_and(|event| black_box(&*event.data).len() < usize::MAX)
    })
}

/// russe's decoder is a synchronous `tokio_util` codec over a `BytesMut`.
pub fn russe(chunks: &[Bytes]) -> usize {
    use tokio_util::codec::Decoder as _;
    let mut decoder = russe::Decoder::default();
    let mut buffer = BytesMut::new();
    let mut events = 0;
    let mut count = |item: Option<russe::Event>| match item {
        Some(russe::Event::Message(message)) => {
            black_box(message);
            events += 1;
            true
        }
        Some(other) => {
            black_box(other);
            true
        }
        None => false,
    };
    for chunk in chunks {
        buffer.extend_from_slice(chunk);
        while count(decoder.decode(&mut buffer).ok().flatten()) {}
    }
    while count(decoder.decode_eof(&mut buffer).ok().flatten()) {}
    events
}

/// A decoder under test: decodes the chunks, returns the number of events.
pub type Runner = fn(&[Bytes]) -> usize;

/// Every decoder, ours first, with the name it is reported under.
pub const DECODERS: [(&str, Runner); 6] = [
    ("sse-core", ours),
    ("sse-core-feed", ours_borrowed),
    ("eventsource-stream", eventsource_stream),
    ("sse-stream", sse_stream),
    ("sseer", sseer),
    ("russe", russe),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads;

    #[test]
    fn every_decoder_finds_every_event_of_every_workload() {
        for workload in workloads() {
            let chunks = workload.chunks();
            for (name, run) in DECODERS {
                assert_eq!(run(&chunks), workload.events, "{name} on {}", workload.name);
            }
        }
    }

    #[test]
    fn the_memchr_floor_counts_lines() {
        let chunks = [
            Bytes::from_static(b"data: a\n\n"),
            Bytes::from_static(b"\n"),
        ];
        assert_eq!(memchr_scan(&chunks), 3);
        assert_eq!(memchr_scan(&[Bytes::from_static(b"a\r\n")]), 2);
    }
}
