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
use sse_actix::{LastEventId, Sse, SubscribeRefused, Topics};
use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::{Event, EventType};
use sse_tokio::client::{Disconnect, SourceEvent};
use support::client::{connect, eventually, message, next, open};
use support::limited::Limited;
use support::raw::RawResponse;
use support::server::{Setup, serve};

/// `/limited`: like the example's `/events`, but each response ends after 7 frames,
/// so the client has to reconnect again and again.
fn limited_route(hub: Hub) -> impl Fn(&mut web::ServiceConfig) + Send + Clone + 'static {
    async fn limited(
        hub: web::Data<Hub>,
        LastEventId(last): LastEventId,
    ) -> Result<impl Responder, SubscribeRefused> {
        let subscription = hub
            .subscribe_from(TopicFilter::all(), last.as_ref())
            .map_err(SubscribeRefused)?;
        Ok(Sse::new(Limited::new(subscription, 7)).with_options(hub.stream_options().clone()))
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
    let mut source = connect(format!("http://{}/events?topics=news", server.addr));
    open(&mut source).await;

    let publisher = hub.clone();
    let ids = std::thread::spawn(move || {
        let news = Topic::new("news/world").unwrap();
        let typed = Event::new("línea uno\nline two\r\nthree ✓\rfour")
            .with_type(EventType::new("headline").unwrap());
        let first = publisher.publish(&news, typed).unwrap();
        publisher
            .publish(&Topic::new("sports").unwrap(), Event::new("not asked for"))
            .unwrap();
        let last = publisher.publish(&news, Event::new("plain")).unwrap();
        (first, last)
    })
    .join()
    .unwrap();

    let event = message(&mut source).await;
    assert_eq!(event.event_type(), "headline");
    assert_eq!(event.data(), "línea uno\nline two\nthree ✓\nfour");
    assert_eq!(event.last_event_id(), &ids.0);
    let event = message(&mut source).await;
    assert_eq!((event.event_type(), event.data()), ("message", "plain"));
    assert_eq!(event.last_event_id(), &ids.1);
}

#[actix_web::test]
async fn reconnections_resume_from_the_hub_without_loss_or_duplicates() {
    const EVENTS: usize = 300;
    let hub = Hub::new();
    let server = serve(Setup::default(), limited_route(hub.clone()));
    let mut source = connect(format!("http://{}/limited", server.addr));
    open(&mut source).await;

    // Published from a plain thread while the client keeps reconnecting.
    let publisher = hub.clone();
    let thread = std::thread::spawn(move || {
        let topic = Topic::new("t").unwrap();
        for n in 0..EVENTS {
            publisher
                .publish(&topic, Event::new(n.to_string()))
                .unwrap();
            if n % 10 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    let mut received = Vec::new();
    let mut reconnections = 0;
    while received.len() < EVENTS {
        match next("the next event", &mut source).await {
            Ok(SourceEvent::Message(event)) => received.push(event.data().to_owned()),
            Ok(SourceEvent::Reconnecting { cause, .. }) => {
                assert_eq!(cause, Disconnect::EndOfStream);
                reconnections += 1;
            }
            Ok(SourceEvent::Open) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    thread.join().unwrap();
    let expected: Vec<String> = (0..EVENTS).map(|n| n.to_string()).collect();
    assert_eq!(received, expected);
    assert!(
        reconnections >= EVENTS / 7 - 1,
        "{reconnections} reconnections"
    );
    assert!(
        hub.stats().replays_resumed >= 1,
        "the client sent Last-Event-ID"
    );
}

#[actix_web::test]
async fn resuming_with_a_last_event_id_header_replays_exactly_the_missed_frames() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    let topic = Topic::new("t").unwrap();
    let seen = hub.publish(&topic, Event::new("seen")).unwrap();
    let missed = hub.publish(&topic, Event::new("missed ✓")).unwrap();
    let mut response = RawResponse::get(
        server.addr,
        "/events?topics=t",
        &[("last-event-id", seen.as_str())],
    )
    .await
    .unwrap();
    let replayed = response.read_through(b"\n\n").await.unwrap();
    assert_eq!(
        String::from_utf8(replayed).unwrap(),
        format!("id: {missed}\ndata: missed ✓\n\n")
    );
    let live = hub.publish(&topic, Event::new("live")).unwrap();
    let next = response.read_through(b"\n\n").await.unwrap();
    assert_eq!(
        String::from_utf8(next).unwrap(),
        format!("id: {live}\ndata: live\n\n")
    );
}

#[actix_web::test]
async fn disconnect_frees_the_subscription() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    let mut source = connect(format!("http://{}/events", server.addr));
    open(&mut source).await;
    assert_eq!(hub.stats().subscribers, 1);
    drop(source);
    // The hub's keep-alive is 15 s: only the closed read side tells actix.
    eventually("the subscription to be freed", || {
        hub.stats().subscribers == 0
    })
    .await;
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
    let mut source = connect(format!("http://{}/events", server.addr));
    open(&mut source).await;
    assert_eq!(hub.stats().subscribers, 1);
    drop(source);
    // actix notices when keep-alive writes fail.
    eventually("the subscription to be freed", || {
        hub.stats().subscribers == 0
    })
    .await;
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
    assert_eq!(response.read_through(b"\n\n").await.unwrap(), b":\n\n");
    let topic = Topic::new("t").unwrap();
    for n in 0..3 {
        let id = hub.publish(&topic, Event::new(format!("e{n}"))).unwrap();
        let frame = format!("id: {id}\ndata: e{n}\n\n");
        let got = response.read_through(frame.as_bytes()).await.unwrap();
        let got = String::from_utf8(got).unwrap();
        // Only whole keep-alive comments may come before the frame.
        assert!(
            got.strip_suffix(&frame)
                .unwrap()
                .split_terminator(":\n\n")
                .all(str::is_empty),
            "{got:?}"
        );
    }
}

#[actix_web::test]
async fn a_closed_hub_refuses_with_503_and_bad_topics_get_400() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    let mut bad = RawResponse::get(server.addr, "/events?topics=a,,b", &[])
        .await
        .unwrap();
    assert_eq!(bad.status, 400);
    let text = String::from_utf8(bad.read_to_end().await.unwrap()).unwrap();
    assert!(text.starts_with("invalid topics:"), "{text}");
    hub.close();
    let refused = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    assert_eq!(refused.status, 503);
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
    for (path, expected) in [
        ("/t?topics=b,a&topics=c%2Fd", "a,b,c/d"),
        ("/t", "none"),
        ("/t?other=1", "none"),
    ] {
        let mut response = RawResponse::get(server.addr, path, &[]).await.unwrap();
        assert_eq!(response.status, 200, "{path}");
        let body = response.read_to_end().await.unwrap();
        assert_eq!(String::from_utf8(body).unwrap(), expected, "{path}");
    }
}

#[actix_web::test]
async fn example_publish_route_and_stats() {
    let hub = Hub::new();
    let server = serve(Setup::default(), hub_example::routes(hub.clone()));
    let mut source = connect(format!("http://{}/events?topics=news", server.addr));
    open(&mut source).await;
    let mut post = post(
        server.addr,
        "/publish/news/world?event=flash",
        "extra ✓\nline",
    )
    .await;
    let id = String::from_utf8(post.read_to_end().await.unwrap()).unwrap();
    let event = message(&mut source).await;
    assert_eq!(
        (
            event.event_type(),
            event.data(),
            event.last_event_id().as_str()
        ),
        ("flash", "extra ✓\nline", id.as_str())
    );
    let mut stats = RawResponse::get(server.addr, "/stats", &[]).await.unwrap();
    let stats: serde_json::Value =
        serde_json::from_slice(&stats.read_to_end().await.unwrap()).unwrap();
    assert_eq!(stats["subscribers"], 1);
    assert_eq!(stats["events_published"], 1);
}

/// `POST path` with `body`, by hand.
async fn post(addr: std::net::SocketAddr, path: &str, body: &str) -> RawResponse {
    let length = body.len().to_string();
    RawResponse::send(
        addr,
        "POST",
        path,
        &[("content-length", &length)],
        body.as_bytes(),
    )
    .await
    .unwrap()
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
