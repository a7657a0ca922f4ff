//! A poem server with a hub endpoint at `/events`, publishing a count on topic
//! `clock` every second. Try `curl -N 'http://127.0.0.1:3000/events?topics=clock'`.

use std::time::Duration;

use poem::listener::TcpListener;
use poem::{Route, Server, get};
use sse_core::Event;
use sse_core::hub::{Hub, Topic};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let hub = Hub::new();
    let app = Route::new().at("/events", get(sse_poem::hub_endpoint(hub.clone())));
    let clock = Topic::new("clock")?;
    tokio::spawn(async move {
        for n in 0u64.. {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if hub.publish(&clock, Event::new(n.to_string())).is_err() {
                break;
            }
        }
    });
    Server::new(TcpListener::bind("127.0.0.1:3000"))
        .run(app)
        .await?;
    Ok(())
}
