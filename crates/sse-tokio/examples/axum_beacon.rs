//! An event stream in the style of the Ethereum beacon node API,
//! `GET /eth/v1/events?topics=head,block`.
//!
//! - Only the topics asked for are streamed; each event's type is its topic's name and
//!   its data is JSON (numbers as decimal strings, roots as hex, as the API does).
//! - A request without `topics`, or with a topic the node does not know, gets
//!   `400 Bad Request` with a JSON body naming the problem:
//!   `{"code":400,"message":"invalid topic: bogus"}`.
//! - A pretend chain advances one slot per second: a `block` and a `head` event per
//!   slot, a `finalized_checkpoint` at each epoch boundary (32 slots).
//!
//! ```text
//! cargo run -p sse-tokio --example axum_beacon --features axum,serde
//! curl -N 'localhost:3000/eth/v1/events?topics=head,block'
//! curl -i 'localhost:3000/eth/v1/events?topics=head,bogus'
//! ```
// The tests include this file to check the router; `main` is only for running it.
#![allow(dead_code)]

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use sse_tokio::axum::{LastEventId, SseRejection};
use sse_tokio::sse_core::hub::{Hub, Topic, TopicFilter};
use sse_tokio::sse_core::subscribe;
use sse_tokio::{Event, EventType, Sse, SubscribeRequest};

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

/// The router: `GET /eth/v1/events`.
pub fn router(hub: Hub) -> Router {
    Router::new()
        .route("/eth/v1/events", get(events))
        .with_state(hub)
}

/// A `400 Bad Request` in the API's error format.
fn bad_request(message: String) -> Response {
    let body = serde_json::json!({ "code": 400, "message": message });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// The topics of `?topics=a,b` (the parameter may also repeat), each checked
/// against [`TOPICS`]; the error is the message for the 400 answer.
fn requested_topics(query: Option<&str>) -> Result<TopicFilter, String> {
    let filter = subscribe::topics(query)
        .map_err(|e| e.to_string())?
        .ok_or("missing required query parameter: topics")?;
    if filter.is_all() {
        return Err("invalid topic: *".into());
    }
    match filter
        .topics()
        .iter()
        .find(|t| !TOPICS.contains(&t.as_str()))
    {
        Some(unknown) => Err(format!("invalid topic: {}", unknown.as_str())),
        None => Ok(filter),
    }
}

async fn events(
    State(hub): State<Hub>,
    LastEventId(last): LastEventId,
    RawQuery(query): RawQuery,
) -> Response {
    let filter = match requested_topics(query.as_deref()) {
        Ok(filter) => filter,
        Err(message) => return bad_request(message),
    };
    match SubscribeRequest::new(filter, last).subscribe(&hub) {
        Ok(response) => Sse::from(response).into_response(),
        Err(rejection) => SseRejection(rejection).into_response(),
    }
}

/// `head` event data.
#[derive(Serialize)]
struct Head {
    slot: String,
    block: String,
    state: String,
    epoch_transition: bool,
    execution_optimistic: bool,
}

/// `block` event data.
#[derive(Serialize)]
struct Block {
    slot: String,
    block: String,
    execution_optimistic: bool,
}

/// `finalized_checkpoint` event data.
#[derive(Serialize)]
struct FinalizedCheckpoint {
    block: String,
    state: String,
    epoch: String,
    execution_optimistic: bool,
}

/// A made-up 32-byte root for `slot`, as hex.
fn root(kind: u8, slot: u64) -> String {
    format!("0x{kind:02x}{slot:062x}")
}

/// Publishes `data` on `topic` with the topic's name as the event type.
fn publish(
    hub: &Hub,
    topic: &str,
    data: &impl Serialize,
) -> Result<(), Box<dyn std::error::Error>> {
    let event = Event::json(data)?.with_type(EventType::new(topic)?);
    hub.publish(&Topic::new(topic)?, event)?;
    Ok(())
}

/// What the pretend chain publishes for `slot`: its block, the new head, and the
/// finalized checkpoint when an epoch starts.
pub fn publish_slot(hub: &Hub, slot: u64) -> Result<(), Box<dyn std::error::Error>> {
    let epoch_transition = slot.is_multiple_of(SLOTS_PER_EPOCH);
    let block = Block {
        slot: slot.to_string(),
        block: root(0xb1, slot),
        execution_optimistic: false,
    };
    publish(hub, "block", &block)?;
    let head = Head {
        slot: slot.to_string(),
        block: root(0xb1, slot),
        state: root(0x57, slot),
        epoch_transition,
        execution_optimistic: false,
    };
    publish(hub, "head", &head)?;
    if epoch_transition && slot > 0 {
        let epoch = slot / SLOTS_PER_EPOCH;
        let checkpoint = FinalizedCheckpoint {
            block: root(0xb1, slot - 2 * SLOTS_PER_EPOCH.min(slot)),
            state: root(0x57, slot - 2 * SLOTS_PER_EPOCH.min(slot)),
            epoch: epoch.saturating_sub(2).to_string(),
            execution_optimistic: false,
        };
        publish(hub, "finalized_checkpoint", &checkpoint)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let hub = Hub::new();
    let chain = hub.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        for slot in 0.. {
            interval.tick().await;
            if publish_slot(&chain, slot).is_err() {
                return;
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!(
        "listening on http://{}/eth/v1/events?topics=head,block",
        listener.local_addr()?
    );
    axum::serve(listener, router(hub)).await?;
    Ok(())
}
