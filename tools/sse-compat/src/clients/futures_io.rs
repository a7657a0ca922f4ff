//! sse-async-std's `EventSource` (trillium-client), on async-std and on smol.

use std::future::Future;

use futures_lite::StreamExt;
use sse_async_std::client::{EventSource, SourceEvent};
use trillium_server_common::Connector;

use super::DEADLINE;
use crate::record;

/// Runs the scenario with sse-async-std's client on async-std.
pub fn run_async_std(url: &str) -> Result<Vec<String>, String> {
    let connector = trillium_async_std::ClientConfig::default();
    async_std::task::block_on(bounded(follow(connector, url)))
}

/// Runs the scenario with sse-async-std's client on smol.
pub fn run_smol(url: &str) -> Result<Vec<String>, String> {
    let connector = trillium_smol::ClientConfig::default();
    smol::block_on(bounded(follow(connector, url)))
}

/// `run` or a timeout error after [`DEADLINE`], on any runtime (`async-io`'s timer).
async fn bounded(
    run: impl Future<Output = Result<Vec<String>, String>>,
) -> Result<Vec<String>, String> {
    futures_lite::future::or(run, async {
        async_io::Timer::after(DEADLINE).await;
        Err(format!("no `done` within {DEADLINE:?}"))
    })
    .await
}

async fn follow(connector: impl Connector, url: &str) -> Result<Vec<String>, String> {
    let mut source = EventSource::new(connector, url).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    while let Some(item) = source.next().await {
        if let SourceEvent::Message(event) = item.map_err(|e| format!("stopped: {e}"))?
            && record::push(
                &mut lines,
                event.event_type(),
                event.data(),
                event.last_event_id().as_str(),
            )
        {
            source.close();
            return Ok(lines);
        }
    }
    Err(format!("the stream ended before `done`; got {lines:?}"))
}
