//! The reconnecting client on async-std: `cargo run -p sse-async-std --example client
//! -- [URL] [COUNT]` (default `http://127.0.0.1:8080/?topics=ticks`, 10 events),
//! against the `smol_server` example or any SSE endpoint.
//!
//! Stop the server while it runs and start it again: the client reconnects with
//! backoff and resumes after the last event it saw (`Last-Event-ID`).

use std::time::Duration;

use futures_lite::StreamExt;
use sse_async_std::client::{EventSource, SourceEvent};
use sse_core::ClientConfig;
use trillium_client::Client;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080/?topics=ticks".to_owned());
    let count: usize = args.next().map_or(Ok(10), |n| n.parse())?;

    async_std::task::block_on(async {
        let config = ClientConfig::default()
            .idle_timeout(Some(Duration::from_secs(30)))
            .reconnect_on_server_error(true);
        let client = Client::new(trillium_async_std::ClientConfig::default());
        let mut source = EventSource::builder(client, &url).config(config).build()?;
        let mut received = 0;
        while let Some(item) = source.next().await {
            match item? {
                SourceEvent::Open => println!("open: {url}"),
                SourceEvent::Message(event) => {
                    println!(
                        "[{}] {} (id {:?})",
                        event.event_type(),
                        event.data(),
                        event.last_event_id().as_str()
                    );
                    received += 1;
                    if received == count {
                        source.close();
                    }
                }
                SourceEvent::Reconnecting { delay, cause, .. } => {
                    println!("{cause}; reconnecting in {delay:?}")
                }
                _ => {}
            }
        }
        Ok(())
    })
}
