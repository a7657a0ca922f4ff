//! The checks, one function each, run against a [`Serve`] function.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sse_core::decode::Decoded;
use sse_core::hub::{Hub, Topic};
use sse_core::response::HEADERS;
use sse_core::stream::{KeepAlive, StreamOptions};
use sse_core::{Event, EventId};

use super::wire::Response;
use super::{Serve, WAIT, start, wait_for_subscribers};

/// The hub endpoint's path.
const PATH: &str = "/events";

/// `200`, exactly the four [`HEADERS`] values, and no `content-length`.
pub fn status_and_headers(serve: &Serve) {
    let check = "status_and_headers";
    let addr = start(serve, Hub::new());
    let response = get(check, addr, PATH, &[]);
    assert_eq!(response.head.status, 200, "{check}: status");
    for (name, value) in HEADERS {
        let values: Vec<&str> = response
            .head
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(
            values,
            [value],
            "{check}: header `{name}` (all headers: {:?})",
            response.head.headers
        );
    }
    assert_eq!(
        response.header("content-length"),
        None,
        "{check}: an event stream has no length"
    );
}

/// The hub's `retry:` hint arrives at the start of the stream.
pub fn retry_hint(serve: &Serve) {
    let check = "retry_hint";
    let retry = Duration::from_millis(1234);
    let hub = Hub::builder()
        .stream_options(StreamOptions::default().retry(retry))
        .build();
    let addr = start(serve, hub.clone());
    let mut response = get(check, addr, PATH, &[]);
    wait_for_subscribers(&hub, 1, check);
    publish(&hub, "news", "after the hint");
    loop {
        match response.next_item() {
            Ok(Decoded::Retry(got)) => return assert_eq!(got, retry, "{check}: the hint"),
            Ok(Decoded::Event(event)) => {
                panic!("{check}: event {:?} before any retry hint", event.data())
            }
            Ok(_) => {}
            Err(e) => panic!(
                "{check}: no retry hint: {e}; body so far {:?}",
                text(&response)
            ),
        }
    }
}

/// Events published after subscribing arrive, in order, with their ids.
pub fn live_events(serve: &Serve) {
    let check = "live_events";
    let hub = Hub::new();
    let addr = start(serve, hub.clone());
    let mut response = get(check, addr, PATH, &[]);
    wait_for_subscribers(&hub, 1, check);
    let ids: Vec<EventId> = ["one", "two", "three"]
        .map(|d| publish(&hub, "news", d))
        .into();
    for id in ids {
        match response.next_item() {
            Ok(Decoded::Event(event)) => assert_eq!(event.last_event_id(), &id, "{check}: id"),
            Ok(_) => {}
            Err(e) => panic!(
                "{check}: event {id:?} missing: {e}; body {:?}",
                text(&response)
            ),
        }
    }
}

/// `?topics=pets` gets `pets` and its descendants, nothing else.
pub fn topic_filter(serve: &Serve) {
    let check = "topic_filter";
    let hub = Hub::new();
    let addr = start(serve, hub.clone());
    let mut response = get(check, addr, "/events?topics=pets", &[]);
    wait_for_subscribers(&hub, 1, check);
    for (topic, data) in [
        ("news", "no"),
        ("pets/dogs", "dogs"),
        ("petsitter", "no"),
        ("pets", "pets"),
        ("pets", "end"),
    ] {
        publish(&hub, topic, data);
    }
    let got = response
        .event_data(3)
        .unwrap_or_else(|e| panic!("{check}: {e}; body {:?}", text(&response)));
    assert_eq!(
        got,
        ["dogs", "pets", "end"],
        "{check}: only pets and pets/…"
    );
}

/// `Last-Event-ID: <id>` replays what followed `<id>`, then goes live.
pub fn resume_by_header(serve: &Serve) {
    resume("resume_by_header", serve, |id| {
        (PATH.to_owned(), Some(id.to_owned()))
    });
}

/// `?lastEventId=<id>` replays what followed `<id>`, then goes live.
pub fn resume_by_query(serve: &Serve) {
    resume("resume_by_query", serve, |id| {
        (format!("/events?lastEventId={}", encode(id)), None)
    });
}

fn resume(check: &str, serve: &Serve, request: fn(&str) -> (String, Option<String>)) {
    let hub = Hub::new();
    let first = publish(&hub, "news", "seen");
    publish(&hub, "news", "missed 1");
    publish(&hub, "news", "missed 2");
    let addr = start(serve, hub.clone());
    let (target, header) = request(first.as_str());
    let headers: Vec<(&str, &str)> = header
        .iter()
        .map(|h| ("last-event-id", h.as_str()))
        .collect();
    let mut response = get(check, addr, &target, &headers);
    wait_for_subscribers(&hub, 1, check);
    publish(&hub, "news", "live");
    let got = response
        .event_data(3)
        .unwrap_or_else(|e| panic!("{check}: {e}; body {:?}", text(&response)));
    assert_eq!(
        got,
        ["missed 1", "missed 2", "live"],
        "{check}: replay then live"
    );
}

/// A bad `?topics=` list is a `400` whose text body says why.
pub fn bad_topics_are_400(serve: &Serve) {
    refused(
        "bad_topics_are_400",
        serve,
        Hub::new(),
        "/events?topics=a//b",
        400,
        "topics",
    );
}

/// A `Last-Event-ID` no server could issue (a NUL) is a `400` whose body says why.
pub fn bad_last_event_id_is_400(serve: &Serve) {
    refused(
        "bad_last_event_id_is_400",
        serve,
        Hub::new(),
        "/events?lastEventId=a%00b",
        400,
        "Last-Event-ID",
    );
}

/// A full hub (`max_subscribers`) answers `503`.
pub fn full_hub_is_503(serve: &Serve) {
    let check = "full_hub_is_503";
    let hub = Hub::builder().max_subscribers(1).build();
    let addr = start(serve, hub.clone());
    let held = get(check, addr, PATH, &[]);
    assert_eq!(held.head.status, 200, "{check}: the first subscriber");
    wait_for_subscribers(&hub, 1, check);
    refused_at(check, addr, PATH, 503, "maximum");
}

/// A closed hub answers `503`.
pub fn closed_hub_is_503(serve: &Serve) {
    let hub = Hub::new();
    hub.close();
    refused("closed_hub_is_503", serve, hub, PATH, 503, "closed");
}

/// An idle stream carries keep-alive comments (the hub's interval).
pub fn keep_alive_on_idle_stream(serve: &Serve) {
    let check = "keep_alive_on_idle_stream";
    let addr = start(serve, quick_keep_alive_hub());
    let mut response = get(check, addr, PATH, &[]);
    let deadline = Instant::now() + WAIT;
    while !response.has_comment_line() {
        let open = response
            .read_more()
            .unwrap_or_else(|e| panic!("{check}: {e}"));
        assert!(
            open && Instant::now() < deadline,
            "{check}: no comment line; body {:?}",
            text(&response)
        );
    }
}

/// A client that goes away frees its subscription.
pub fn disconnect_frees_the_subscription(serve: &Serve) {
    let check = "disconnect_frees_the_subscription";
    let hub = quick_keep_alive_hub();
    let addr = start(serve, hub.clone());
    let response = get(check, addr, PATH, &[]);
    wait_for_subscribers(&hub, 1, check);
    response.close();
    wait_for_subscribers(&hub, 0, check);
}

/// A hub whose streams send a keep-alive after 50 ms of silence, so a server notices
/// a client gone without waiting for an event.
fn quick_keep_alive_hub() -> Hub {
    let keep_alive = KeepAlive::new(Duration::from_millis(50));
    Hub::builder()
        .stream_options(StreamOptions::default().keep_alive(Some(keep_alive)))
        .build()
}

fn refused(check: &str, serve: &Serve, hub: Hub, target: &str, status: u16, says: &str) {
    let addr = start(serve, hub);
    refused_at(check, addr, target, status, says);
}

fn refused_at(check: &str, addr: SocketAddr, target: &str, status: u16, says: &str) {
    let mut response = get(check, addr, target, &[]);
    assert_eq!(response.head.status, status, "{check}: status of {target}");
    response
        .read_to_end(4096)
        .unwrap_or_else(|e| panic!("{check}: {e}"));
    let body = text(&response);
    assert!(
        body.contains(says),
        "{check}: the body {body:?} should say {says:?}"
    );
}

fn get(check: &str, addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Response {
    Response::get(addr, target, headers).unwrap_or_else(|e| panic!("{check}: GET {target}: {e}"))
}

fn publish(hub: &Hub, topic: &str, data: &str) -> EventId {
    let topic = Topic::new(topic).unwrap_or_else(|e| panic!("topic {topic:?}: {e}"));
    hub.publish(&topic, Event::new(data.to_owned()))
        .unwrap_or_else(|e| panic!("publish: {e}"))
}

fn text(response: &Response) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
