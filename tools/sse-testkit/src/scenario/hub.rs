//! Scenarios for hub-backed responses (feature `client`), read by sse-tokio's
//! `EventSource` and by [`RawResponse`]. Most need an adapter's example app, whose
//! routes every adapter shares:
//!
//! - `GET /events`: the hub's subscription for `?topics=` (every topic without it),
//!   resumed after the request's last event id; `400` with a body starting
//!   `invalid topics:` for a malformed list, `503` when the hub refuses;
//! - `POST /publish/{topic}?event=type`: publishes the body, answers with its id;
//! - `GET /stats`: the hub's counters as JSON.

use std::net::SocketAddr;
use std::time::Duration;

use sse_core::hub::{Hub, Topic};
use sse_core::{Event, EventType};
use sse_tokio::client::{Disconnect, SourceEvent};

use crate::client::{connect, message, open};
use crate::raw::RawResponse;
use crate::wait::{eventually, next};

/// Typed, multi-line, non-ASCII events published from a plain thread reach a client
/// of `/events?topics=news` in order, with their ids; another topic's do not.
pub async fn typed_events_from_a_thread(addr: SocketAddr, hub: &Hub) {
    let mut source = connect(format!("http://{addr}/events?topics=news"));
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

/// How many frames each response of the route of
/// [`reconnections_resume_without_loss`] carries before it ends.
pub const FRAMES_PER_RESPONSE: usize = 7;

/// `url` serves `hub`'s every topic, resumed after the request's last event id, and
/// ends each response after [`FRAMES_PER_RESPONSE`] frames (see
/// [`Limited`](crate::limited::Limited)). The client, reconnecting again and again
/// while a thread publishes, gets every event once, in order, resumed with
/// `Last-Event-ID`.
pub async fn reconnections_resume_without_loss(url: String, hub: &Hub) {
    const EVENTS: usize = 300;
    let mut source = connect(url);
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
        reconnections >= EVENTS / FRAMES_PER_RESPONSE - 1,
        "{reconnections} reconnections"
    );
    assert!(
        hub.stats().replays_resumed >= 1,
        "the client sent Last-Event-ID"
    );
}

/// Where a resuming request carries its last event id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// The `Last-Event-ID` header, as a reconnecting browser sends it.
    Header,
    /// The `lastEventId` query parameter, as a page that stored an id sends it.
    Query,
}

/// A request to `/events?topics=t` resuming after a seen event gets exactly the
/// frame it missed from the replay window, then live frames.
pub async fn missed_frames_replayed(addr: SocketAddr, hub: &Hub, resume: Resume) {
    let topic = Topic::new("t").unwrap();
    let seen = hub.publish(&topic, Event::new("seen")).unwrap();
    let missed = hub.publish(&topic, Event::new("missed ✓")).unwrap();
    let mut response = match resume {
        Resume::Header => {
            let headers = [("last-event-id", seen.as_str())];
            RawResponse::get(addr, "/events?topics=t", &headers).await
        }
        Resume::Query => {
            let path = format!("/events?topics=t&lastEventId={seen}");
            RawResponse::get(addr, &path, &[]).await
        }
    }
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

/// A client of `/events` counts as one subscriber; once it is dropped, the hub
/// forgets it.
pub async fn disconnect_frees_the_subscription(addr: SocketAddr, hub: &Hub) {
    let mut source = connect(format!("http://{addr}/events"));
    open(&mut source).await;
    assert_eq!(hub.stats().subscribers, 1);
    drop(source);
    eventually("the subscription to be freed", || {
        hub.stats().subscribers == 0
    })
    .await;
}

/// `/events` answers `400` with a `text/plain` body starting `invalid
/// Last-Event-ID:` to an id no server issued (one holding a NUL), and subscribes
/// nobody.
pub async fn bad_last_event_id_gets_400(addr: SocketAddr, hub: &Hub) {
    let mut bad = RawResponse::get(addr, "/events?lastEventId=a%00b", &[])
        .await
        .unwrap();
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let text = String::from_utf8(bad.read_to_end().await.unwrap()).unwrap();
    assert!(text.starts_with("invalid Last-Event-ID: "), "{text}");
    assert_eq!(hub.stats().subscribers, 0);
}

/// `/events` answers `400` (`invalid topics: ...`) to a malformed topic list, and
/// `503` once the hub is closed (this closes `hub`).
pub async fn bad_topics_get_400_and_a_closed_hub_503(addr: SocketAddr, hub: &Hub) {
    let mut bad = RawResponse::get(addr, "/events?topics=a,,b", &[])
        .await
        .unwrap();
    assert_eq!(bad.status, 400);
    let text = String::from_utf8(bad.read_to_end().await.unwrap()).unwrap();
    assert!(text.starts_with("invalid topics:"), "{text}");
    hub.close();
    let refused = RawResponse::get(addr, "/events", &[]).await.unwrap();
    assert_eq!(refused.status, 503);
}

/// Requests to `/t`, a route that answers the request's topic filter as text (its
/// `Display`, or `none` when the query names no topics), with the answers expected:
/// repeated parameters and comma lists join, `%2F` decodes, the list is sorted.
pub const TOPICS_CASES: [(&str, &str); 3] = [
    ("/t?topics=b,a&topics=c%2Fd", "a,b,c/d"),
    ("/t", "none"),
    ("/t?other=1", "none"),
];

/// Every case of [`TOPICS_CASES`] against the `/t` route at `addr`.
pub async fn topics_over_the_wire(addr: SocketAddr) {
    for (path, expected) in TOPICS_CASES {
        let mut response = RawResponse::get(addr, path, &[]).await.unwrap();
        assert_eq!(response.status, 200, "{path}");
        let body = response.read_to_end().await.unwrap();
        assert_eq!(String::from_utf8(body).unwrap(), expected, "{path}");
    }
}

/// `POST /publish/news/world?event=flash` reaches a client of `/events?topics=news`
/// as a `flash` event with the id the route answered; `/stats` then counts one
/// subscriber and one event.
pub async fn publish_route_and_stats(addr: SocketAddr) {
    let mut source = connect(format!("http://{addr}/events?topics=news"));
    open(&mut source).await;
    let mut post = post(addr, "/publish/news/world?event=flash", "extra ✓\nline").await;
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
    let mut stats = RawResponse::get(addr, "/stats", &[]).await.unwrap();
    let stats: serde_json::Value =
        serde_json::from_slice(&stats.read_to_end().await.unwrap()).unwrap();
    assert_eq!(stats["subscribers"], 1);
    assert_eq!(stats["events_published"], 1);
}

/// `POST path` with `body`.
async fn post(addr: SocketAddr, path: &str, body: &str) -> RawResponse {
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
