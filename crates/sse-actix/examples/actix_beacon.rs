//! An event stream in the style of the Ethereum beacon node API, with actix-web:
//! `GET /eth/v1/events?topics=head,block`.
//!
//! - Only the topics asked for are streamed; each event's type is its topic's name and
//!   its data is JSON (numbers as decimal strings, roots as hex, as the API does).
//! - A request without `topics`, or with a topic the node does not know, gets
//!   `400 Bad Request` with a JSON body naming the problem:
//!   `{"code":400,"message":"invalid topic: bogus"}`.
//! - A pretend chain on a plain thread advances one slot per second: a `block` and a
//!   `head` event per slot, a `finalized_checkpoint` at each epoch boundary (32 slots).
//!
//! The port is the first argument, or `PORT`, or 3000.
//!
//! ```text
//! cargo run -p sse-actix --example actix_beacon -- 3000
//! curl -N 'localhost:3000/eth/v1/events?topics=head,block'
//! curl -i 'localhost:3000/eth/v1/events?topics=head,bogus'
//! ```
// The tests include this file to check the app; `main` is only for running it.
#![allow(dead_code)]

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, Responder, ResponseError, web};
use serde_json::{Value, json};
use sse_actix::{LastEventId, Sse, SseRejection, SubscribeRequest};
use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::{Event, EventType};

/// The topics this node serves.
pub const TOPICS: [&str; 8] = [
    "head",
    "block",
    "attestation",
    "voluntary_exit",
    "finalized_checkpoint",
    "chain_reorg",
    "contribution_and_proof",
    "payload_attributes",
];

/// Slots per epoch.
const SLOTS_PER_EPOCH: u64 = 32;

/// The route `GET /eth/v1/events`, sharing `hub`.
pub fn routes(hub: Hub) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::new(hub.clone()))
            .route("/eth/v1/events", web::get().to(events));
    }
}

/// An error in the API's format: `{"code": 400, "message": "..."}`.
fn error(status: StatusCode, message: String) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "code": status.as_u16(), "message": message }))
}

/// The topics of `?topics=a,b` (the parameter may also repeat), each checked against
/// [`TOPICS`]; the error is the message for the client.
fn requested_topics(query: &str) -> Result<TopicFilter, String> {
    let filter = match sse_core::subscribe::topics(Some(query)) {
        Ok(Some(filter)) => filter,
        Ok(None) => return Err("missing required query parameter: topics".into()),
        Err(rejection) => return Err(rejection.to_string()),
    };
    if filter.is_all() {
        return Err("invalid topic: *".into());
    }
    match filter
        .topics()
        .iter()
        .find(|topic| !TOPICS.contains(&topic.as_str()))
    {
        Some(unknown) => Err(format!("invalid topic: {unknown}")),
        None => Ok(filter),
    }
}

/// The stream of the topics asked for, resumed after the client's last event id;
/// every refusal in the API's JSON error format.
async fn events(
    req: HttpRequest,
    hub: web::Data<Hub>,
    last: Result<LastEventId, SseRejection>,
) -> HttpResponse {
    let filter = match requested_topics(req.query_string()) {
        Ok(filter) => filter,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let subscribed =
        last.and_then(|LastEventId(last)| Ok(SubscribeRequest::new(filter, last).subscribe(&hub)?));
    match subscribed {
        Ok(response) => Sse::from(response).respond_to(&req).map_into_boxed_body(),
        Err(refused) => error(refused.status_code(), refused.to_string()),
    }
}

/// A made-up 32-byte root for `slot`, as hex.
fn root(kind: u8, slot: u64) -> String {
    format!("0x{kind:02x}{slot:062x}")
}

/// Publishes `data` on `topic` with the topic's name as the event type.
fn publish(hub: &Hub, topic: &str, data: &Value) -> Result<(), Box<dyn std::error::Error>> {
    let event = Event::new(serde_json::to_vec(data)?).with_type(EventType::new(topic)?);
    hub.publish(&Topic::new(topic)?, event)?;
    Ok(())
}

/// What the pretend chain publishes for `slot`: its block, the new head, and the
/// finalized checkpoint when an epoch starts.
pub fn publish_slot(hub: &Hub, slot: u64) -> Result<(), Box<dyn std::error::Error>> {
    let epoch_transition = slot.is_multiple_of(SLOTS_PER_EPOCH);
    let block = json!({
        "slot": slot.to_string(),
        "block": root(0xb1, slot),
        "execution_optimistic": false,
    });
    publish(hub, "block", &block)?;
    let head = json!({
        "slot": slot.to_string(),
        "block": root(0xb1, slot),
        "state": root(0x57, slot),
        "epoch_transition": epoch_transition,
        "execution_optimistic": false,
    });
    publish(hub, "head", &head)?;
    if epoch_transition && slot > 0 {
        let finalized = slot.saturating_sub(2 * SLOTS_PER_EPOCH);
        let checkpoint = json!({
            "block": root(0xb1, finalized),
            "state": root(0x57, finalized),
            "epoch": (slot / SLOTS_PER_EPOCH).saturating_sub(2).to_string(),
            "execution_optimistic": false,
        });
        publish(hub, "finalized_checkpoint", &checkpoint)?;
    }
    Ok(())
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
    let chain = hub.clone();
    std::thread::spawn(move || {
        for slot in 0.. {
            if publish_slot(&chain, slot).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    let routes = routes(hub);
    let server = HttpServer::new(move || App::new().configure(routes.clone()))
        .h1_allow_half_closed(false)
        .bind(("127.0.0.1", port()))?;
    for addr in server.addrs() {
        println!("listening on http://{addr}/eth/v1/events?topics=head,block");
    }
    server.run().await
}
