//! No silent loss, no hostages, through `sse serve`: a subscriber whose connection stops
//! draining falls behind the replay window; it gives back its place at once, and when
//! it resumes with its `Last-Event-ID` it gets one `sse-gap` event and then every event
//! still in the window, exactly once, in order.

mod harness;

use std::time::Instant;

use harness::TIMEOUT;
use harness::http::{EventStream, get, publish};
use harness::process::Server;

/// Large events, so a stalled connection's socket buffers fill after a few MB.
fn payload(n: usize) -> String {
    format!("{n:06}:{}", "x".repeat(32 * 1024))
}

fn open(server: &Server, headers: &[(&str, &str)]) -> EventStream {
    EventStream::open(server.addr, "/subscribe/t", headers)
        .unwrap_or_else(|r| panic!("subscribe: {} {}", r.status, r.text()))
}

/// Publishes batches of events until `done` says so; returns the ids published.
/// Bounded: at most 4000 events (128 MiB) and the test timeout.
fn publish_until(server: &Server, ids: &mut Vec<String>, mut done: impl FnMut(&Server) -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !done(server) {
        assert!(
            ids.len() < 4000,
            "published {} events without effect",
            ids.len()
        );
        assert!(Instant::now() < deadline, "no effect within {TIMEOUT:?}");
        for _ in 0..50 {
            let n = ids.len();
            ids.push(publish(server.addr, "t", &payload(n)));
        }
    }
}

#[test]
fn a_stalled_subscriber_resumes_after_one_gap_event_and_loses_nothing_silently() {
    let server = Server::start(&["--replay-count", "40", "--keep-alive", "0"]);
    let mut ids = vec![publish(server.addr, "t", &payload(0))];
    let mut stream = open(&server, &[("Last-Event-ID", "not-yet")]);
    // An unknown id first: the gap event, then the window (the one event).
    let gap = stream.next_event().unwrap();
    assert_eq!(gap.event_type(), "sse-gap");
    let json: serde_json::Value = serde_json::from_str(gap.data()).unwrap();
    assert_eq!(json["reason"], "unknown");
    assert_eq!(json["last_event_id"], "not-yet");
    assert_eq!(json["resumed_from"], ids[0].as_str());
    let first = stream.next_event().unwrap();
    assert_eq!(first.last_event_id().as_str(), ids[0]);

    // The client stops reading; the server publishes until the stalled subscriber is
    // found behind the window (`/status` looks for such subscribers).
    publish_until(&server, &mut ids, |server| {
        get(server.addr, "/status", &[]).json()["lag_drops"] == 1
    });
    let status = get(server.addr, "/status", &[]).json();
    assert_eq!(
        status["subscribers"]["total"], 0,
        "its place is free: {status}"
    );

    // The client reads again: what was in flight, then the end of the stream.
    let mut delivered = vec![ids[0].clone()];
    while let Some(event) = stream.next_event() {
        assert_ne!(event.event_type(), "sse-gap");
        delivered.push(event.last_event_id().as_str().to_owned());
    }
    let last = delivered.last().unwrap().clone();
    // It resumes with its last id: one gap event, then the window.
    let mut resumed = open(&server, &[("Last-Event-ID", &last)]);
    let gap = resumed.next_event().unwrap();
    assert_eq!(gap.event_type(), "sse-gap");
    assert_eq!(gap.last_event_id().as_str(), "", "the gap event has no id");
    let json: serde_json::Value = serde_json::from_str(gap.data()).unwrap();
    assert_eq!(json["reason"], "expired");
    assert_eq!(json["last_event_id"], last.as_str());
    let resumed_from = json["resumed_from"].as_str().unwrap().to_owned();
    let newest = ids.last().unwrap().clone();
    loop {
        let event = resumed.next_event().unwrap();
        assert_ne!(event.event_type(), "sse-gap", "one gap event only");
        delivered.push(event.last_event_id().as_str().to_owned());
        if event.last_event_id().as_str() == newest {
            break;
        }
    }
    // Delivered in publish order, each once; everything else lies in the gap, after
    // the client's last id and before `resumed_from`.
    let position = |id: &String| ids.iter().position(|p| p == id).unwrap();
    let delivered_at: Vec<usize> = delivered.iter().map(position).collect();
    assert!(
        delivered_at.windows(2).all(|w| w[0] < w[1]),
        "in order, once each"
    );
    let (gap_start, gap_end) = (position(&last), position(&resumed_from));
    assert!(gap_end > gap_start + 1, "the gap skipped something");
    for (n, id) in ids.iter().enumerate() {
        let in_gap = n > gap_start && n < gap_end;
        assert!(
            delivered.contains(id) != in_gap,
            "event {n} ({id}) lost silently or twice"
        );
    }
    assert_eq!(ids.len() - gap_end, 40, "the whole window was replayed");
    let status = get(server.addr, "/status", &[]).json();
    assert_eq!(status["gaps"], 2);
    assert_eq!(status["replays"]["expired"], 1);
    assert_eq!(status["replays"]["unknown"], 1);
}

#[test]
fn stalled_subscribers_free_their_places_for_new_ones() {
    let server = Server::start(&[
        "--replay-count",
        "20",
        "--max-subscribers",
        "3",
        "--keep-alive",
        "0",
    ]);
    let _stalled: Vec<EventStream> = (0..3).map(|_| open(&server, &[])).collect();
    let refused = EventStream::open(server.addr, "/subscribe/t", &[])
        .err()
        .expect("full");
    assert_eq!(refused.status, 503);
    let mut ids = Vec::new();
    let mut newcomer = None;
    publish_until(&server, &mut ids, |server| {
        newcomer = EventStream::open(server.addr, "/subscribe/t", &[]).ok();
        newcomer.is_some()
    });
    let mut newcomer = newcomer.unwrap();
    let id = publish(server.addr, "t", "hello");
    let event = newcomer.next_event().unwrap();
    assert_eq!(
        (event.data(), event.last_event_id().as_str()),
        ("hello", id.as_str())
    );
    let status = get(server.addr, "/status", &[]).json();
    // Each stalled one found behind the window gave back its place.
    let dropped = status["lag_drops"].as_u64().unwrap();
    assert!(dropped >= 1, "{status}");
    assert_eq!(
        status["subscribers"]["total"].as_u64().unwrap() + dropped,
        4,
        "{status}"
    );
}
