//! A hub-backed event stream with axum.
//!
//! - `GET /events` streams every topic; `GET /events?topics=news,sports` only those
//!   (and their sub-topics, `news/world` included). A client that reconnects with
//!   `Last-Event-ID` (browsers do) first gets what it missed from the hub's replay
//!   window; a page that stored an id can resume with `?lastEventId=...`.
//! - `POST /publish/{topic}` publishes the request body as an event on that topic and
//!   answers with the id the hub gave it.
//! - `GET /stats` shows the hub's counters.
//! - A clock publishes a JSON event on `clock` every second.
//!
//! ```text
//! cargo run -p sse-tokio --example axum_hub --features axum,serde
//! curl -N localhost:3000/events
//! curl -d 'hello' localhost:3000/publish/news
//! ```
// The tests include this file to check the app; `main` is only for running it.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sse_tokio::sse_core::hub::{Hub, Topic};
use sse_tokio::{Event, KeepAlive, StreamOptions};

/// The application: every route, sharing `hub`.
pub fn app(hub: Hub) -> Router {
    Router::new()
        // Topics, resume after Last-Event-ID, keep-alive, 400/503: one expression.
        .route("/events", sse_tokio::axum::hub_endpoint(hub.clone()))
        .route("/publish/{*topic}", post(publish))
        .route("/stats", get(stats))
        .with_state(hub)
}

async fn publish(State(hub): State<Hub>, Path(topic): Path<String>, body: String) -> Response {
    let topic = match Topic::new(&topic) {
        Ok(topic) => topic,
        Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    };
    match hub.publish(&topic, Event::from(body)) {
        Ok(id) => id.to_string().into_response(),
        Err(error) => (StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response(),
    }
}

async fn stats(State(hub): State<Hub>) -> String {
    format!("{:#?}\n", hub.stats())
}

/// A hub whose streams send a keep-alive comment after 15 s of silence and tell
/// clients to wait 2 s before reconnecting.
pub fn hub() -> Hub {
    let options = StreamOptions::default()
        .keep_alive(Some(KeepAlive::new(Duration::from_secs(15))))
        .retry(Duration::from_secs(2));
    Hub::builder().stream_options(options).build()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let hub = hub();
    let clock = Topic::new("clock")?;
    let ticker = hub.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        loop {
            interval.tick().await;
            let unix = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let Ok(event) = Event::json(&serde_json::json!({ "unix": unix })) else {
                continue;
            };
            if ticker.publish(&clock, event).is_err() {
                return;
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}/events", listener.local_addr()?);
    axum::serve(listener, app(hub)).await?;
    Ok(())
}
