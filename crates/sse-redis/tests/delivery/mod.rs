//! Reading what a subscription delivers, and waiting for a reader, with bounded waits.
#![allow(dead_code)] // each test binary uses a part

use std::future::poll_fn;
use std::time::Duration;

use sse_core::hub::{Subscription, Topic};
use sse_core::{Event, EventId};
use sse_redis::RedisHub;

/// How long anything expected may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// One delivered event: its id, type and data, as a client would read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Got {
    pub id: String,
    pub kind: Option<String>,
    pub data: String,
}

/// The next frame of `sub` as text (fails the test after [`PATIENCE`]).
pub async fn next_text(sub: &mut Subscription) -> String {
    let frame = tokio::time::timeout(PATIENCE, poll_fn(|cx| sub.poll_frame(cx)))
        .await
        .expect("an event arrives")
        .expect("the subscription goes on");
    String::from_utf8(frame.as_bytes().to_vec()).expect("UTF-8 frame")
}

/// The next frame of `sub`, parsed (fails the test after [`PATIENCE`]).
pub async fn next(sub: &mut Subscription) -> Got {
    let text = next_text(sub).await;
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name).map(str::to_owned))
    };
    Got {
        id: field("id: ").expect("an id"),
        kind: field("event: "),
        data: field("data: ").unwrap_or_default(),
    }
}

/// The next `n` events of `sub`.
pub async fn take(sub: &mut Subscription, n: usize) -> Vec<Got> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(next(sub).await);
    }
    out
}

/// Publishes a marker event through `redis`.
pub async fn marker(redis: &RedisHub, topic: &str) -> EventId {
    redis
        .publish(&Topic::new(topic).unwrap(), Event::new("marker"))
        .await
        .expect("publish the marker")
}

/// Reads `sub` up to the event `marker` and returns what came before it (after a
/// marker published last, anything returned was pending: a duplicate, say).
pub async fn read_until(sub: &mut Subscription, marker: &EventId) -> Vec<Got> {
    let mut before = Vec::new();
    loop {
        let got = next(sub).await;
        if got.id == marker.as_str() {
            return before;
        }
        before.push(got);
    }
}

/// Waits until `redis`'s reader has read `id` (fails the test after [`PATIENCE`]).
pub async fn wait_read(redis: &RedisHub, id: &EventId) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let last = redis.reader_status().last_id;
        let read = last
            .as_ref()
            .is_some_and(|last| position(last.as_str()) >= position(id.as_str()));
        if read {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reader did not read {id} (last: {last:?})"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `ms-seq` as numbers, for ordering ids.
pub fn position(id: &str) -> (u64, u64) {
    let (ms, seq) = id.split_once('-').expect("a stream id");
    (ms.parse().unwrap(), seq.parse().unwrap())
}

pub fn topic(text: &str) -> Topic {
    Topic::new(text).unwrap()
}

pub fn id(text: &str) -> EventId {
    EventId::new(text).unwrap()
}
