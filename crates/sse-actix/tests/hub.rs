//! Hub-backed responses end to end over loopback, read by sse-tokio's `EventSource`
//! client: typed multi-line events published from plain threads, resumption with
//! `Last-Event-ID`, subscriptions freed on disconnect, the examples' routes.

#[path = "../examples/actix_beacon.rs"]
mod beacon;
#[path = "../examples/actix_hub.rs"]
mod hub_example;
mod support;

use std::time::Duration;

use actix_web::{Responder, web};
use sse_actix::{LastEventId, Sse, SseRejection, Topics};
use sse_core::Event;
use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::subscribe::SubscribeRequest;
use sse_testkit::client::{connect, message, open};
use sse_testkit::limited::Limited;
use sse_testkit::raw::RawResponse;
use sse_testkit::scenario::hub::{self, FRAMES_PER_RESPONSE, Resume};
use sse_testkit::scenario::stream::frame_after_keep_alives;
use sse_testkit::wait::eventually;
use support::server::{Setup, serve};

/// `/limited`: like the example's `/events`, but each response ends after a few
/// frames, so the client has to reconnect again and again.
fn limited_route(hub: Hub) -> impl Fn(&mut web::ServiceConfig) + Send + Clone + 'static {
    async fn limited(
        hub: web::Data<Hub>,
        LastEventId(last): LastEventId,
    ) -> Result<impl Responder, SseRejection> {
        let request = SubscribeRequest::new(TopicFilter::all(), last);
        let (subscription, options) = request.subscribe(&hub)?.into_parts();
        let limited = Limited::new(subscription, FRAMES_PER_RESPONSE);
        Ok(Sse::new(limited).with_options(options))
    }
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::new(hub.clone()))
            .route("/limited", web::get().to(limited));
    }
}

#[actix_web::test]
async fn typed_multiline_non_ascii_events_published_from_a_thread() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    hub::typed_events_from_a_thread(server.addr, &hub).await;
}

#[actix_web::test]
async fn reconnections_resume_from_the_hub_without_loss_or_duplicates() {
    let hub = Hub::new();
    let server = serve(Setup::default(), limited_route(hub.clone()));
    let url = format!("http://{}/limited", server.addr);
    hub::reconnections_resume_without_loss(url, &hub).await;
}

#[actix_web::test]
async fn resuming_with_a_last_event_id_header_replays_exactly_the_missed_frames() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    hub::missed_frames_replayed(server.addr, &hub, Resume::Header).await;
}

#[actix_web::test]
async fn resuming_with_a_last_event_id_query_replays_exactly_the_missed_frames() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    hub::missed_frames_replayed(server.addr, &hub, Resume::Query).await;
}

#[actix_web::test]
async fn disconnect_frees_the_subscription() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    // The hub's keep-alive is 15 s: only the closed read side tells actix.
    hub::disconnect_frees_the_subscription(server.addr, &hub).await;
}

#[actix_web::test]
async fn disconnect_frees_the_subscription_with_half_close_allowed() {
    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(20))));
    let hub = Hub::builder().stream_options(options).build();
    let setup = Setup {
        allow_half_closed: true,
        ..Setup::default()
    };
    let server = serve(setup, hub_example::routes(hub.clone()));
    // actix notices when keep-alive writes fail.
    hub::disconnect_frees_the_subscription(server.addr, &hub).await;
}

#[actix_web::test]
async fn hub_keep_alive_arrives_while_idle_and_compression_is_skipped() {
    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(20))));
    let hub = Hub::builder().stream_options(options).build();
    let setup = Setup {
        compress: true,
        ..Setup::default()
    };
    let server = serve(setup, hub_example::routes(hub.clone()));
    let mut response = RawResponse::get(server.addr, "/events", &[("accept-encoding", "gzip, br")])
        .await
        .unwrap();
    assert_eq!(response.header("content-encoding"), Some("identity"));
    assert_eq!(response.read_through(b"\n").await.unwrap(), b":\n");
    let topic = Topic::new("t").unwrap();
    for n in 0..3 {
        let id = hub.publish(&topic, Event::new(format!("e{n}"))).unwrap();
        frame_after_keep_alives(&mut response, &format!("id: {id}\ndata: e{n}\n\n")).await;
    }
}

#[actix_web::test]
async fn a_closed_hub_refuses_with_503_and_bad_topics_get_400() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    hub::bad_topics_get_400_and_a_closed_hub_503(server.addr, &hub).await;
}

#[actix_web::test]
async fn ids_no_server_issued_get_400() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    hub::bad_last_event_id_gets_400(server.addr, &hub).await;
}

#[actix_web::test]
async fn topics_extractor_reads_the_query() {
    let server = serve(Setup::default(), |cfg: &mut web::ServiceConfig| {
        cfg.route(
            "/t",
            web::get().to(|Topics(topics): Topics| async move {
                topics.map_or_else(|| "none".to_owned(), |f| f.to_string())
            }),
        );
    });
    hub::topics_over_the_wire(server.addr).await;
}

#[actix_web::test]
async fn example_publish_route_and_stats() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    hub::publish_route_and_stats(server.addr).await;
}

#[actix_web::test]
async fn beacon_example_streams_known_topics_and_refuses_others_with_json() {
    let hub = Hub::new();
    let server = serve(Setup::default(), beacon::routes(hub.clone()));
    for (query, message) in [
        ("", "missing required query parameter: topics"),
        ("?topics=head,bogus", "invalid topic: bogus"),
        ("?other=1", "missing required query parameter: topics"),
    ] {
        let mut response = RawResponse::get(server.addr, &format!("/eth/v1/events{query}"), &[])
            .await
            .unwrap();
        assert_eq!(response.status, 400, "{query}");
        assert_eq!(response.header("content-type"), Some("application/json"));
        let body: serde_json::Value =
            serde_json::from_slice(&response.read_to_end().await.unwrap()).unwrap();
        assert_eq!(body, serde_json::json!({ "code": 400, "message": message }));
    }

    let mut source = connect(format!("http://{}/eth/v1/events?topics=head", server.addr));
    open(&mut source).await;
    let chain = hub.clone();
    std::thread::spawn(move || beacon::publish_slot(&chain, 32).unwrap())
        .join()
        .unwrap();
    let head = message(&mut source).await;
    assert_eq!(head.event_type(), "head");
    let data: serde_json::Value = serde_json::from_str(head.data()).unwrap();
    assert_eq!(data["slot"], "32");
    assert_eq!(data["epoch_transition"], true);
    // `block` and `finalized_checkpoint` were published too, but not asked for.
    drop(source);
    eventually("the subscription to be freed", || {
        hub.stats().subscribers == 0
    })
    .await;
}
