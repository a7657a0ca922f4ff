//! sse-tokio's `EventSource` (hyper client), on a tokio runtime.

use futures_util::StreamExt;
use sse_tokio::client::{EventSource, SourceEvent};

use super::DEADLINE;
use crate::record;

/// Runs the scenario with sse-tokio's `EventSource`.
pub fn run(url: &str) -> Result<Vec<String>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    runtime.block_on(async {
        tokio::time::timeout(DEADLINE, follow(url))
            .await
            .map_err(|_| format!("no `done` within {DEADLINE:?}"))?
    })
}

async fn follow(url: &str) -> Result<Vec<String>, String> {
    let mut source = EventSource::new(url).map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    while let Some(item) = source.next().await {
        match item.map_err(|e| format!("stopped: {e}"))? {
            SourceEvent::Message(event) => {
                let done = record::push(
                    &mut lines,
                    event.event_type(),
                    event.data(),
                    event.last_event_id().as_str(),
                );
                if done {
                    source.close();
                    return Ok(lines);
                }
            }
            SourceEvent::Open | SourceEvent::Reconnecting { .. } => {}
            _ => {}
        }
    }
    Err(format!("the stream ended before `done`; got {lines:?}"))
}
