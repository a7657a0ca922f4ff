//! The events of an HTTP response read with reqwest: `bytes_stream().events()`.
//!
//! `cargo run -p sse-tokio --example reqwest_events -- http://127.0.0.1:8080/events`
//! (for example against `sse serve`). Coming from eventsource-stream, the only change
//! is `.eventsource()` → `.events()`.

use futures_util::StreamExt;
use sse_tokio::EventsExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080/events".to_owned());
    let response = reqwest::get(url).await?.error_for_status()?;
    let mut events = response.bytes_stream().events();
    while let Some(event) = events.next().await {
        let event = event?;
        println!("{}: {}", event.event_type(), event.data());
    }
    Ok(())
}
