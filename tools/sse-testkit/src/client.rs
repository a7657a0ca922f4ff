//! sse-tokio's `EventSource` client set up for tests (feature `client`): quick
//! reconnection, and expectations on its next item.

use std::time::Duration;

use sse_core::MessageEvent;
use sse_tokio::client::{ClientConfig, EventSource, SourceEvent};

use crate::wait::next;

/// A client of `url` that reconnects quickly (20 ms initial retry, delays between
/// 10 ms and 100 ms), so tests wait on behaviour rather than on the clock.
pub fn connect(url: String) -> EventSource {
    let config = ClientConfig::default()
        .initial_retry(Duration::from_millis(20))
        .min_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(100));
    match EventSource::builder(url).config(config).build() {
        Ok(source) => source,
        Err(error) => panic!("test client not built: {error}"),
    }
}

/// Waits for the stream to open; any other item fails the test.
pub async fn open(source: &mut EventSource) {
    match next("open", source).await {
        Ok(SourceEvent::Open) => {}
        other => panic!("expected open, got {other:?}"),
    }
}

/// The next item, which must be a message; any other item fails the test.
pub async fn message(source: &mut EventSource) -> MessageEvent {
    match next("a message", source).await {
        Ok(SourceEvent::Message(event)) => event,
        other => panic!("expected a message, got {other:?}"),
    }
}
