//! A hub-backed event stream with actix-web.
//!
//! - `GET /events` streams every topic; `GET /events?topics=news,sports` only those
//!   (and their sub-topics, `news/world` included). A client that reconnects with
//!   `Last-Event-ID` (browsers do) first gets what it missed from the hub's replay
//!   window; a page that stored an id can resume with `?lastEventId=...`.
//! - `POST /publish/{topic}` publishes the request body as an event on that topic
//!   (`?event=type` sets its type) and answers with the id the hub gave it.
//! - `GET /stats` shows the hub's main counters as JSON.
//! - A plain thread publishes the time on `clock` every second: publishing works from
//!   any thread, while actix's single-threaded workers stream.
//!
//! The port is the first argument, or `PORT`, or 3000. Responses go through actix's
//! `Compress` middleware, which leaves event streams alone.
//!
//! ```text
//! cargo run -p sse-actix --example actix_hub -- 3000
//! curl -N localhost:3000/events
//! curl -d 'hello' localhost:3000/publish/news
//! ```
// The tests include this file to check the app; `main` is only for running it.
#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::middleware::Compress;
use actix_web::{App, HttpResponse, HttpServer, web};
use bytes::Bytes;
use sse_core::hub::{Hub, Topic};
use sse_core::{Event, EventType};

/// Every route, sharing `hub`.
pub fn routes(hub: Hub) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::new(hub.clone()))
            .route("/events", sse_actix::hub_endpoint(hub.clone()))
            .route("/publish/{topic:.*}", web::post().to(publish))
            .route("/stats", web::get().to(stats));
    }
}

async fn publish(
    hub: web::Data<Hub>,
    topic: web::Path<String>,
    query: web::Query<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> HttpResponse {
    let topic = match Topic::new(topic.as_str()) {
        Ok(topic) => topic,
        Err(error) => return HttpResponse::BadRequest().body(error.to_string()),
    };
    let mut event = Event::new(body);
    if let Some(name) = query.get("event") {
        match EventType::new(name) {
            Ok(ty) => event = event.with_type(ty),
            Err(error) => return HttpResponse::BadRequest().body(error.to_string()),
        }
    }
    match hub.publish(&topic, event) {
        Ok(id) => HttpResponse::Ok().body(id.to_string()),
        Err(error) => HttpResponse::ServiceUnavailable().body(error.to_string()),
    }
}

async fn stats(hub: web::Data<Hub>) -> HttpResponse {
    let stats = hub.stats();
    HttpResponse::Ok().json(serde_json::json!({
        "subscribers": stats.subscribers,
        "events_published": stats.events_published,
        "bytes_encoded": stats.bytes_encoded,
        "window_len": stats.window_len,
    }))
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

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let hub = Hub::new();
    let publisher = hub.clone();
    std::thread::spawn(move || clock(publisher));
    let routes = routes(hub);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(Compress::default())
            .configure(routes.clone())
    })
    // Event-stream clients never half-close: free a subscription as soon as its
    // client goes away.
    .h1_allow_half_closed(false)
    .bind(("127.0.0.1", port()))?;
    for addr in server.addrs() {
        println!("listening on http://{addr}/events");
    }
    server.run().await
}
