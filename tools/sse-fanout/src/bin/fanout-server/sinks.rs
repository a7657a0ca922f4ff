//! Publish sides: the hub for ours, a `tokio::sync::broadcast` channel for the peers
//! and the baseline.

use std::io;
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use sse_core::Event;
use sse_core::hub::{Hub, Topic};
use tokio::sync::broadcast;

use crate::control::Bench;
use crate::publisher::Sink;

/// The peers get each event's data as text (what their event builders take).
pub type Text = Arc<str>;

/// A broadcast channel that holds `capacity` events (at least 1), so that no receiver
/// lags while the benchmark's events are drained.
pub fn channel<T: Clone>(capacity: u64) -> broadcast::Sender<T> {
    let capacity = usize::try_from(capacity).unwrap_or(usize::MAX >> 2);
    broadcast::channel(capacity.clamp(1, usize::MAX >> 2)).0
}

/// Publishes the data as text to the peers' receivers, which encode it per subscriber.
pub struct TextSink(pub broadcast::Sender<Text>);

impl Sink for TextSink {
    fn publish(&self, data: Bytes) {
        if let Ok(text) = std::str::from_utf8(&data) {
            // No receiver yet is not an error for a benchmark.
            let _ = self.0.send(Arc::from(text));
        }
    }
}

/// Publishes pre-encoded frames (`data: ...\n\n`), encoded once for every socket.
pub struct FrameSink(pub broadcast::Sender<Bytes>);

impl Sink for FrameSink {
    fn publish(&self, data: Bytes) {
        let mut frame = BytesMut::with_capacity(data.len() + 8);
        frame.put_slice(b"data: ");
        frame.put_slice(&data);
        frame.put_slice(b"\n\n");
        let _ = self.0.send(frame.freeze());
    }
}

/// Ours: the hub, which encodes each event once for every subscriber.
pub struct HubSink {
    hub: Hub,
    topic: Topic,
}

impl HubSink {
    /// Publishes on topic `bench` of `hub`.
    pub fn new(hub: Hub) -> io::Result<HubSink> {
        let topic = Topic::new("bench").map_err(io::Error::other)?;
        Ok(HubSink { hub, topic })
    }
}

impl Sink for HubSink {
    fn publish(&self, data: Bytes) {
        if let Err(error) = self.hub.publish(&self.topic, Event::new(data)) {
            eprintln!("fanout-server: publish: {error}");
        }
    }
}

/// A hub whose window holds every event of the run (count and bytes), so no
/// subscriber lags, with default stream options (15 s keep-alive).
pub fn bench_hub(bench: &Bench) -> Hub {
    let events = usize::try_from(bench.events()).unwrap_or(usize::MAX);
    Hub::builder()
        .window_count(events)
        .window_bytes(usize::MAX)
        .build()
}
