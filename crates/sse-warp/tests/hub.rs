//! Hub-backed replies end to end over loopback, read by sse-tokio's `EventSource`
//! client: typed multi-line events published from plain threads, resumption with
//! `Last-Event-ID`, subscriptions freed on disconnect, the example's routes.

#[path = "../examples/warp_hub.rs"]
mod hub_example;
mod support;

use std::time::Duration;

use sse_core::hub::{Hub, Topic, TopicFilter};
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::{Event, EventId, EventType};
use sse_tokio::client::{Disconnect, SourceEvent};
use sse_warp::{Sse, last_event_id};
use support::client::{connect, eventually, message, next, open};
use support::limited::Limited;
use support::raw::RawResponse;
use support::server::serve;
use warp::Filter;

#[tokio::test]
async fn typed_multiline_non_ascii_events_published_from_a_thread() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
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

#[tokio::test]
async fn reconnections_resume_from_the_hub_without_loss_or_duplicates() {
    const EVENTS: usize = 300;
    let hub = Hub::new();
    // Each response ends after 7 frames, so the client has to reconnect again and again.
    let limited = {
        let hub = hub.clone();
        warp::path("limited")
            .and(last_event_id())
            .map(move |last: Option<EventId>| {
                let subscription = hub
                    .subscribe_from(TopicFilter::all(), last.as_ref())
                    .unwrap();
                Sse::new(Limited::new(subscription, 7)).with_options(hub.stream_options().clone())
            })
    };
    let server = serve(limited).await;
    let mut source = connect(format!("http://{}/limited", server.addr));
    open(&mut source).await;

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

#[tokio::test]
async fn resuming_with_a_last_event_id_query_replays_exactly_the_missed_frames() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    let topic = Topic::new("t").unwrap();
    let seen = hub.publish(&topic, Event::new("seen")).unwrap();
    let missed = hub.publish(&topic, Event::new("missed ✓")).unwrap();
    let path = format!("/events?topics=t&lastEventId={seen}");
    let mut response = RawResponse::get(server.addr, &path, &[]).await.unwrap();
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

#[tokio::test]
async fn disconnect_frees_the_subscription() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    let mut source = connect(format!("http://{}/events", server.addr));
    open(&mut source).await;
    assert_eq!(hub.stats().subscribers, 1);
    drop(source);
    // The hub's keep-alive is 15 s: only the closed connection tells hyper.
    eventually("the subscription to be freed", || {
        hub.stats().subscribers == 0
    })
    .await;
}

#[tokio::test]
async fn hub_keep_alive_arrives_while_idle() {
    let options =
        StreamOptions::default().keep_alive(Some(KeepAlive::new(Duration::from_millis(20))));
    let hub = Hub::builder().stream_options(options).build();
    let server = serve(hub_example::routes(hub.clone())).await;
    let mut response = RawResponse::get(server.addr, "/events", &[]).await.unwrap();
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.read_through(b"\n\n").await.unwrap(), b":\n\n");
    assert_eq!(response.read_through(b"\n\n").await.unwrap(), b":\n\n");
    let topic = Topic::new("t").unwrap();
    let id = hub.publish(&topic, Event::new("e")).unwrap();
    let frame = format!("id: {id}\ndata: e\n\n");
    let got = String::from_utf8(response.read_through(frame.as_bytes()).await.unwrap()).unwrap();
    let before = got.strip_suffix(&frame).unwrap();
    assert!(
        before.split_terminator(":\n\n").all(str::is_empty),
        "{got:?}"
    );
}

#[tokio::test]
async fn a_closed_hub_refuses_with_503_and_bad_topics_get_400() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
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

#[tokio::test]
async fn topics_filter_reads_the_query() {
    let route = warp::path("t")
        .and(sse_warp::topics())
        .map(|topics: Option<TopicFilter>| {
            topics.map_or_else(|| "none".to_owned(), |f| f.to_string())
        });
    let server = serve(route).await;
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

#[tokio::test]
async fn example_publish_route_and_stats() {
    let hub = Hub::new();
    let server = serve(hub_example::routes(hub.clone())).await;
    let mut source = connect(format!("http://{}/events?topics=news", server.addr));
    open(&mut source).await;
    let body = "extra ✓\nline";
    let length = body.len().to_string();
    let mut post = RawResponse::send(
        server.addr,
        "POST",
        "/publish/news/world?event=flash",
        &[("content-length", &length)],
        body.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(post.status, 200);
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
