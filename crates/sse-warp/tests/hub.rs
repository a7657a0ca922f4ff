//! Hub-backed replies end to end over loopback, read by sse-tokio's `EventSource`
//! client: typed multi-line events published from plain threads, resumption with
//! `Last-Event-ID`, subscriptions freed on disconnect, the example's routes.

#[path = "../examples/warp_hub.rs"]
mod hub_example;
mod support;

use std::time::Duration;

use sse_core::Event;
use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::subscribe::SubscribeRequest;
use sse_testkit::limited::Limited;
use sse_testkit::raw::RawResponse;
use sse_testkit::scenario::hub::{self, FRAMES_PER_RESPONSE, Resume};
use sse_testkit::scenario::stream::frame_after_keep_alives;
use sse_warp::{LastEventId, Sse, Topics, last_event_id};
use support::server::serve;
use warp::Filter;

#[tokio::test]
async fn typed_multiline_non_ascii_events_published_from_a_thread() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    hub::typed_events_from_a_thread(server.addr, &hub).await;
}

#[tokio::test]
async fn reconnections_resume_from_the_hub_without_loss_or_duplicates() {
    let hub = Hub::new();
    // Each response ends after a few frames, so the client has to reconnect again
    // and again.
    let limited = {
        let hub = hub.clone();
        warp::path("limited")
            .and(last_event_id())
            .map(move |LastEventId(last)| {
                let request = SubscribeRequest::new(TopicFilter::all(), last);
                let (subscription, options) = request.subscribe(&hub).unwrap().into_parts();
                let limited = Limited::new(subscription, FRAMES_PER_RESPONSE);
                Sse::new(limited).with_options(options)
            })
    };
    let server = serve(limited).await;
    let url = format!("http://{}/limited", server.addr);
    hub::reconnections_resume_without_loss(url, &hub).await;
}

#[tokio::test]
async fn resuming_with_a_last_event_id_query_replays_exactly_the_missed_frames() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    hub::missed_frames_replayed(server.addr, &hub, Resume::Query).await;
}

#[tokio::test]
async fn resuming_with_a_last_event_id_header_replays_exactly_the_missed_frames() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    hub::missed_frames_replayed(server.addr, &hub, Resume::Header).await;
}

#[tokio::test]
async fn disconnect_frees_the_subscription() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    // The hub's keep-alive is 15 s: only the closed connection tells hyper.
    hub::disconnect_frees_the_subscription(server.addr, &hub).await;
}

#[tokio::test]
async fn hub_keep_alive_arrives_while_idle() {
    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(20))));
    let hub = Hub::builder().stream_options(options).build();
    let server = serve(hub_example::routes(hub.clone())).await;
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.read_through(b"\n").await.unwrap(), b":\n");
    assert_eq!(response.read_through(b"\n").await.unwrap(), b":\n");
    let topic = Topic::new("t").unwrap();
    let id = hub.publish(&topic, Event::new("e")).unwrap();
    frame_after_keep_alives(&mut response, &format!("id: {id}\ndata: e\n\n")).await;
}

#[tokio::test]
async fn a_closed_hub_refuses_with_503_and_bad_topics_get_400() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    hub::bad_topics_get_400_and_a_closed_hub_503(server.addr, &hub).await;
}

#[tokio::test]
async fn ids_no_server_issued_get_400() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    hub::bad_last_event_id_gets_400(server.addr, &hub).await;
}

#[tokio::test]
async fn filters_reject_bad_values_and_recover_answers_400() {
    let route = warp::path("t")
        .and(sse_warp::topics())
        .and(last_event_id())
        .map(|Topics(_), LastEventId(_)| "ok")
        .recover(sse_warp::recover);
    let server = serve(route).await;
    for (path, expected) in [
        ("/t?topics=a,,b", "invalid topics: "),
        ("/t?lastEventId=%00", "invalid Last-Event-ID: "),
    ] {
        let mut response = RawResponse::get(server.addr, path, &[]).await.unwrap();
        assert_eq!(response.status, 400, "{path}");
        let text = String::from_utf8(response.read_to_end().await.unwrap()).unwrap();
        assert!(text.starts_with(expected), "{path}: {text}");
    }
}

#[tokio::test]
async fn topics_filter_reads_the_query() {
    let route = warp::path("t")
        .and(sse_warp::topics())
        .map(|Topics(topics)| topics.map_or_else(|| "none".to_owned(), |f| f.to_string()));
    let server = serve(route).await;
    hub::topics_over_the_wire(server.addr).await;
}

#[tokio::test]
async fn example_publish_route_and_stats() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    hub::publish_route_and_stats(server.addr).await;
}
