//! Bounded waits on tokio: every await of a test goes through one of these, so a hang
//! fails the test with a message instead of stalling the suite. The bound is a hang
//! guard, never an assertion about speed.

use std::future::Future;
use std::time::Duration;

use futures_util::{Stream, StreamExt};

/// The bound on every wait: generous, so that only a hang trips it.
pub const LIMIT: Duration = Duration::from_secs(30);

/// Awaits `future`, failing the test with `what` if it takes longer than [`LIMIT`].
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("timed out waiting for {what}"),
    }
}

/// The next item of `stream`, which must come within [`LIMIT`].
pub async fn next<S: Stream + Unpin>(what: &str, stream: &mut S) -> S::Item {
    within(what, stream.next())
        .await
        .unwrap_or_else(|| panic!("stream ended while waiting for {what}"))
}

/// Polls `check` every few milliseconds until it holds (bounded by [`LIMIT`]).
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    within(what, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
}
