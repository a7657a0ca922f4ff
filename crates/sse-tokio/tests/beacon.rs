//! The beacon-API example's router: topic selection, event types, JSON data and
//! errors.
#![cfg(all(feature = "client", feature = "axum", feature = "serde"))]

#[path = "../examples/axum_beacon.rs"]
mod beacon;
mod support;

use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use sse_tokio::client::{ClientConfig, EventSource, SourceEvent};
use sse_tokio::sse_core::hub::Hub;
use support::{axum_serve, eventually, next};
use tower::ServiceExt;

/// The status and JSON body of a request that does not open a stream.
async fn refused(uri: &str) -> (StatusCode, serde_json::Value) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = beacon::router(Hub::new()).oneshot(request).await.unwrap();
    let status = response.status();
    assert_eq!(response.headers()["content-type"], "application/json");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn unknown_or_missing_topics_get_400_naming_the_problem() {
    let (status, body) = refused("/eth/v1/events?topics=head,bogus").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], 400);
    assert_eq!(body["message"], "invalid topic: bogus");

    let (status, body) = refused("/eth/v1/events?topics=head&topics=blocks").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "invalid topic: blocks");

    let (status, body) = refused("/eth/v1/events").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("topics"),
        "{body}"
    );
}

/// Subscribes to `topics`, publishes `slots`, and returns (type, data) of the first
/// `count` events.
async fn stream(
    topics: &str,
    slots: std::ops::Range<u64>,
    count: usize,
) -> Vec<(String, serde_json::Value)> {
    let hub = Hub::new();
    let (addr, _server) = axum_serve(beacon::router(hub.clone())).await;
    let url = format!("http://{addr}/eth/v1/events?topics={topics}");
    let config = ClientConfig::default().max_retries(Some(0));
    let mut source = EventSource::builder(url).config(config).build().unwrap();
    assert_eq!(next("open", &mut source).await, Ok(SourceEvent::Open));
    eventually("the subscription", || hub.stats().subscribers == 1).await;
    for slot in slots {
        beacon::publish_slot(&hub, slot).unwrap();
    }
    let mut events = Vec::new();
    while events.len() < count {
        match next("an event", &mut source).await {
            Ok(SourceEvent::Message(event)) => {
                let data = serde_json::from_str(event.data()).unwrap();
                events.push((event.event_type().to_owned(), data));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    source.close();
    events
}

#[tokio::test]
async fn only_the_requested_topics_are_streamed_typed_with_json_data() {
    let events = stream("head", 1..4, 3).await;
    let slots: Vec<(&str, &str)> = events
        .iter()
        .map(|(ty, data)| (ty.as_str(), data["slot"].as_str().unwrap()))
        .collect();
    assert_eq!(slots, [("head", "1"), ("head", "2"), ("head", "3")]);
    assert_eq!(events[0].1["epoch_transition"], false);

    let events = stream("head,block", 5..7, 4).await;
    let kinds: Vec<&str> = events.iter().map(|(ty, _)| ty.as_str()).collect();
    assert_eq!(kinds, ["block", "head", "block", "head"]);
    assert_eq!(events[3].1["slot"], "6");
    assert!(events[2].1["block"].as_str().unwrap().starts_with("0x"));
}

#[tokio::test]
async fn finalized_checkpoints_come_at_epoch_boundaries_only() {
    // Slots 63..66: only slot 64 starts an epoch; subscribe to checkpoints and heads
    // and look at the order.
    let events = stream("finalized_checkpoint,head", 63..66, 4).await;
    let kinds: Vec<&str> = events.iter().map(|(ty, _)| ty.as_str()).collect();
    assert_eq!(kinds, ["head", "head", "finalized_checkpoint", "head"]);
    assert_eq!(events[2].1["epoch"], "0");
}
