//! The peers' and the baseline's publish side: a `tokio::sync::broadcast` channel.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use tokio::sync::broadcast;

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
