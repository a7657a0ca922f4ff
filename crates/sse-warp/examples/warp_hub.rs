//! A hub-backed event stream with warp.
//!
//! - `GET /events` streams every topic; `GET /events?topics=news,sports` only those
//!   (and their sub-topics, `news/world` included). A client that reconnects with
//!   `Last-Event-ID` (browsers do) first gets what it missed from the hub's replay
//!   window; a page that stored an id can resume with `?lastEventId=...`.
//! - `POST /publish/{topic}` publishes the request body as an event on that topic
//!   (`?event=type` sets its type) and answers with the id the hub gave it.
//! - `GET /stats` shows the hub's main counters as JSON.
//! - A plain thread publishes the time on `clock` every second.
//!
//! The port is the first argument, or `PORT`, or 3000.
//!
//! ```text
//! cargo run -p sse-warp --example warp_hub -- 3000
//! curl -N localhost:3000/events
//! curl -d 'hello' localhost:3000/publish/news
//! ```
// The tests include this file to check the app; `main` is only for running it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use sse_core::hub::{Hub, Topic};
use sse_core::{Event, EventType};
use warp::http::StatusCode;
use warp::path::Tail;
use warp::{Filter, Rejection, Reply};

/// Every route, sharing `hub`.
pub fn routes(hub: Hub) -> impl Filter<Extract = (impl Reply,), Error = Rejection> + Clone {
    let events = warp::path!("events").and(sse_warp::hub_endpoint(hub.clone()));
    let with_hub = {
        let hub = hub.clone();
        warp::any().map(move || hub.clone())
    };
    let publish = warp::path("publish")
        .and(warp::post())
        .and(warp::path::tail())
        .and(warp::query::<HashMap<String, String>>())
        .and(warp::body::bytes())
        .and(with_hub.clone())
        .map(publish);
    let stats = warp::path("stats")
        .and(warp::get())
        .and(with_hub)
        .map(stats);
    events.or(publish).unify().or(stats).unify()
}

fn publish(
    topic: Tail,
    query: HashMap<String, String>,
    body: Bytes,
    hub: Hub,
) -> warp::reply::Response {
    let bad =
        |text: String| warp::reply::with_status(text, StatusCode::BAD_REQUEST).into_response();
    let topic = match Topic::new(topic.as_str()) {
        Ok(topic) => topic,
        Err(error) => return bad(error.to_string()),
    };
    let mut event = Event::new(body);
    if let Some(name) = query.get("event") {
        match EventType::new(name) {
            Ok(ty) => event = event.with_type(ty),
            Err(error) => return bad(error.to_string()),
        }
    }
    match hub.publish(&topic, event) {
        Ok(id) => id.to_string().into_response(),
        Err(error) => warp::reply::with_status(error.to_string(), StatusCode::SERVICE_UNAVAILABLE)
            .into_response(),
    }
}

fn stats(hub: Hub) -> warp::reply::Response {
    let stats = hub.stats();
    warp::reply::json(&serde_json::json!({
        "subscribers": stats.subscribers,
        "events_published": stats.events_published,
        "bytes_encoded": stats.bytes_encoded,
        "window_len": stats.window_len,
    }))
    .into_response()
}

/// Publishes the Unix time on `clock` every second until the hub closes.
fn clock(hub: Hub) {
    let Ok(topic) = Topic::new("clock") else {
        return;
    };
    loop {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        if hub.publish(&topic, Event::new(now.to_string())).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The port: first argument, else `PORT`, else 3000.
fn port() -> u16 {
    std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PORT").ok())
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let hub = Hub::new();
    let publisher = hub.clone();
    std::thread::spawn(move || clock(publisher));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port())).await?;
    println!("listening on http://{}/events", listener.local_addr()?);
    warp::serve(routes(hub)).incoming(listener).run().await;
    Ok(())
}
