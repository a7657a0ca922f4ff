//! The sse-tokio `EventSource` client, set up for tests, and bounded waits.

use std::future::Future;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use sse_core::MessageEvent;
use sse_tokio::client::{ClientConfig, EventSource, SourceEvent};

/// The bound on every wait: generous, so that only a hang trips it.
pub const LIMIT: Duration = Duration::from_secs(20);

/// Awaits `future`, failing the test with `what` if it takes longer than [`LIMIT`].
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

/// The next item of `stream`, which must come.
pub async fn next<S: Stream + Unpin>(what: &str, stream: &mut S) -> S::Item {
    within(what, stream.next())
        .await
        .unwrap_or_else(|| panic!("stream ended while waiting for {what}"))
}

/// Polls `check` until it holds (bounded by [`LIMIT`]).
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    within(what, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
}

/// A client that reconnects quickly.
pub fn connect(url: String) -> EventSource {
    let config = ClientConfig::default()
        .initial_retry(Duration::from_millis(20))
        .min_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(100));
    EventSource::builder(url).config(config).build().unwrap()
}

/// Waits for the stream to open; anything else fails the test.
pub async fn open(source: &mut EventSource) {
    match next("open", source).await {
        Ok(SourceEvent::Open) => {}
        other => panic!("expected open, got {other:?}"),
    }
}

/// The next message; anything else fails the test.
pub async fn message(source: &mut EventSource) -> MessageEvent {
    match next("a message", source).await {
        Ok(SourceEvent::Message(event)) => event,
        other => panic!("expected a message, got {other:?}"),
    }
}
